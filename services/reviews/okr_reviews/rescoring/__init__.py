"""Re-scoring a cycle's reviews under other scoring rules, the scores as of an instant, and the
adoption of other rules with a reason."""
