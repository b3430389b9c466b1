"""Readiness: how far each commune is toward the 16 criteria of Resolution 57-NQ/TW."""
