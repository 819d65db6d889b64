"""Inclusive ranges (money in integer cents, plain numbers) and how quotes round money."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


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


def round_to_dollars(cents: Fraction | int) -> int:
    """Exact cents to whole dollars (half up), still in cents: quotes are whole dollars."""
    return math.floor(Fraction(cents) / 100 + Fraction(1, 2)) * 100


def round_to_cents(cents: Fraction | int) -> int:
    """Exact cents to whole cents (half up): estimates keep their cents."""
    return math.floor(Fraction(cents) + Fraction(1, 2))
