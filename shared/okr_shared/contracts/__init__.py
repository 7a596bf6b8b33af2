"""Event contracts: versioned JSON Schemas, validation and upcasting of published event data."""

from okr_shared.contracts.registry import (
    ContractRegistry,
    ContractViolation,
    default_registry,
    published,
)

__all__ = ["ContractRegistry", "ContractViolation", "default_registry", "published"]
