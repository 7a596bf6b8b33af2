"""What the incentive service learns from `okr.goals.v1`, `okr.reviews.v1` and `okr.checkins.v1`."""
