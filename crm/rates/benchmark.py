"""A month's income against the follower tier's benchmark: below, within or above."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from crm.market.ranges import CentsRange
from crm.market.seed import Market, Tier
from crm.money import format_money
from crm.rates.errors import RatesError
from crm.rates.tiers import tier_for

Verdict = Literal["below", "within", "above"]

VERDICT_WORDS: dict[str, str] = {
    "below": "below the range",
    "within": "within the range",
    "above": "above the range",
}


@dataclass(frozen=True)
class StreamVerdict:
    """One stream (or the total): the month's amount against the tier's range."""

    key: str
    label: str
    amount_cents: int
    range: CentsRange
    verdict: Verdict

    def sentence(self, currency: str = "USD") -> str:
        """'UGC deals: $450 is within the range $300-$1,000.'"""
        low, high = format_money(self.range.low, currency), format_money(self.range.high, currency)
        amount = format_money(self.amount_cents, currency)
        return f"{self.label}: {amount} is {VERDICT_WORDS[self.verdict]} {low}-{high}."


@dataclass(frozen=True)
class MonthBenchmark:
    """The comparison; `tier` is None (and `message` says why) from 10,000 followers up."""

    followers: int
    tier: Tier | None
    message: str | None
    streams: tuple[StreamVerdict, ...]
    total: StreamVerdict | None
    other_cents: int
    posting_note: str | None
    currency: str


def verdict(amount_cents: int, band: CentsRange) -> Verdict:
    """Below, within (bounds included) or above `band`."""
    if amount_cents < band.low:
        return "below"
    if amount_cents > band.high:
        return "above"
    return "within"


def _check_income(income: Mapping[str, int], m: Market) -> None:
    known = {s.key for s in m.streams}
    for key, cents in income.items():
        if key not in known:
            raise RatesError(f"{key!r} is not an income stream.", field=key)
        if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
            raise RatesError("Income can't be negative.", field=key)


def posts_a_week(posts: int, days: int) -> Decimal:
    """Posts a week over `days`, to one decimal rounded half up as a person quotes it."""
    return (Decimal(7 * posts) / Decimal(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _quote_rate(rate: int | Decimal) -> str:
    # 3.0 reads "3", 3.9 stays "3.9": whole numbers carry no decimal.
    return str(int(rate)) if rate == int(rate) else str(rate)


def posting_note(posts_per_week: int | Decimal | None, m: Market) -> str | None:
    """Say so when the creator posts less often than the benchmark assumes."""
    assumed = m.benchmark.assumed_posts_per_week
    if posts_per_week is None or posts_per_week >= assumed:
        return None
    return (
        f"The benchmark assumes at least {assumed} posts a week; "
        f"you post {_quote_rate(posts_per_week)}, so landing lower is expected."
    )


def compare_month(
    followers: int,
    income: Mapping[str, int],
    posts_per_week: int | Decimal | None = None,
    *,
    market: Market,
) -> MonthBenchmark:
    """Compare income in cents per stream key with the tier; a missing stream counts 0."""
    m = market
    _check_income(income, m)
    tier = tier_for(followers, market=m)
    benchmarked = tier.streams if tier else {}
    other = sum(cents for key, cents in income.items() if key not in benchmarked)
    if tier is None:
        return MonthBenchmark(
            followers, None, m.benchmark.no_benchmark_message, (), None, other, None, m.currency
        )
    streams = tuple(
        StreamVerdict(
            key, m.stream_label(key), income.get(key, 0), band, verdict(income.get(key, 0), band)
        )
        for key, band in tier.streams.items()
    )
    amount = sum(s.amount_cents for s in streams)
    total = StreamVerdict("total", "Total", amount, tier.total, verdict(amount, tier.total))
    return MonthBenchmark(
        followers, tier, None, streams, total, other, posting_note(posts_per_week, m), m.currency
    )
