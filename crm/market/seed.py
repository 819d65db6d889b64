"""The one reader of seed/market.toml: every key typed and checked on load.

A broken or incomplete file raises SeedError naming the key at fault, e.g.
"seed/market.toml: tiers[2].streams.ugc must be [low, high] with low <= high"
(list positions count from 0). Money in the file is USD in major units; the
Market holds it as integer cents.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from crm.market.facts import (
    AddOn,
    Affiliate,
    Benchmark,
    Choice,
    Engagement,
    Market,
    Program,
    RoundingStep,
    Sponsored,
    Stream,
    Threshold,
    Tier,
    Ugc,
)
from crm.market.ranges import CentsRange, Range
from crm.market.reader import Reader, SeedError
from crm.paths import data_dir
from crm.rates.addons import FEE_MOST, MAX_PERCENT

__all__ = [
    "AddOn",
    "CentsRange",
    "Choice",
    "Market",
    "Program",
    "Range",
    "SeedError",
    "Threshold",
    "Tier",
    "load_market_file",
    "parse_market",
]

BENCHMARK_STREAMS = ("affiliate", "ugc", "brand", "live")
EXPERIENCE_LEVELS = ("beginner", "experienced")


def _choices(reader: Reader, key: str, *, flag: str | None = None) -> tuple[Choice, ...]:
    found: list[Choice] = []
    for item in reader.tables(key):
        item.only("key", "label", *([flag] if flag else []))
        high_value = item.flag(flag, default=False) if flag else False
        found.append(Choice(item.text("key"), item.text("label"), high_value))
    reader.unique(key, [c.key for c in found])
    return tuple(found)


def _streams(reader: Reader) -> tuple[Stream, ...]:
    found = []
    for item in reader.tables("streams"):
        item.only("key", "label", "min_followers")
        found.append(
            Stream(item.text("key"), item.text("label"), item.count("min_followers", default=0))
        )
    reader.unique("streams", [s.key for s in found])
    missing = [k for k in BENCHMARK_STREAMS if k not in {s.key for s in found}]
    if missing:
        reader.fail("streams", f"must include the benchmark streams {', '.join(missing)}")
    return tuple(found)


def _tiers(reader: Reader) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    for item in reader.tables("tiers"):
        item.only("key", "min", "max", "streams")
        low, high = item.count("min"), item.count("max")
        if high <= low:
            item.fail("max", f"must be more than min ({low})")
        expected = tiers[-1].max if tiers else 0
        if low != expected:
            problem = "a gap" if low > expected else "an overlap"
            item.fail(
                "min", f"must be {expected} (where the tier before ends): tiers have {problem}"
            )
        streams_reader = item.table("streams")
        streams_reader.only(*BENCHMARK_STREAMS)
        streams = {key: streams_reader.money_range(key) for key in BENCHMARK_STREAMS}
        tiers.append(Tier(item.text("key"), low, high, streams))
    reader.unique("tiers", [t.key for t in tiers])
    return tuple(tiers)


def _thresholds(reader: Reader) -> tuple[Threshold, ...]:
    found: list[Threshold] = []
    for item in reader.tables("thresholds"):
        item.only("followers", "unlocks", "note")
        followers = item.count("followers")
        if found and followers <= found[-1].followers:
            item.fail(
                "followers", f"must be more than the threshold before ({found[-1].followers})"
            )
        found.append(Threshold(followers, item.texts("unlocks"), item.text("note", default="")))
    return tuple(found)


def _engagement(reader: Reader) -> Engagement:
    item = reader.table("engagement")
    item.only(
        "typical_low",
        "typical_high",
        "typical_followers",
        "beats_most_above",
        "large_account_multiple",
    )
    typical = item.pair_range("typical_low", "typical_high")
    return Engagement(
        typical=typical,
        typical_followers=item.range("typical_followers", whole=True),
        beats_most_above=item.number("beats_most_above"),
        large_account_multiple=item.number("large_account_multiple"),
    )


def _sponsored(reader: Reader) -> Sponsored:
    item = reader.table("sponsored")
    item.only("per_thousand", "high_value_multiplier")
    multiplier = item.range("high_value_multiplier")
    if multiplier.low < 1:
        # A high-value niche must never lower a quote.
        item.fail("high_value_multiplier", "must be at least [1, 1]")
    return Sponsored(item.money_range("per_thousand"), multiplier)


def _ugc(reader: Reader) -> Ugc:
    item = reader.table("ugc")
    item.only(
        *EXPERIENCE_LEVELS,
        "retainer_monthly",
        "ads_ctr_advantage",
        "portfolio_videos",
        "brand_sweet_spot_followers",
        "marketplaces",
    )
    return Ugc(
        per_video={level: item.money_range(level) for level in EXPERIENCE_LEVELS},
        retainer_monthly=item.money_range("retainer_monthly"),
        ads_ctr_advantage=item.range("ads_ctr_advantage"),
        portfolio_videos=item.range("portfolio_videos", whole=True),
        brand_sweet_spot_followers=item.range("brand_sweet_spot_followers", whole=True),
        marketplaces=item.texts("marketplaces"),
    )


def _affiliate(reader: Reader) -> Affiliate:
    item = reader.table("affiliate")
    item.only("click_through_percent", "conversion_percent", "commission_per_sale", "programs")
    programs = []
    for program in item.tables("programs"):
        program.only("name", "commission_percent", "min_followers")
        programs.append(
            Program(
                program.text("name"),
                program.range("commission_percent", most=100),
                program.count("min_followers", default=0),
            )
        )
    return Affiliate(
        click_through_percent=item.range("click_through_percent", most=100),
        conversion_percent=item.range("conversion_percent", most=100),
        commission_per_sale=item.money_range("commission_per_sale"),
        programs=tuple(programs),
    )


# An add-on's kind: an uplift on a quote, or a fee (a percent of a deal, never on a quote).
ADD_ON_KINDS = ("uplift", "fee")
# The most a percent may be: an uplift may multiply a quote; a fee is a part of the deal.
ADD_ON_MOST = {"uplift": MAX_PERCENT, "fee": FEE_MOST}


def _add_ons(reader: Reader) -> tuple[AddOn, ...]:
    """Every [[add_ons]] table: the quote uplifts and the fees alike (see `Market.fees`)."""
    found = []
    for item in reader.tables("add_ons"):
        item.only("key", "label", "default_percent", "help", "kind")
        kind = item.text("kind", "uplift")
        if kind not in ADD_ON_KINDS:
            item.fail("kind", "must be uplift or fee")
        percent = item.count("default_percent")
        if percent > ADD_ON_MOST[kind]:
            item.fail("default_percent", f"must be 0 to {ADD_ON_MOST[kind]}")
        found.append(AddOn(item.text("key"), item.text("label"), percent, item.text("help"), kind))
    reader.unique("add_ons", [a.key for a in found])
    return tuple(found)


def _benchmark(reader: Reader) -> Benchmark:
    item = reader.table("benchmark")
    item.only("assumed_posts_per_week", "no_benchmark_message")
    posts = item.count("assumed_posts_per_week")
    if posts < 1:
        item.fail("assumed_posts_per_week", "must be at least 1")
    return Benchmark(posts, item.text("no_benchmark_message"))


def _quote_rounding(reader: Reader) -> tuple[RoundingStep, ...]:
    found: list[RoundingStep] = []
    for item in reader.tables("quote_rounding"):
        item.only("from", "step")
        start, step = item.count("from"), item.count("step")
        if step < 1:
            item.fail("step", "must be at least 1")
        if not found and start != 0:
            item.fail("from", "must be 0 (the first row covers every amount from $0)")
        if found and start <= found[-1].from_cents // 100:
            item.fail("from", "must be more than the row before's")
        if found and (start % step or start * 100 % found[-1].step_cents):
            # A boundary off either step could round a smaller amount above a larger one.
            item.fail("from", "must be a multiple of this step and the step before")
        found.append(RoundingStep(start * 100, step * 100))
    return tuple(found)


_TOP_LEVEL = (
    "currency",
    "tiers",
    "benchmark",
    "streams",
    "thresholds",
    "engagement",
    "sponsored",
    "ugc",
    "affiliate",
    "add_ons",
    "niches",
    "product_categories",
    "quote_rounding",
)


def parse_market(data: dict[str, Any], name: str = "seed/market.toml") -> Market:
    """Check the parsed TOML and build the Market, naming the first key at fault."""
    reader = Reader(data, name)
    reader.only(*_TOP_LEVEL)
    currency = reader.text("currency")
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        reader.fail("currency", "must be a three-letter code like USD")
    tiers = _tiers(reader)
    thresholds = _thresholds(reader)
    add_ons = _add_ons(reader)
    if tiers[-1].max not in {t.followers for t in thresholds}:
        reader.fail("thresholds", f"must include the end of the last tier ({tiers[-1].max})")
    return Market(
        currency=currency,
        tiers=tiers,
        benchmark=_benchmark(reader),
        streams=_streams(reader),
        thresholds=thresholds,
        engagement=_engagement(reader),
        sponsored=_sponsored(reader),
        ugc=_ugc(reader),
        affiliate=_affiliate(reader),
        add_ons=tuple(a for a in add_ons if a.kind == "uplift"),
        niches=_choices(reader, "niches", flag="high_value"),
        product_categories=_choices(reader, "product_categories"),
        quote_rounding=_quote_rounding(reader),
        fees=tuple(a for a in add_ons if a.kind == "fee"),
    )


DEFAULT_PATH_NAME = "seed/market.toml"


def default_path() -> Path:
    """The installed market file."""
    return data_dir("seed") / "market.toml"


def load_market_file(path: Path, name: str | None = None) -> Market:
    """Read and check one market file; `name` is how messages call it."""
    name = name or str(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SeedError(f"{name}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{name}: not valid TOML: {exc}") from None
    return parse_market(data, name)


@cache
def installed_market() -> Market:
    """The installed market facts, read and checked once per process."""
    return load_market_file(default_path(), DEFAULT_PATH_NAME)
