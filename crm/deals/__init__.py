"""Deals: the work won from a brand, the deliverables it owes, the rights it grants."""
