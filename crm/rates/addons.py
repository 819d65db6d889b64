"""The creator's add-on policy: uplifts for usage rights, whitelisting and exclusivity.

These are the creator's own numbers, not market facts. The seed only gives
starting values. Uplifts add up as percentages of the base quote (usage
rights 30% + exclusivity 20% = base x 1.5) rather than compounding, so the
creator can check the sum in their head.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from crm.market.facts import Market
from crm.market.ranges import CentsRange
from crm.money import format_money
from crm.rates.errors import RatesError
from crm.rates.rounding import quote_figure, round_to_dollars

if TYPE_CHECKING:
    from crm.rates.quotes import Quote

MAX_PERCENT = 500
# A fee of the policy (the extra revision) is a percent of the deal, never more than all of it.
FEE_MOST = 100


@dataclass(frozen=True)
class AddOnPolicy:
    """Percent per add-on key; `customised` holds the keys the creator changed."""

    percents: dict[str, int]
    customised: frozenset[str] = field(default_factory=frozenset)

    def percent(self, key: str) -> int:
        return self.percents[key]


@dataclass(frozen=True)
class AppliedAddOn:
    key: str
    label: str
    percent: int


def default_policy(*, market: Market) -> AddOnPolicy:
    """The seed's starting policy."""
    m = market
    return AddOnPolicy({a.key: a.default_percent for a in m.add_ons})


def policy_from(saved: Mapping[str, int], *, market: Market) -> AddOnPolicy:
    """The defaults overlaid with the creator's saved percentages (unknown keys ignored)."""
    m = market
    percents = {a.key: saved.get(a.key, a.default_percent) for a in m.add_ons}
    changed = frozenset(k for k in saved if k in percents and saved[k] != _default(m, k))
    return AddOnPolicy(percents, changed)


def _default(m: Market, key: str) -> int:
    return next(a.default_percent for a in m.add_ons if a.key == key)


def check_percent(key: str, percent: int, *, most: int = MAX_PERCENT) -> None:
    """Refuse a percentage outside 0..`most` (an uplift's MAX_PERCENT, a fee's FEE_MOST)."""
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= most:
        raise RatesError(f"Enter a whole percentage from 0 to {most}.", field=key)


def _uplift(cents: int, percent: int) -> int:
    """Apply +percent and round to whole dollars (half up), as quotes are."""
    return round_to_dollars(Fraction(cents * (100 + percent), 100))


def apply_add_ons(
    quote: Quote,
    selected: Iterable[str],
    policy: AddOnPolicy | None = None,
    *,
    market: Market,
) -> Quote:
    """The quote with the selected add-ons' uplifts; an empty selection returns it unchanged."""
    m = market
    policy = policy or default_policy(market=m)
    wanted = list(dict.fromkeys(selected))
    if not wanted:
        return quote
    if quote.add_ons:
        # Uplifts are percentages of the base quote; applying twice would compound.
        raise RatesError("Add-ons are already applied to this quote.", field="add_ons")
    labels = {a.key: a.label for a in m.add_ons}
    for key in wanted:
        if key not in labels:
            raise RatesError(f"{key!r} is not an add-on.", field="add_ons")
    applied = tuple(AppliedAddOn(k, labels[k], policy.percent(k)) for k in wanted)
    total = sum(a.percent for a in applied)
    parts = ", ".join(f"{a.label} +{a.percent}%" for a in applied)
    base = f"{format_money(quote.low_cents, quote.currency)}-" + format_money(
        quote.high_cents, quote.currency
    )
    reason = (
        f"Your add-on policy (your own numbers, not market rates): {parts} = +{total}% on {base}."
    )
    band = CentsRange(_uplift(quote.low_cents, total), _uplift(quote.high_cents, total))
    exact = _uplift(quote.exact_suggested_cents or quote.suggested_cents, total)
    return replace(
        quote,
        low_cents=band.low,
        high_cents=band.high,
        suggested_cents=quote_figure(exact, band, m.quote_rounding),  # quoted: rounded too
        exact_suggested_cents=exact,
        reasons=(*quote.reasons, reason),
        add_ons=(*quote.add_ons, *applied),
        uplift_percent=quote.uplift_percent + total,
    )
