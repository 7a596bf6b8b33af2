"""domain layer of the goal service."""
