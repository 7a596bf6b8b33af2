"""The check-in service: bitemporal check-ins with confidence, reminders, conversations and
feedback."""
