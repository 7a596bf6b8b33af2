"""Retrospectives: what worked, what did not, lessons and next steps, per objective and team."""
