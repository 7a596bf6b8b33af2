"""domain layer of the projections service."""
