"""Sponsored-post and UGC quotes: a band from the market facts and a suggested figure with reasons.

How engagement moves the suggestion (`engagement_position`, a product judgement,
not a market fact). The position runs from 0 (the band's low end) to 1 (its high
end) and never goes down as engagement goes up:

    below the typical low (8%)    0.0 -> 0.2   at or near the low end
    inside the typical 8-12%      0.2 -> 0.6   interpolated
    above the typical high (12%)  0.6 -> 1.0   reached two typical widths higher (20%), then capped
    no engagement known           0.0          the low end: no number to argue for more

UGC is paid for content skills, not audience size, so its suggestion averages two
parts: the portfolio (0 with no sample videos, 1 at the top of the 5-10 a strong
portfolio has) and the same engagement position.

Money is exact (fractions of cents) until the end, then whole dollars, rounded half
up; the band stays at those whole dollars, and the suggestion becomes the round
figure a person would quote (`rounding.quote_figure`, steps from the seed) inside
it, so low <= suggested <= high always holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from crm.market.facts import Market
from crm.market.ranges import CentsRange, Range
from crm.money import format_money
from crm.rates.addons import AppliedAddOn
from crm.rates.errors import RatesError
from crm.rates.rounding import quote_figure, round_to_dollars, rounding_note
from crm.rates.tiers import check_followers

NEAR_LOW = Fraction(1, 5)
TYPICAL_TOP = Fraction(3, 5)
FULL_AFTER_WIDTHS = 2
MAX_VIDEOS = 100
MAX_ENGAGEMENT = 100
NEEDS_FOLLOWERS = (
    "A sponsored post is priced per 1,000 followers, so {followers} followers make no "
    "sponsored rate yet. UGC pays for content, not audience: quote UGC videos instead."
)


class NeedsFollowersError(RatesError):
    """Too few followers for a sponsored figure above $0: say so, and point to UGC."""


@dataclass(frozen=True)
class Quote:
    """A quote in integer cents: the band, the suggested figure, and why."""

    kind: Literal["sponsored", "ugc"]
    low_cents: int
    high_cents: int
    suggested_cents: int
    reasons: tuple[str, ...]
    currency: str = "USD"
    position: float = 0.0
    add_ons: tuple[AppliedAddOn, ...] = ()
    uplift_percent: int = 0
    videos: int = 1
    retainer: bool = False
    per_video: CentsRange | None = None
    per_video_suggested_cents: int | None = None
    # The suggestion before rounding to a quotable figure (whole dollars).
    exact_suggested_cents: int | None = None

    @property
    def band(self) -> CentsRange:
        return CentsRange(self.low_cents, self.high_cents)


def check_engagement(engagement: float | None) -> None:
    """Refuse an engagement rate that is not a percentage from 0 to 100."""
    if engagement is None:
        return
    if isinstance(engagement, bool) or not isinstance(engagement, int | float):
        raise RatesError("Engagement must be a number.", field="engagement")
    if not math.isfinite(engagement) or not 0 <= engagement <= MAX_ENGAGEMENT:
        raise RatesError("Engagement must be a percentage from 0 to 100.", field="engagement")


def engagement_position(engagement: float | None, typical: Range) -> Fraction:
    """Where in a band engagement puts the suggestion: 0 (low end) to 1 (high end)."""
    if engagement is None:
        return Fraction(0)
    e, low, high = Fraction(engagement), Fraction(typical.low), Fraction(typical.high)
    if e < low:
        return NEAR_LOW * e / low
    if e <= high:
        share = (e - low) / (high - low) if high > low else Fraction(1)
        return NEAR_LOW + (TYPICAL_TOP - NEAR_LOW) * share
    reach = FULL_AFTER_WIDTHS * (high - low) or high or Fraction(1)
    return min(Fraction(1), TYPICAL_TOP + (1 - TYPICAL_TOP) * (e - high) / reach)


def _money(cents: int | Fraction, currency: str = "USD") -> str:
    return format_money(round_to_dollars(cents), currency)


def _span(band: CentsRange, currency: str = "USD") -> str:
    return f"{_money(band.low, currency)}-{_money(band.high, currency)}"


def _up(position: Fraction) -> str:
    return f"{float(position):.0%} of the way up the band"


def engagement_reason(engagement: float | None, m: Market, followers: int | None = None) -> str:
    """Say where engagement sits against the typical range and where that puts the figure."""
    typical, sized = m.engagement.typical, m.engagement.typical_followers
    if followers is not None and sized.low <= followers < sized.high:
        size = "for accounts your size"
    else:
        size = f"for accounts with {sized.low:,.0f}-{sized.high:,.0f} followers"
    where = f"the typical {typical.low:g}-{typical.high:g}% {size}"
    if engagement is None:
        return (
            "No engagement rate yet, so engagement puts the suggestion at the low end of the band: "
            "add a stats snapshot."
        )
    yours = f"Your {engagement:.1f}% engagement is"
    puts = f"engagement puts the suggestion {_up(engagement_position(engagement, typical))}"
    low, high = f"{typical.low:g}%", f"{typical.high:g}%"
    if engagement < typical.low:
        return f"{yours} below {where}: {puts} ({float(NEAR_LOW):.0%} at {low})."
    if engagement <= typical.high:
        scale = f"{float(NEAR_LOW):.0%} at {low}, {float(TYPICAL_TOP):.0%} at {high}"
        return f"{yours} inside {where}: {puts} ({scale})."
    top = typical.high + FULL_AFTER_WIDTHS * (typical.high - typical.low)
    return f"{yours} above {where}: {puts} (the top from {top:g}%)."


def _beats_most(engagement: float | None, m: Market) -> list[str]:
    above = m.engagement.beats_most_above
    if engagement is None or engagement <= above:
        return []
    return [f"Above {above:g}%, your engagement beats most TikTok creators: say so in the pitch."]


def _within(low: Fraction, high: Fraction, position: Fraction) -> Fraction:
    return low + position * (high - low)


def _quotable(exact: Fraction, band: CentsRange, m: Market) -> tuple[int, int, str]:
    """The whole-dollar suggestion, the round figure to quote, and how one became the other."""
    cents = round_to_dollars(exact)
    figure = quote_figure(cents, band, m.quote_rounding)
    return cents, figure, rounding_note(cents, figure, m.quote_rounding, m.currency)


def _high_value(
    low: Fraction, high: Fraction, label: str, m: Market
) -> tuple[Fraction, Fraction, str]:
    times = m.sponsored.high_value_multiplier
    low, high = low * Fraction(times.low), high * Fraction(times.high)
    reason = (
        f"{label} is a high-value niche: {times.low:g}-{times.high:g}x the standard rate "
        f"(low end x{times.low:g}, high end x{times.high:g}) gives {_money(low)}-{_money(high)}."
    )
    return low, high, reason


def sponsored_quote(
    followers: int,
    niche: str,
    engagement: float | None = None,
    *,
    market: Market,
) -> Quote:
    """A sponsored-post quote: followers/1,000 x the band, niche multiplier, engagement."""
    m = market
    check_followers(followers)
    check_engagement(engagement)
    if not m.is_niche(niche):
        raise RatesError(f"{niche!r} is not a niche.", field="niche")
    per = m.sponsored.per_thousand
    low, high = Fraction(followers * per.low, 1000), Fraction(followers * per.high, 1000)
    reasons = [
        f"Standard micro-influencer rate: {_span(per)} per 1,000 followers per post; "
        f"{followers:,} followers gives {_money(low)}-{_money(high)}."
    ]
    if niche in m.high_value_niches:
        low, high, reason = _high_value(low, high, m.niche_label(niche), m)
        reasons.append(reason)
    if round_to_dollars(low) == 0:
        # A band starting at $0 is no quote; UGC is what pays a new account.
        raise NeedsFollowersError(NEEDS_FOLLOWERS.format(followers=f"{followers:,}"), "followers")
    position = engagement_position(engagement, m.engagement.typical)
    band = CentsRange(round_to_dollars(low), round_to_dollars(high))
    exact, figure, note = _quotable(_within(low, high, position), band, m)
    reasons.append(engagement_reason(engagement, m, followers))
    reasons.extend(_beats_most(engagement, m))
    reasons.append(f"Suggested {_money(figure)}{note}.")
    return Quote(
        kind="sponsored",
        low_cents=band.low,
        high_cents=band.high,
        suggested_cents=figure,
        reasons=tuple(reasons),
        currency=m.currency,
        position=float(position),
        exact_suggested_cents=exact,
    )


def portfolio_position(portfolio_videos: int | None, strong: Range) -> Fraction:
    """0 with no sample videos, rising to 1 at the top of a strong portfolio's size."""
    if not portfolio_videos or strong.high <= 0:
        return Fraction(0)
    return min(Fraction(1), Fraction(portfolio_videos) / Fraction(strong.high))


