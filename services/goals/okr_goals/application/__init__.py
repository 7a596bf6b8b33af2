"""application layer of the goal service."""
