"""The org-unit and people read models, and the objectives of a unit or a person."""