def _portfolio_reason(portfolio_videos: int | None, strong: Range) -> str:
    size = f"{strong.low:g}-{strong.high:g}"
    if portfolio_videos is None:
        return f"Portfolio size not given: a strong portfolio has {size} sample videos."
    if portfolio_videos < strong.low:
        return (
            f"Your portfolio has {portfolio_videos} sample videos; {size} of products you own "
            "make a strong one and move the suggestion up."
        )
    return f"Your portfolio has {portfolio_videos} sample videos (a strong one has {size})."


def _check_ugc(experience: str, videos: int, portfolio_videos: int | None, m: Market) -> None:
    if experience not in m.ugc.per_video:
        raise RatesError("Experience must be beginner or experienced.", field="experience")
    if isinstance(videos, bool) or not isinstance(videos, int) or not 1 <= videos <= MAX_VIDEOS:
        raise RatesError(f"Videos must be 1 to {MAX_VIDEOS}.", field="videos")
    if portfolio_videos is not None and (
        isinstance(portfolio_videos, bool)
        or not isinstance(portfolio_videos, int)
        or portfolio_videos < 0
    ):
        raise RatesError("Portfolio videos must be 0 or more.", field="portfolio_videos")


def _per_video(
    experience: str, portfolio_videos: int | None, engagement: float | None, m: Market
) -> tuple[CentsRange, int, Fraction, list[str]]:
    band = m.ugc.per_video[experience]
    who = (
        "Experienced UGC creators with a strong portfolio"
        if experience == "experienced"
        else ("Beginner UGC creators")
    )
    portfolio = portfolio_position(portfolio_videos, m.ugc.portfolio_videos)
    engaged = engagement_position(engagement, m.engagement.typical)
    position = (portfolio + engaged) / 2
    _, figure, note = _quotable(_within(Fraction(band.low), Fraction(band.high), position), band, m)
    reasons = [
        f"{who} earn {_span(band)} per video: UGC pays for content skills, not audience size.",
        _portfolio_reason(portfolio_videos, m.ugc.portfolio_videos),
        engagement_reason(engagement, m),
        f"Suggested {_money(figure)} per video{note}: {_up(position)} (half portfolio, "
        f"half engagement: {float(portfolio):.0%} and {float(engaged):.0%}).",
    ]
    return band, figure, position, reasons


