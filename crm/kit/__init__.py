"""The media kit: the public page a brand opens from a pitch, and its settings."""
