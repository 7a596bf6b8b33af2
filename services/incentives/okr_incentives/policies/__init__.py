"""Reward policies of a tenant, versioned: score bands to points and multipliers, eligibility,
caps and budgets."""
