"""Grading reminders: `GradingDue` / `GradingOverdue` to owners and managers, once per period."""
