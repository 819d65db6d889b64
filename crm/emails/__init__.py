"""Pitch emails: generated from Jinja templates with the creator's numbers, edited, sent."""
