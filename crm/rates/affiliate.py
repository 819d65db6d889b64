"""The monthly affiliate estimate: views x videos x click-through x conversion x commission.

The range spans low inputs to high (often tenfold), so the page and the text output
say its ends as a person would ($5-$70, not $6.40-$72.00), with the seed's
quote-rounding steps; the exact cents stay in `low_cents`/`high_cents` and the JSON.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from crm.market.facts import Market, Program
from crm.market.ranges import CentsRange, Range
from crm.money import format_money
from crm.rates.errors import RatesError
from crm.rates.rounding import estimate_figure, round_to_cents

FORMULA = (
    "average views per video × affiliate videos per month × click-through rate"
    " × conversion rate × commission per sale"
)


@dataclass(frozen=True)
class AffiliateEstimate:
    """A month's affiliate income, low inputs with low and high with high, in cents."""

    views: int
    videos: int
    click_through: Range
    conversion: Range
    commission: CentsRange
    clicks: Range
    sales: Range
    low_cents: int
    high_cents: int
    typical: frozenset[str]
    reasons: tuple[str, ...]
    currency: str = "USD"
    # The range as a person says it (rounded ends); low_cents/high_cents stay exact.
    said: CentsRange | None = None


def _check(
    views: int, videos: int, percents: dict[str, float | None], commission: int | None
) -> None:
    for name, value in (("views", views), ("videos", videos)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise RatesError(f"{name.capitalize()} must be a whole number, 0 or more.", field=name)
    for name, percent in percents.items():
        if percent is not None and (not math.isfinite(percent) or not 0 <= percent <= 100):
            raise RatesError("Enter a percentage from 0 to 100.", field=name)
    if commission is not None and commission < 0:
        raise RatesError("Commission can't be negative.", field="commission")


def _pick(given: float | None, typical: Range) -> Range:
    return typical if given is None else Range(given, given)


def _pct(band: Range) -> str:
    if band.low == band.high:
        return f"{band.low:g}%"
    return f"{band.low:g}-{band.high:g}%"


@dataclass(frozen=True)
class _Month:
    """Clicks, sales and commission (exact cents) for one set of inputs."""

    clicks: Fraction
    sales: Fraction
    cents: Fraction


def _month(views: int, videos: int, ctr_pct: float, conv_pct: float, cents: int) -> _Month:
    clicks = views * videos * Fraction(ctr_pct) / 100
    sales = clicks * Fraction(conv_pct) / 100
    return _Month(clicks, sales, sales * cents)


def _reasons(
    views: int,
    videos: int,
    inputs: tuple[Range, Range, CentsRange],
    low: _Month,
    high: _Month,
    currency: str,
) -> tuple[str, ...]:
    click_through, convert, commission = inputs
    sales = f"{float(low.sales):,.1f}-{float(high.sales):,.1f}"
    money = f"{format_money(commission.low, currency)}-{format_money(commission.high, currency)}"
    return (
        f"Formula: {FORMULA}.",
        f"{views:,} views × {videos} videos × {_pct(click_through)} click-through"
        f" × {_pct(convert)} conversion = {sales} sales a month.",
        f"× {money} commission per sale; low inputs pair with low and high with high.",
        "Older videos keep earning, so affiliate income compounds as your library grows.",
    )


def _said(low: _Month, high: _Month, m: Market) -> CentsRange:
    """The range as a person says it: the ends rounded by the seed's steps."""
    ends = (estimate_figure(round_to_cents(e.cents), m.quote_rounding) for e in (low, high))
    return CentsRange(*ends)


def affiliate_estimate(
    views: int,
    videos: int,
    *,
    ctr: float | None = None,
    conversion: float | None = None,
    commission_cents: int | None = None,
    market: Market,
) -> AffiliateEstimate:
    """Estimate a month; an input not given takes the seed's typical range."""
    m = market
    given = {"ctr": ctr, "conversion": conversion, "commission": commission_cents}
    _check(views, videos, {"ctr": ctr, "conversion": conversion}, commission_cents)
    click_through = _pick(ctr, m.affiliate.click_through_percent)
    convert = _pick(conversion, m.affiliate.conversion_percent)
    commission = (
        m.affiliate.commission_per_sale
        if commission_cents is None
        else CentsRange(commission_cents, commission_cents)
    )
    low = _month(views, videos, click_through.low, convert.low, commission.low)
    high = _month(views, videos, click_through.high, convert.high, commission.high)
    return AffiliateEstimate(
        views=views,
        videos=videos,
        click_through=click_through,
        conversion=convert,
        commission=commission,
        clicks=Range(float(low.clicks), float(high.clicks)),
        sales=Range(float(low.sales), float(high.sales)),
        low_cents=round_to_cents(low.cents),
        high_cents=round_to_cents(high.cents),
        said=_said(low, high, m),
        typical=frozenset(name for name, value in given.items() if value is None),
        reasons=_reasons(
            views, videos, (click_through, convert, commission), low, high, m.currency
        ),
        currency=m.currency,
    )


def programs_for(followers: int, *, market: Market) -> list[tuple[Program, bool]]:
    """Each affiliate program with whether `followers` meets its requirement."""
    m = market
    return [(p, followers >= p.min_followers) for p in m.affiliate.programs]
