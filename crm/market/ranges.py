"""Inclusive ranges: money in integer cents, and plain numbers (percentages, multipliers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CentsRange:
    """An inclusive money range in integer cents."""

    low: int
    high: int

    def __add__(self, other: CentsRange) -> CentsRange:
        return CentsRange(self.low + other.low, self.high + other.high)


@dataclass(frozen=True)
class Range:
    """An inclusive range of plain numbers (percentages, multipliers, counts)."""

    low: float
    high: float
