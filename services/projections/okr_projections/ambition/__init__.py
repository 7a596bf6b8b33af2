"""Ambition history: final review scores per person and org unit over past cycles."""
