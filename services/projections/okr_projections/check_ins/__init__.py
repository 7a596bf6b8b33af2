"""The check-in log of each key result and what it moves in the objectives."""
