"""The brand timeline: what happened with a brand, written by any area (brands, pitches, emails)."""
