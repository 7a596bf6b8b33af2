"""The cycle read model and the alignment tree of a cycle."""
