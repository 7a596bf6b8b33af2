"""History: the audit trail of an objective and the alignment tree as of any time."""
