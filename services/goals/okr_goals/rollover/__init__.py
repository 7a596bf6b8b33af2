"""Rollover: unfinished objectives copied into the next cycle with their lineage."""