def _ads_angle(m: Market) -> str:
    times = m.ugc.ads_ctr_advantage
    return (
        f"UGC-style ads beat polished studio ads {times.low:g}-{times.high:g}x in click-through "
        "and cost per acquisition: the brand can run your video as an ad."
    )


def _retainer(videos: int, per_video: int, m: Market) -> tuple[int, int, int, str]:
    """The monthly retainer band, and N x the per-video suggestion brought into it."""
    monthly = m.ugc.retainer_monthly
    wanted = videos * per_video
    suggested = min(max(wanted, monthly.low), monthly.high)
    note = "" if suggested == wanted else f", brought into the retainer range: {_money(suggested)}"
    line = (
        f"Monthly retainers run {_span(monthly)} for a set number of videos a month; "
        f"{videos} video{'s' if videos != 1 else ''} x {_money(per_video)} = "
        f"{_money(wanted)}{note}."
    )
    return monthly.low, monthly.high, suggested, line


def ugc_quote(
    experience: str,
    videos: int = 1,
    *,
    retainer: bool = False,
    portfolio_videos: int | None = None,
    engagement: float | None = None,
    market: Market,
) -> Quote:
    """A UGC quote per video by experience, for a package of N videos, or as a monthly retainer."""
    m = market
    _check_ugc(experience, videos, portfolio_videos, m)
    check_engagement(engagement)
    band, per_video, position, reasons = _per_video(experience, portfolio_videos, engagement, m)
    if retainer:
        low, high, suggested, line = _retainer(videos, per_video, m)
        reasons.append(line)
    else:
        low, high, suggested = videos * band.low, videos * band.high, videos * per_video
        if videos > 1:
            reasons.append(
                f"{videos} videos x {_span(band)} = {_span(CentsRange(low, high))}; "
                f"suggested {videos} x {_money(per_video)} = {_money(suggested)}."
            )
    reasons.append(_ads_angle(m))
    return Quote(
        kind="ugc",
        low_cents=low,
        high_cents=high,
        suggested_cents=suggested,
        reasons=tuple(reasons),
        currency=m.currency,
        position=float(position),
        videos=videos,
        retainer=retainer,
        per_video=band,
        per_video_suggested_cents=per_video,
    )
