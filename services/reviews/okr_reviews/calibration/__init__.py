"""Calibration sessions: leaders compare a unit's score distribution and adjust scores with a
reason."""
