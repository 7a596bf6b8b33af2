"""Cycles: planning, active, grading and closed."""
