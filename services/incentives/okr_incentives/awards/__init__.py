"""Awards: granted when a policy is bound to a finalised cycle, with evidence; corrections
compensate."""
