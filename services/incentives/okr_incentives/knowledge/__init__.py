"""What the incentive service learns from `okr.goals.v1` and `okr.reviews.v1`."""
