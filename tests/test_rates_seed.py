"""The seed file is read through one checked reader: a broken file names the key at fault."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crm import create_app
from crm.market import seed
from crm.market.seed import SeedError, parse_market
from tests import conftest

NAME = "seed/market.toml"


def installed_data() -> dict[str, Any]:
    with seed.default_path().open("rb") as handle:
        return tomllib.load(handle)


def write_toml(path: Path, data: dict[str, Any]) -> Path:
    """Write `data` back as TOML (tables of scalars, lists and arrays of tables only)."""
    lines: list[str] = []

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
        return repr(v)

    def table(prefix: str, items: dict[str, Any], header: str) -> None:
        if header:
            lines.append(header)
        nested = []
        for key, v in items.items():
            tables = isinstance(v, list) and v and all(isinstance(x, dict) for x in v)
            if tables or (
                isinstance(v, dict) and any(isinstance(x, list | dict) for x in v.values())
            ):
                nested.append((key, v))
            else:
                lines.append(f"{key} = {value(v)}")
        for key, v in nested:
            full = f"{prefix}{key}"
            if isinstance(v, list):
                for item in v:
                    table(f"{full}.", item, f"[[{full}]]")
            else:
                table(f"{full}.", v, f"[{full}]")

    scalars = {k: v for k, v in data.items() if not isinstance(v, dict | list)}
    rest = {k: v for k, v in data.items() if k not in scalars}
    table("", {**scalars, **rest}, "")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_installed_seed_loads_and_round_trips_through_the_test_writer(tmp_path):
    data = installed_data()
    path = write_toml(tmp_path / "market.toml", data)
    assert tomllib.loads(path.read_text()) == data
    assert seed.load_market_file(path).tiers == seed.installed_market().tiers


def test_the_seed_holds_the_domain_tiers_and_totals():
    m = seed.installed_market()
    dollars = {
        t.key: {k: (r.low // 100, r.high // 100) for k, r in t.streams.items()} for t in m.tiers
    }
    assert dollars == {
        "0-1K": {"affiliate": (0, 50), "ugc": (100, 500), "brand": (0, 50), "live": (0, 0)},
        "1K-3K": {"affiliate": (25, 150), "ugc": (200, 800), "brand": (50, 200), "live": (10, 50)},
        "3K-5K": {
            "affiliate": (50, 300),
            "ugc": (300, 1000),
            "brand": (100, 400),
            "live": (25, 100),
        },
        "5K-10K": {
            "affiliate": (100, 500),
            "ugc": (400, 1500),
            "brand": (200, 500),
            "live": (50, 300),
        },
    }
    assert [(t.total.low // 100, t.total.high // 100) for t in m.tiers] == [
        (100, 600),
        (285, 1200),
        (475, 1800),
        (750, 2800),
    ]
    assert [(t.min, t.max) for t in m.tiers] == [
        (0, 1000),
        (1000, 3000),
        (3000, 5000),
        (5000, 10000),
    ]


def test_the_seed_holds_the_other_domain_facts():
    m = seed.installed_market()
    assert [(t.followers, t.unlocks) for t in m.thresholds] == [
        (1000, ("LIVE", "LIVE gifts")),
        (5000, ("TikTok Shop Affiliate",)),
        (10000, ("Creator Rewards Program", "Series", "Subscriptions")),
    ]
    assert "100,000 views" in m.thresholds[2].note
    assert (m.engagement.typical.low, m.engagement.typical.high) == (8, 12)
    assert m.engagement.beats_most_above == 8
    assert (m.sponsored.per_thousand.low, m.sponsored.per_thousand.high) == (1000, 2500)
    assert (m.sponsored.high_value_multiplier.low, m.sponsored.high_value_multiplier.high) == (2, 3)
    assert m.high_value_niches == {"finance", "tech", "health"}
    assert m.ugc.per_video["beginner"].low == 10_000 and m.ugc.per_video["beginner"].high == 50_000
    assert m.ugc.per_video["experienced"].high == 200_000
    assert (m.ugc.retainer_monthly.low, m.ugc.retainer_monthly.high) == (100_000, 500_000)
    assert (m.affiliate.click_through_percent.low, m.affiliate.click_through_percent.high) == (1, 3)
    assert (m.affiliate.conversion_percent.low, m.affiliate.conversion_percent.high) == (2, 5)
    assert (m.affiliate.commission_per_sale.low, m.affiliate.commission_per_sale.high) == (
        800,
        1200,
    )
    tiktok_shop = next(p for p in m.affiliate.programs if p.name == "TikTok Shop Affiliate")
    assert tiktok_shop.min_followers == 5000
    assert m.benchmark.assumed_posts_per_week == 4


def test_the_add_on_defaults_are_in_the_seed_and_labelled_as_starting_values():
    m = seed.installed_market()
    assert {a.key: a.default_percent for a in m.add_ons} == {
        "usage_rights": 30,
        "whitelisting": 25,
        "exclusivity": 20,
    }
    assert "NOT market facts" in seed.default_path().read_text()


def _set(path: str, new: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or with new=DELETE, removes) a dotted path like tiers.2.min."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if new is DELETE:
            del node[key]
        else:
            node[key] = new

    return mutate


DELETE = object()

BROKEN = [
    ("sponsored.per_thousand", DELETE, "sponsored.per_thousand is missing"),
    ("ugc", DELETE, "ugc is missing"),
    (
        "tiers.2.streams.ugc",
        [1000, 300],
        "tiers[2].streams.ugc must be [low, high] with 0 <= low <= high",
    ),
    ("tiers.1.streams.live", DELETE, "tiers[1].streams.live is missing"),
    ("tiers.1.streams.live", [10], "tiers[1].streams.live must be [low, high]"),
    ("tiers.1.streams.live", ["10", 50], "tiers[1].streams.live must be [low, high]"),
    (
        "tiers.2.min",
        3500,
        ("tiers[2].min must be 3000 ", "tiers have a gap"),
    ),
    (
        "tiers.2.min",
        2500,
        ("tiers[2].min must be 3000 ", "tiers have an overlap"),
    ),
    ("tiers.0.min", 1, "tiers[0].min must be 0"),
    ("tiers.3.max", 5000, "tiers[3].max must be more than min (5000)"),
    ("tiers.0.max", True, "tiers[0].max must be a whole number"),
    ("tiers.0.key", "", "tiers[0].key must be non-empty text"),
    ("niches.3.label", DELETE, "niches[3].label is missing"),
    ("niches.0.hgh_value", True, "niches[0].hgh_value is not a known key"),
    ("niches.0.high_value", "yes", "niches[0].high_value must be true or false"),
    ("niches.1.key", "finance", "niches has the key 'finance' twice"),
    ("niches", [], "niches must be a non-empty list of tables"),
    ("product_categories.2", "food", "product_categories must be a non-empty list of tables"),
    ("currency", 5, "currency must be non-empty text"),
    ("currency", "usd", "currency must be a three-letter code"),
    (
        "thresholds.1.followers",
        800,
        "thresholds[1].followers must be more than",
    ),
    ("thresholds.2", DELETE, "thresholds must include the end of the last tier (10000)"),
    ("thresholds.0.unlocks", [], "thresholds[0].unlocks must be a non-empty list of text"),
    ("engagement.typical_low", 14.0, "engagement.typical_low must not be more than typical_high"),
    ("engagement.typical_high", -1, "engagement.typical_high must be a number, 0 or more"),
    (
        "sponsored.high_value_multiplier",
        [0.5, 3],
        "high_value_multiplier must be at least",
    ),
    ("ugc.retainer_monthly", [5000, 1000], "ugc.retainer_monthly must be [low, high]"),
    ("ugc.portfolio_videos", [5, 10.5], "ugc.portfolio_videos must be [low, high] whole numbers"),
    (
        "affiliate.click_through_percent",
        [1, 300],
        "click_through_percent must not go above 100",
    ),
    (
        "affiliate.programs.1.min_followers",
        -5,
        "affiliate.programs[1].min_followers must be",
    ),
    ("add_ons.0.default_percent", 900, "add_ons[0].default_percent must be 0 to 500"),
    ("benchmark.assumed_posts_per_week", 0, "assumed_posts_per_week must be at least 1"),
    ("benchmark", "weekly", "benchmark must be a table"),
    ("streams.1", DELETE, "streams must include the benchmark streams ugc"),
    ("surprise", 1, "surprise is not a known key"),
]


@pytest.mark.parametrize(("path", "new", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_seed_raises_seed_error_naming_the_key(path, new, message):
    data = copy.deepcopy(installed_data())
    _set(path, new)(data)
    with pytest.raises(SeedError) as raised:
        parse_market(data)
    assert str(raised.value).startswith(f"{NAME}: ")
    for fragment in message if isinstance(message, tuple) else (message,):
        assert fragment in str(raised.value)
    assert "\n" not in str(raised.value)


def test_malformed_toml_raises_seed_error_with_the_file_name(tmp_path):
    path = tmp_path / "market.toml"
    path.write_text('currency = "USD"\n[[tiers]\nkey = 1\n')
    with pytest.raises(SeedError, match=r"market\.toml: not valid TOML"):
        seed.load_market_file(path)


def test_a_missing_seed_file_raises_seed_error(tmp_path):
    with pytest.raises(SeedError, match="file not found"):
        seed.load_market_file(tmp_path / "nowhere.toml")


def broken_seed(tmp_path: Path) -> Path:
    data = copy.deepcopy(installed_data())
    data["tiers"][2]["streams"]["ugc"] = [1000, 300]
    return write_toml(tmp_path / "market.toml", data)


def test_create_app_fails_at_start_up_with_the_seed_message(database_url, tmp_path):
    config = conftest.app_config(database_url, tmp_path, SEED_PATH=str(broken_seed(tmp_path)))
    with pytest.raises(SeedError, match=r"tiers\[2\]\.streams\.ugc must be \[low, high\]"):
        create_app(config)


def test_the_app_uses_the_seed_it_checked(make_app, tmp_path):
    data = copy.deepcopy(installed_data())
    data["sponsored"]["per_thousand"] = [20, 50]
    app = make_app(SEED_PATH=str(write_toml(tmp_path / "market.toml", data)))
    result = app.test_cli_runner().invoke(
        args=["rates", "quote", "sponsored", "--followers", "4000", "--niche", "beauty", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert '"low": 80' in result.output and '"high": 200' in result.output


@pytest.fixture
def installed_seed_is(monkeypatch) -> Iterator[Callable[[Path], None]]:
    """Point the installed seed at another file for one test."""

    def use(path: Path) -> None:
        monkeypatch.setattr(seed, "default_path", lambda: path)
        seed.installed_market.cache_clear()

    yield use
    seed.installed_market.cache_clear()


def test_the_crm_command_prints_a_broken_seed_as_one_line_and_fails(tmp_path, installed_seed_is):
    from crm.cli import main

    installed_seed_is(broken_seed(tmp_path))
    result = CliRunner().invoke(
        main,
        ["rates", "tier", "--followers", "10"],
        env={"CRM_INSTANCE_PATH": str(tmp_path / "instance"), "CRM_DATABASE_URL": None},
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: seed/market.toml: tiers[2].streams.ugc must be [low, high] with 0 <= low <= high"
    ]
