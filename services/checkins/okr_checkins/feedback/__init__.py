"""Feedback on goals: praise, suggestions and concerns."""
