"""Check-ins due from people: reminders and the check-ins that settle them."""
