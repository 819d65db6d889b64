"""The renewal email for a rights window about to end: an extension at the creator's add-on price.

Pure: plain values in, no session. The price is the creator's add-on percentage for the
right (their add-on policy, as the rates page keeps it) applied to the deal's amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from crm.dates import show_date
from crm.deals.rights import RightsKind, RightsWindow
from crm.emails.mailto import mailto_link
from crm.money import format_money

if TYPE_CHECKING:
    from crm.deals.rights_rows import RightsRow

# The add-on of the creator's policy (seed/market.toml add_ons) that prices each right.
ADD_ON_FOR = {
    RightsKind.USAGE: "usage_rights",
    RightsKind.WHITELISTING: "whitelisting",
    RightsKind.EXCLUSIVITY: "exclusivity",
}

_WHAT = {
    RightsKind.USAGE: "paid usage of the content",
    RightsKind.WHITELISTING: "whitelisting (Spark Ads through my account)",
    RightsKind.EXCLUSIVITY: "exclusivity",
}

_SHORT = {
    RightsKind.USAGE: "paid usage",
    RightsKind.WHITELISTING: "whitelisting",
    RightsKind.EXCLUSIVITY: "exclusivity",
}


def window_to_renew(rows: Sequence[RightsRow], asked: str) -> RightsRow | None:
    """The window a renewal link is for: the right it names (`?right=usage`), or, with none
    named (an old or hand-typed link), the deal's first window ending soon; None when that
    window has no end to extend."""
    kind = next((k for k in RightsKind if k.value == asked.strip()), None)
    if kind is None:
        soon = [r for r in rows if r.ending_soon and r.window.end is not None]
        return min(soon, key=lambda r: r.window.end or date.max) if soon else None
    row = next((r for r in rows if r.kind is kind), None)
    return row if row is not None and row.window.end is not None else None


def extension_price_cents(amount_cents: int, percent: int) -> int | None:
    """`percent` of `amount_cents`, half up to the cent; None when there is nothing to price."""
    if amount_cents <= 0 or percent <= 0:
        return None
    return (amount_cents * percent * 2 + 100) // 200


@dataclass(frozen=True)
class RenewalEmail:
    to: str
    subject: str
    body: str
    price_cents: int | None
    percent: int

    @property
    def mailto(self) -> str:
        return mailto_link(self.to, self.subject, self.body)


@dataclass(frozen=True)
class RenewalFacts:
    """What the email says: the deal, its contact, the window and the creator's price."""

    deal_title: str
    brand_name: str
    contact_name: str
    contact_email: str
    amount_cents: int
    currency: str
    window: RightsWindow
    percent: int
    creator_name: str
    category: str = ""


def _offer(facts: RenewalFacts, price: int | None) -> str:
    days = facts.window.days
    length = f"another {days} day{'s' if days != 1 else ''}" if days else "a further period"
    if price is None:
        return f"I'd be happy to extend it for {length}; let me know and I'll send a price."
    return (
        f"I'd be happy to extend it for {length} for {format_money(price, facts.currency)}"
        f" ({facts.percent}% of the original {format_money(facts.amount_cents, facts.currency)})."
    )


def renewal_email(facts: RenewalFacts) -> RenewalEmail:
    """The subject and body offering to extend `facts.window`, priced from the add-on policy."""
    window = facts.window
    price = extension_price_cents(facts.amount_cents, facts.percent)
    what = _WHAT[window.kind]
    if window.kind is RightsKind.EXCLUSIVITY and facts.category:
        what = f"exclusivity in {facts.category}"
    greeting = f"Hi {facts.contact_name.split()[0]}," if facts.contact_name.strip() else "Hi,"
    ends = show_date(window.end) if window.end else "soon"
    body = "\n\n".join(
        [
            greeting,
            f'The {what} for "{facts.deal_title}" runs until {ends}. If you\'d like to keep '
            "it going after that, an extension is an easy add-on.",
            _offer(facts, price),
            "Just reply to this email and I'll send over the updated terms.",
            f"Thanks,\n{facts.creator_name}".rstrip(),
        ]
    )
    subject = f"Extending {_SHORT[window.kind]} for {facts.deal_title}"
    return RenewalEmail(facts.contact_email, subject, body, price, facts.percent)
