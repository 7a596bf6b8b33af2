"""The organisation directory: org units and people, imported from HR exports."""
