"""Accounts: creators, their login sessions and their profile."""
