"""Scoring rules: the step, the remark threshold and the bands per commitment, versioned."""
