"""okr_shared."""
