"""Market facts: seed/market.toml read, checked and typed once, handed to whoever computes."""
