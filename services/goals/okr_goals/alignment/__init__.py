"""Alignment: objectives supporting parents, linked at once or proposed, never in a circle."""
