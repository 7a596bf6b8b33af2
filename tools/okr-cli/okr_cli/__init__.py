"""The `okr` command line: one entry point for operators, auditors and integrators."""
