"""Check-in cadences, and the due and overdue reminders the scheduler sends."""
