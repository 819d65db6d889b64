"""Every setting of the creator's in one place: /settings, a line and a link per area."""
