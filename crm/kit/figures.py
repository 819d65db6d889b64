"""Numbers as a person quotes them on a media kit: 12.3K followers, 4.8%, +2.1%."""

from __future__ import annotations

GROWTH_DAYS = 30
ENGAGEMENT_WORDS = (
    "likes, comments and shares added up, divided by video views, over the latest stats period"
)
GROWTH_WORDS = (
    f"followers now minus followers {GROWTH_DAYS} days earlier, divided by followers "
    f"{GROWTH_DAYS} days earlier"
)


def people(count: int) -> str:
    """842, 4.4K, 12.3K, 120K, 1.2M: the largest unit that makes at least 1 of it."""
    if count < 1_000:
        return f"{count:,}"
    for size, unit in ((1_000_000_000, "B"), (1_000_000, "M")):
        text = _short(count / size)
        if float(text) >= 1:
            return text + unit
    return _short(count / 1_000) + "K"


def _short(value: float) -> str:
    # One decimal below 100 (12.3K), none from there (120K); a trailing .0 goes (1K).
    return f"{value:.0f}" if value >= 99.95 else f"{value:.1f}".removesuffix(".0")


def percent(value: float | None) -> str:
    """'4.8%'; '' when unknown."""
    return "" if value is None else f"{value:.1f}%"


def signed_percent(value: float | None) -> str:
    """'+2.1%', a minus sign and '0.4%' below zero, '0.0%'; '' when unknown."""
    if value is None:
        return ""
    shown = round(value, 1)
    if shown > 0:
        return f"+{shown:.1f}%"
    if shown < 0:
        return f"\u2212{-shown:.1f}%"
    return "0.0%"


def share(millionths: int) -> str:
    """A share of the followers: 421_300 -> '42%'; under 1% -> '<1%'."""
    value = millionths / 10_000
    return "<1%" if 0 < value < 0.5 else f"{value:.0f}%"
