"""Follower tiers and platform thresholds: where a creator stands and what comes next."""

from __future__ import annotations

from dataclasses import dataclass

from crm.market.seed import Market, Threshold, Tier
from crm.rates.errors import RatesError


@dataclass(frozen=True)
class NextThreshold:
    """The next platform threshold above the creator and how far it is."""

    followers: int
    missing: int
    unlocks: tuple[str, ...]
    note: str = ""

    @property
    def sentence(self) -> str:
        """'1,240 followers to TikTok Shop Affiliate'."""
        unit = "follower" if self.missing == 1 else "followers"
        return f"{self.missing:,} {unit} to {join_words(self.unlocks)}"


@dataclass(frozen=True)
class TierStanding:
    """The tier for a follower count (None from 10K up), what is unlocked and what is next."""

    followers: int
    tier: Tier | None
    message: str | None
    unlocked: tuple[str, ...]
    unlocked_notes: tuple[str, ...]
    next_threshold: NextThreshold | None


def join_words(words: tuple[str, ...] | list[str]) -> str:
    """('A', 'B', 'C') -> 'A, B and C'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def check_followers(followers: int) -> None:
    """Refuse a follower count that cannot be."""
    if isinstance(followers, bool) or not isinstance(followers, int) or followers < 0:
        raise RatesError("Followers must be a whole number, 0 or more.", field="followers")


def tier_for(followers: int, *, market: Market) -> Tier | None:
    """The tier whose [min, max) holds `followers`; None at and above the last tier's max."""
    check_followers(followers)
    m = market
    return next((t for t in m.tiers if t.min <= followers < t.max), None)


def _next(followers: int, thresholds: tuple[Threshold, ...]) -> NextThreshold | None:
    ahead = next((t for t in thresholds if t.followers > followers), None)
    if ahead is None:
        return None
    return NextThreshold(ahead.followers, ahead.followers - followers, ahead.unlocks, ahead.note)


def standing(followers: int, *, market: Market) -> TierStanding:
    """Tier, unlocked features (thresholds <= followers) and the next threshold."""
    m = market
    tier = tier_for(followers, market=m)
    reached = [t for t in m.thresholds if t.followers <= followers]
    return TierStanding(
        followers=followers,
        tier=tier,
        message=None if tier else m.benchmark.no_benchmark_message,
        unlocked=tuple(name for t in reached for name in t.unlocks),
        unlocked_notes=tuple(t.note for t in reached if t.note),
        next_threshold=_next(followers, m.thresholds),
    )
