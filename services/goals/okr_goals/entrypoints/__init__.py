"""entrypoints layer of the goal service."""
