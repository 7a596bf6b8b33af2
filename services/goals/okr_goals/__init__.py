"""okr_goals."""
