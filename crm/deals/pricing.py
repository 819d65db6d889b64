"""What the creator's add-on policy adds to a deal's agreed amount for the rights it grants.

Pure: plain values in (the amount, the rights, the policy's percentages), no session.
Uplifts add up as percentages of the agreed amount, as crm.rates.addons adds them to a
quote, so "usage 30% + exclusivity 20%" is half the amount again, never compounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crm.deals.rights import HasRights, RightsKind, windows
from crm.money import format_money

# The add-on policy's key for each right a deal can grant (seed/market.toml [[add_ons]]).
ADD_ON_FOR = {
    RightsKind.USAGE: "usage_rights",
    RightsKind.WHITELISTING: "whitelisting",
    RightsKind.EXCLUSIVITY: "exclusivity",
}


@dataclass(frozen=True)
class PricedAddOn:
    """One right's uplift: its percent of the agreed amount, in cents."""

    kind: RightsKind
    percent: int
    cents: int

    def line(self, currency: str) -> str:
        """'Paid usage +30%: $135.00'."""
        return f"{self.kind.label} +{self.percent}%: {format_money(self.cents, currency)}"


@dataclass(frozen=True)
class AddOnPrices:
    """The uplifts a deal's rights carry, and the quote with them."""

    amount_cents: int
    lines: tuple[PricedAddOn, ...]

    @property
    def added_cents(self) -> int:
        return sum(line.cents for line in self.lines)

    @property
    def total_cents(self) -> int:
        return self.amount_cents + self.added_cents


def percent_of(cents: int, percent: int) -> int:
    """`percent` of `cents`, half a cent rounded up."""
    return (cents * percent * 2 + 100) // 200


def add_on_prices(amount_cents: int, deal: HasRights, percents: Mapping[str, int]) -> AddOnPrices:
    """The policy's uplift on `amount_cents` for each right `deal` grants (none set: none)."""
    lines = []
    for window in windows(deal):
        percent = percents.get(ADD_ON_FOR[window.kind])
        if percent:
            lines.append(PricedAddOn(window.kind, percent, percent_of(amount_cents, percent)))
    return AddOnPrices(amount_cents, tuple(lines))
