"""The kit's rate card: the creator's own "from" price per kind, else the rates service's.

Pure: plain values and the market in, cents out (as crm/emails/pricing.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil

from crm.emails.pricing import PACKAGE_VIDEOS, RETAINER_VIDEOS
from crm.market.facts import Market
from crm.money import format_money
from crm.rates import quotes
from crm.rates.addons import policy_from

LABELS = {
    "ugc_video": "UGC video",
    "sponsored_post": "Sponsored TikTok post",
    "package": f"Package of {PACKAGE_VIDEOS} UGC videos",
    "retainer": f"Monthly retainer ({RETAINER_VIDEOS} videos a month)",
}


@dataclass(frozen=True)
class Creator:
    """What the rates service prices on."""

    followers: int
    niche: str
    experience: str
    engagement: float | None
    portfolio_count: int
    currency: str


@dataclass(frozen=True)
class RateLine:
    kind: str
    label: str
    cents: int
    currency: str
    own: bool  # the creator's own price (else the rates service's suggestion)

    @property
    def text(self) -> str:
        return format_money(self.cents, self.currency)


@dataclass(frozen=True)
class AddOnLine:
    label: str
    percent: int


def portfolio_weighed(m: Market) -> int:
    """The most sample videos the UGC quotes weigh: a strong portfolio's top (more adds
    nothing), so the kit counts the portfolio only that far."""
    return max(ceil(m.ugc.portfolio_videos.high), 1)


def _quoted(kind: str, who: Creator, m: Market) -> int | None:
    experience = who.experience if who.experience in m.ugc.per_video else "beginner"
    engagement = who.engagement
    if engagement is not None and not 0 <= engagement <= quotes.MAX_ENGAGEMENT:
        engagement = None  # more interactions than views: no figure to price on
    if kind == "sponsored_post":
        if who.followers <= 0:
            return None
        niche = who.niche if m.is_niche(who.niche) else "other"
        try:
            quote = quotes.sponsored_quote(who.followers, niche, engagement, market=m)
            return quote.suggested_cents
        except quotes.NeedsFollowersError:
            return None
    videos = {"ugc_video": 1, "package": PACKAGE_VIDEOS, "retainer": RETAINER_VIDEOS}[kind]
    quote = quotes.ugc_quote(
        experience,
        videos,
        retainer=kind == "retainer",
        portfolio_videos=who.portfolio_count,
        engagement=engagement,
        market=m,
    )
    if kind == "ugc_video":
        return quote.per_video_suggested_cents or quote.suggested_cents
    return quote.suggested_cents


def rate_lines(own: Mapping[str, int | None], who: Creator, m: Market) -> list[RateLine]:
    """One line per kind: the own price in the creator's currency, else the service's quote."""
    lines = []
    for kind, label in LABELS.items():
        cents = own.get(kind)
        if cents is not None:
            lines.append(RateLine(kind, label, cents, who.currency, own=True))
            continue
        quoted = _quoted(kind, who, m)
        if quoted is not None:
            lines.append(RateLine(kind, label, quoted, m.currency, own=False))
    return lines


def add_on_lines(saved_percents: Mapping[str, int], m: Market) -> list[AddOnLine]:
    """The creator's add-on policy as percentages on top, those above 0%."""
    policy = policy_from(saved_percents, market=m)
    return [
        AddOnLine(a.label, policy.percent(a.key)) for a in m.add_ons if policy.percent(a.key) > 0
    ]
