"""Payroll exports: a cycle's awards ledger as CSV and JSON files with a stable id, each recorded
as `PayrollExported` for HR integrators."""
