"""application layer of the projections service."""
