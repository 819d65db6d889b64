"""How money rounds: exact amounts to dollars or cents, and suggested prices as a person
would quote them ($245, not $243); the steps are seed data.

`quote_figure` is monotonic (a larger exact amount never gets a smaller figure) and
stays inside the band: the seed reader checks that every step boundary is a
multiple of the steps on both sides, so rounding across a boundary cannot reorder.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from crm.market.facts import RoundingStep
from crm.market.ranges import CentsRange
from crm.money import format_money

WHOLE_DOLLAR = 100


def step_for(cents: int, steps: Sequence[RoundingStep]) -> int:
    """The rounding step for an amount: the last row it reaches, else whole dollars."""
    step = WHOLE_DOLLAR
    for row in steps:
        if cents >= row.from_cents:
            step = row.step_cents
    return step


def _nearest(cents: int, step: int) -> int:
    return (cents + step // 2) // step * step  # half up


def quote_figure(cents: int, band: CentsRange, steps: Sequence[RoundingStep]) -> int:
    """The round figure nearest `cents` inside `band`; `cents` itself when the band holds none."""
    step = step_for(cents, steps)
    figure = _nearest(cents, step)
    if figure < band.low:
        figure = -(-band.low // step) * step
    elif figure > band.high:
        figure = band.high // step * step
    return figure if band.low <= figure <= band.high else cents


def estimate_figure(cents: int, steps: Sequence[RoundingStep]) -> int:
    """An estimate as a person says it: whole dollars below the first step, else nearest step."""
    step = step_for(cents, steps)
    if cents < step:
        return _nearest(cents, WHOLE_DOLLAR)
    return _nearest(cents, step)


def rounding_note(exact: int, figure: int, steps: Sequence[RoundingStep], currency: str) -> str:
    """Say how the suggested figure came from the exact one."""
    if figure == exact:
        if exact % step_for(exact, steps) == 0:
            return ""
        return f" (the band holds no round figure, so the exact {format_money(exact, currency)})"
    step = format_money(step_for(exact, steps), currency)
    return f" (exactly {format_money(exact, currency)}, rounded to the nearest {step} in the band)"


def round_to_dollars(cents: Fraction | int) -> int:
    """Exact cents to whole dollars (half up), still in cents: quotes are whole dollars."""
    return math.floor(Fraction(cents) / 100 + Fraction(1, 2)) * 100


def round_to_cents(cents: Fraction | int) -> int:
    """Exact cents to whole cents (half up): estimates keep their cents."""
    return math.floor(Fraction(cents) + Fraction(1, 2))
