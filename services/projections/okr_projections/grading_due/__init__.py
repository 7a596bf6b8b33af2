"""Open grading per person: grading reminders and the scores that settle them."""
