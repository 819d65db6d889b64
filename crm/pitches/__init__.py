"""Pitches: outreach to brands, their state machine, and follow-ups."""
