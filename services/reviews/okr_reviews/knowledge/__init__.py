"""What the review service learns from `okr.goals.v1` and `okr.checkins.v1`, into its own store."""
