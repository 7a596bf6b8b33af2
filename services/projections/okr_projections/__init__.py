"""okr_projections."""
