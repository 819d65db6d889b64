"""Inquiries: a brand asks for a collaboration through the creator's media kit."""
