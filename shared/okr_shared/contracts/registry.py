"""Loads the JSON Schemas `schemas/<context>/<Event>.v<N>.json`; validates and upcasts data."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Collection
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts.upcasters import Upcaster, register_goal_upcasters
from okr_shared.contracts.vocabulary import SCHEMA_DIR
from okr_shared.contracts.vocabulary import SCHEMA_FILE as _FILE
from okr_shared.personal.contract import tolerant

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

FORMATS = FormatChecker(formats=("uuid", "date", "email"))
"""The `format`s the schemas use, enforced: uuid, date, email (jsonschema's own checks) and
date-time (RFC 3339, checked here: jsonschema's needs a package the platform does not ship)."""


@FORMATS.checks("date-time", raises=ValueError)
def _is_rfc3339(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    if not _RFC3339.match(instance):
        return False
    datetime.fromisoformat(instance.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


class ContractViolation(Exception):
    """Event data that does not match its declared schema; `reason` names the field.

    `field` is the offending field's path in the event data (empty when unknown) and `detail`
    a short description of the rule it breaks, without the offending value.
    """

    def __init__(
        self, reason: str, field: tuple[str | int, ...] = (), detail: str | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.detail = detail or reason


class ContractRegistry:
    """Every known schema by (context, event name, version), plus upcasters between versions.

    `validate` admits, in a field marked `x-okr-personal`, a sealed string or the erased marker
    besides the text (the stored and the published forms); `validate_opened` checks the opened
    text against the schema as written.
    """

    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        self._validators: dict[tuple[str, str, int], Draft202012Validator] = {}
        self._as_written: dict[tuple[str, str, int], Draft202012Validator] = {}
        self._upcasters: dict[tuple[str, str, int], Upcaster] = {}
        self._passed = _Passed()
        for path in sorted(schema_dir.glob("*/*.json")):
            match = _FILE.match(path.name)
            if match:
                schema = json.loads(path.read_text())
                Draft202012Validator.check_schema(schema)
                key = (path.parent.name, match["name"], int(match["version"]))
                self._validators[key] = Draft202012Validator(
                    tolerant(schema), format_checker=FORMATS
                )
                self._as_written[key] = Draft202012Validator(schema, format_checker=FORMATS)
        self._versions: dict[tuple[str, str], tuple[int, ...]] = {}
        for c, n, v in sorted(self._validators):
            self._versions[(c, n)] = (*self._versions.get((c, n), ()), v)

    def contracts(self) -> list[tuple[str, str, int]]:
        """Every known (context, event name, version), sorted."""
        return sorted(self._validators)

    def schema(self, context: str, name: str, version: int) -> dict[str, Any]:
        """The JSON Schema of one version of an event, as shipped."""
        return self._validators[(context, name, version)].schema

    def upcasts(self, context: str, name: str, version: int) -> bool:
        """Whether data of `version` has an upcaster to the next version."""
        return (context, name, version) in self._upcasters

    def versions(self, context: str, name: str) -> list[int]:
        return list(self._versions.get((context, name), ()))

    def latest_version(self, context: str, name: str) -> int:
        versions = self.versions(context, name)
        if not versions:
            raise ContractViolation(f"unknown event type {context}.{name}")
        return versions[-1]

    def register_upcaster(
        self, context: str, name: str, from_version: int, upcaster: Upcaster
    ) -> None:
        """Registers how data of `from_version` becomes data of `from_version + 1`."""
        self._upcasters[(context, name, from_version)] = upcaster

    def validate(self, context: str, name: str, version: int, data: dict[str, Any]) -> None:
        """Raises ContractViolation naming the first offending field."""
        validator = self._validators.get((context, name, version))
        _check(validator, context, name, version, data, self._passed)

    def validate_opened(
        self,
        context: str,
        name: str,
        version: int,
        data: dict[str, Any],
        erased: Collection[tuple] = (),
    ) -> None:
        """Like `validate`, with personal fields held to their text's rules (data opened);
        the fields at the `erased` paths hold the erased marker and are not checked again."""
        validator = self._as_written.get((context, name, version))
        _check(validator, context, name, version, data, self._passed, frozenset(erased))

    def max_lengths(self, context: str, name: str) -> dict[str, int]:
        """The `maxLength` of each top-level field of the latest version of an event's data."""
        schema = self._as_written[(context, name, self.latest_version(context, name))].schema
        return {
            field: spec["maxLength"]
            for field, spec in schema.get("properties", {}).items()
            if isinstance(spec, dict) and "maxLength" in spec
        }

    def read(self, context: str, event: CloudEvent) -> dict[str, Any]:
        """Validates event data under its declared version and upcasts it to the latest one."""
        name, version = event.schema_name, event.schema_version
        self.validate(context, name, version, event.data)
        return self.upcast(context, name, version, event.data)

    def upcast(
        self, context: str, name: str, version: int, data: dict[str, Any], to: int | None = None
    ) -> dict[str, Any]:
        """Valid data of `version` upcast to version `to` (the latest by default), each step
        validated."""
        target = self.latest_version(context, name) if to is None else to
        while version < target:
            upcaster = self._upcasters.get((context, name, version))
            if upcaster is None:
                raise ContractViolation(f"no upcaster for {name} v{version} -> v{version + 1}")
            data = upcaster(data)
            version += 1
            self.validate(context, name, version, data)
        return data


class _Passed:
    """The data a registry's validators passed lately, as canonical JSON: one event is checked at
    save, by the relay and by the audit chainer, in one process, so the later checks are a
    lookup. Only exact text matches count: a value that differs in any way is validated afresh."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._seen: OrderedDict[tuple[int, str], None] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(validator: Draft202012Validator, data: dict[str, Any]) -> tuple[int, str] | None:
        try:
            text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return None
        return id(validator), text

    def __contains__(self, key: tuple[int, str] | None) -> bool:
        if key is None:
            return False
        with self._lock:
            if key in self._seen:
                self._seen.move_to_end(key)
                return True
        return False

    def add(self, key: tuple[int, str] | None) -> None:
        if key is None:
            return
        with self._lock:
            self._seen[key] = None
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)


def _check(
    validator: Draft202012Validator | None,
    context: str,
    name: str,
    version: int,
    data: dict[str, Any],
    passed: _Passed,
    skip: frozenset[tuple] = frozenset(),
) -> None:
    if validator is None:
        raise ContractViolation(f"no schema for {context}.{name} v{version}")
    key = None if skip else passed.key(validator, data)
    if key in passed:
        return
    _errors(validator, name, version, data, skip)
    passed.add(key)


def _errors(
    validator: Draft202012Validator,
    name: str,
    version: int,
    data: dict[str, Any],
    skip: frozenset[tuple],
) -> None:
    errors = sorted(
        (e for e in validator.iter_errors(data) if tuple(e.absolute_path) not in skip),
        key=lambda e: [(isinstance(p, str), p) for p in e.path],
    )
    error = next(iter(errors), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise ContractViolation(
            f"{name} v{version} field '{where}': {error.message}", _field(error), _detail(error)
        )


def _field(error: ValidationError) -> tuple[str | int, ...]:
    """The path of the offending field; for a missing field, the path of that field."""
    path = tuple(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [p for p in error.validator_value if p not in error.instance]
        return (*path, missing[0]) if missing else path
    return path


def _detail(error: ValidationError) -> str:
    """What the rule asks for, in words, without repeating the (possibly huge) value."""
    rule, value = error.validator, error.validator_value
    details = {
        "maxLength": f"at most {value} characters",
        "minLength": "must not be empty" if value == 1 else f"at least {value} characters",
        "maxItems": f"at most {value} items",
        "minItems": f"at least {value} items",
        "pattern": "does not have the expected format",
        "format": f"must be a valid {value}",
        "enum": f"must be one of {', '.join(map(str, value))}" if isinstance(value, list) else "",
        "required": "is required",
        "maximum": f"at most {value}",
        "minimum": f"at least {value}",
    }
    return details.get(str(rule)) or error.message[:200]


@cache
def default_registry() -> ContractRegistry:
    """The registry of the schemas and upcasters shipped with the platform."""
    registry = ContractRegistry()
    register_goal_upcasters(registry)
    return registry


def published(
    domain_event: Any,
    registry: ContractRegistry,
    *,
    context: str,
    name: str,
    subject: str,
    data: dict[str, Any],
    id_namespace: uuid.UUID,
) -> CloudEvent:
    """The CloudEvent of a stored domain event: data validated against the latest schema of `name`,
    a stable id per stored event, and the who/why/trace recorded in the event's `meta`."""
    version = registry.latest_version(context, name)
    registry.validate(context, name, version, data)
    meta = domain_event.meta
    return CloudEvent(
        id=str(
            uuid.uuid5(
                id_namespace, f"{domain_event.originator_id}:{domain_event.originator_version}"
            )
        ),
        source=f"/okr/{context}",
        type=f"okr.{context}.{name}",
        subject=subject,
        time=domain_event.timestamp,
        dataschema=schema_urn(context, name, version),
        data=data,
        tenantid=meta["tenant_id"],
        actorid=meta["actor_id"],
        correlationid=meta["correlation_id"],
        causationid=meta["causation_id"],
        sequence=domain_event.originator_version,
        traceparent=meta.get("traceparent"),
    )
