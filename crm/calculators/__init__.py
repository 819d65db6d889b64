"""The rates page and `crm rates`: the creator's inputs in, the pure rates functions called."""
