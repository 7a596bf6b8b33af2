"""Reviews: one per objective when its cycle enters grading; suggestions, scores, finalisation."""
