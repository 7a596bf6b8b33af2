"""okr_goals: the goal service."""

from okr_goals import topics as _topics  # noqa: F401  (old event topics resolve from here on)
