"""Objectives: set, read and revise objectives, their key results and initiatives."""
