"""Brands: leads and UGC clients, their contacts, tags and activity timeline."""
