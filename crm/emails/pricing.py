"""The rates an email quotes, from the rates service (pure: facts and the seed in, cents out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm.emails.facts import Facts
from crm.market.seed import Market
from crm.money import format_money
from crm.pitches.models import PitchKind
from crm.rates import quotes
from crm.rates.addons import policy_from

# A retainer is priced as this many videos a month: one a week, the usual ask.
RETAINER_VIDEOS = 4
# The package a reply with rates offers next to a single video.
PACKAGE_VIDEOS = 3
UNITS = {
    PitchKind.UGC: "per video",
    PitchKind.RETAINER: f"a month for {RETAINER_VIDEOS} videos",
    PitchKind.SPONSORSHIP: "per post",
}


@dataclass(frozen=True)
class Rate:
    """The starting rate an email quotes, with what it is for."""

    cents: int
    currency: str
    unit: str

    @property
    def text(self) -> str:
        return format_money(self.cents, self.currency)


def _experience(facts: Facts, m: Market) -> str:
    return facts.experience if facts.experience in m.ugc.per_video else "beginner"


def _niche(facts: Facts, m: Market) -> str:
    return facts.niche if m.is_niche(facts.niche) else "other"


def _engagement(facts: Facts) -> float | None:
    # Stats may hold more interactions than views (over 100%): no figure to price on.
    engagement = facts.engagement
    return engagement if engagement is None or 0 <= engagement <= quotes.MAX_ENGAGEMENT else None


def ugc_per_video(facts: Facts, m: Market) -> int:
    """The suggested per-video UGC rate: experience band, portfolio size and engagement."""
    quote = quotes.ugc_quote(
        _experience(facts, m),
        1,
        portfolio_videos=facts.portfolio_count,
        engagement=_engagement(facts),
        market=m,
    )
    return quote.per_video_suggested_cents or quote.suggested_cents


def _computed(facts: Facts, kind: PitchKind, m: Market) -> int | None:
    if kind == PitchKind.UGC:
        return ugc_per_video(facts, m)
    if kind == PitchKind.RETAINER:
        return quotes.ugc_quote(
            _experience(facts, m),
            RETAINER_VIDEOS,
            retainer=True,
            portfolio_videos=facts.portfolio_count,
            engagement=_engagement(facts),
            market=m,
        ).suggested_cents
    if kind == PitchKind.SPONSORSHIP and facts.followers > 0:
        # Priced per 1,000 followers: too few followers for a figure above $0 is no figure.
        try:
            return quotes.sponsored_quote(
                facts.followers, _niche(facts, m), _engagement(facts), market=m
            ).suggested_cents
        except quotes.NeedsFollowersError:
            return None
    return None


def starting_rate(facts: Facts, kind: PitchKind, m: Market) -> Rate | None:
    """The rate the email names: what the pitch already quoted, else the rates service's."""
    unit = UNITS.get(kind)
    if unit is None:
        return None  # affiliate work is paid by commission: no flat figure to name
    pitch = facts.pitch
    if pitch is not None and pitch.quoted_cents is not None:
        return Rate(pitch.quoted_cents, pitch.currency, unit)
    cents = _computed(facts, kind, m)
    return Rate(cents, m.currency, unit) if cents is not None else None


def rate_lines(facts: Facts, kind: PitchKind, m: Market) -> list[dict[str, str]]:
    """The lines of a reply with rates: label and amount."""
    rate = starting_rate(facts, kind, m)
    lines: list[tuple[str, str]] = []
    if kind == PitchKind.UGC and rate:
        lines += [
            ("One UGC video", rate.text),
            (f"{PACKAGE_VIDEOS} videos", format_money(rate.cents * PACKAGE_VIDEOS, rate.currency)),
        ]
    elif kind == PitchKind.RETAINER and rate:
        lines.append((f"Monthly retainer, {RETAINER_VIDEOS} videos a month", rate.text))
        if rate.currency == m.currency:
            lines.append(("A single video", format_money(ugc_per_video(facts, m), m.currency)))
    elif kind == PitchKind.SPONSORSHIP and rate:
        lines.append(("One sponsored TikTok post", rate.text))
    elif kind == PitchKind.AFFILIATE:
        lines += [
            ("Affiliate videos", "your program's commission on each sale"),
            (
                "A UGC video you can also run as an ad",
                format_money(ugc_per_video(facts, m), m.currency),
            ),
        ]
    return [{"label": label, "amount": amount} for label, amount in lines]


def add_on_lines(facts: Facts, kind: PitchKind, m: Market) -> list[dict[str, Any]]:
    """The creator's own add-on uplifts (their policy, not market rates), above 0%."""
    if kind == PitchKind.AFFILIATE:
        return []
    policy = policy_from(facts.add_on_percents, market=m)
    return [
        {"label": a.label, "percent": f"+{policy.percent(a.key)}%"}
        for a in m.add_ons
        if policy.percent(a.key) > 0
    ]
