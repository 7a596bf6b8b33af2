"""Rewards in the projections: a person's awards, the budgets used per unit and the fairness
report of a cycle, from `okr.incentives.v1`."""
