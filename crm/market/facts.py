"""The market facts as types: what crm/market/seed.py builds from seed/market.toml."""

from __future__ import annotations

from dataclasses import dataclass

from crm.market.ranges import CentsRange, Range


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    high_value: bool = False


@dataclass(frozen=True)
class Stream:
    key: str
    label: str
    min_followers: int = 0


@dataclass(frozen=True)
class Tier:
    """A follower tier: `min` inclusive, `max` exclusive, monthly income per stream."""

    key: str
    min: int
    max: int
    streams: dict[str, CentsRange]

    @property
    def total(self) -> CentsRange:
        """The sum of the streams, low with low and high with high."""
        total = CentsRange(0, 0)
        for stream in self.streams.values():
            total = total + stream
        return total


@dataclass(frozen=True)
class Threshold:
    followers: int
    unlocks: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Benchmark:
    assumed_posts_per_week: int
    no_benchmark_message: str


@dataclass(frozen=True)
class Engagement:
    typical: Range
    typical_followers: Range
    beats_most_above: float
    large_account_multiple: float


@dataclass(frozen=True)
class Sponsored:
    per_thousand: CentsRange
    high_value_multiplier: Range


@dataclass(frozen=True)
class Ugc:
    per_video: dict[str, CentsRange]
    retainer_monthly: CentsRange
    ads_ctr_advantage: Range
    portfolio_videos: Range
    brand_sweet_spot_followers: Range
    marketplaces: tuple[str, ...]


@dataclass(frozen=True)
class Program:
    name: str
    commission_percent: Range
    min_followers: int


@dataclass(frozen=True)
class Affiliate:
    click_through_percent: Range
    conversion_percent: Range
    commission_per_sale: CentsRange
    programs: tuple[Program, ...]


@dataclass(frozen=True)
class AddOn:
    """An uplift a creator may charge on top of a quote, or (kind "fee") a fee of their
    add-on policy that no quote applies; the default is a starting policy."""

    key: str
    label: str
    default_percent: int
    help: str
    kind: str = "uplift"


@dataclass(frozen=True)
class RoundingStep:
    """Amounts from `from_cents` (up to the next step) round to the nearest `step_cents`."""

    from_cents: int
    step_cents: int


@dataclass(frozen=True)
class Market:
    currency: str
    tiers: tuple[Tier, ...]
    benchmark: Benchmark
    streams: tuple[Stream, ...]
    thresholds: tuple[Threshold, ...]
    engagement: Engagement
    sponsored: Sponsored
    ugc: Ugc
    affiliate: Affiliate
    add_ons: tuple[AddOn, ...]  # the quote uplifts only
    niches: tuple[Choice, ...]
    product_categories: tuple[Choice, ...]
    quote_rounding: tuple[RoundingStep, ...] = ()
    # The policy's fees (kind "fee", as a percent of a deal): set on the Rates page, never
    # among the uplifts a quote or a pitch email applies.
    fees: tuple[AddOn, ...] = ()

    @property
    def high_value_niches(self) -> frozenset[str]:
        return frozenset(n.key for n in self.niches if n.high_value)

    def niche_choices(self) -> list[tuple[str, str]]:
        return [(n.key, n.label) for n in self.niches]

    def category_choices(self) -> list[tuple[str, str]]:
        return [(c.key, c.label) for c in self.product_categories]

    def category_label(self, key: str) -> str:
        return next((c.label for c in self.product_categories if c.key == key), key)

    def niche_label(self, key: str) -> str:
        return next((n.label for n in self.niches if n.key == key), key)

    def stream_label(self, key: str) -> str:
        return next((s.label for s in self.streams if s.key == key), key)

    def is_niche(self, key: str) -> bool:
        return any(n.key == key for n in self.niches)
