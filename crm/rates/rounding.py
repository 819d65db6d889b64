"""How quotes and estimates round money: quotes to whole dollars, estimates to cents."""

from __future__ import annotations

import math
from fractions import Fraction


def round_to_dollars(cents: Fraction | int) -> int:
    """Exact cents to whole dollars (half up), still in cents: quotes are whole dollars."""
    return math.floor(Fraction(cents) / 100 + Fraction(1, 2)) * 100


def round_to_cents(cents: Fraction | int) -> int:
    """Exact cents to whole cents (half up): estimates keep their cents."""
    return math.floor(Fraction(cents) + Fraction(1, 2))
