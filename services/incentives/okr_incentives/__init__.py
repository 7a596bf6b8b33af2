"""The incentive service: reward policies, awards with their evidence, compensating corrections."""
