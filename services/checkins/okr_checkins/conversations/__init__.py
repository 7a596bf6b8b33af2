"""One-to-one conversations between a person and their manager."""
