"""adapters layer of the projections service."""
