"""Rates: pure functions over the market facts in seed/market.toml."""
