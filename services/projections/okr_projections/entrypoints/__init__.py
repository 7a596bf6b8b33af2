"""entrypoints layer of the projections service."""
