"""adapters layer of the goal service."""
