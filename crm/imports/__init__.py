"""Imports: what creators download (analytics and earnings exports) read into stats and income."""
