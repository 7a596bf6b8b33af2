"""What the service learns from `okr.goals.v1`: the knowledge store, its subscriber, its freshness
and the access facts read from it."""
