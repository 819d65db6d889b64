"""The dashboard: the creator's week at a glance."""
