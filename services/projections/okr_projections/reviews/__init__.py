"""Reviews of objectives (okr.reviews.v1) on their documents, and the grading status of a cycle."""
