"""Review service: scoring rules, grading reviews of objectives, self and manager scores."""
