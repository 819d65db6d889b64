"""Suggested prices round to a figure a person would quote, by the seed's steps."""

from __future__ import annotations

import copy
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.market import seed
from crm.market.facts import RoundingStep
from crm.market.ranges import CentsRange
from crm.market.seed import SeedError, parse_market
from crm.rates.quotes import sponsored_quote, ugc_quote
from crm.rates.rounding import estimate_figure, quote_figure, step_for

MARKET = seed.installed_market()
STEPS = MARKET.quote_rounding
dollars = st.integers(min_value=0, max_value=20_000).map(lambda d: d * 100)


def test_the_seed_steps_are_5_below_200_10_below_1000_then_50():
    assert (
        RoundingStep(0, 500),
        RoundingStep(20_000, 1_000),
        RoundingStep(100_000, 5_000),
    ) == STEPS
    assert [step_for(c, STEPS) for c in (19_900, 20_000, 99_900, 100_000)] == [
        500,
        1_000,
        1_000,
        5_000,
    ]


@pytest.mark.parametrize(
    ("exact", "figure"),
    [(4_600, 4_500), (4_750, 5_000), (19_400, 19_500), (19_800, 20_000), (25_600, 26_000),
     (123_400, 125_000)],
)  # fmt: skip
def test_a_figure_rounds_to_the_nearest_step_for_its_size(exact, figure):
    assert quote_figure(exact, CentsRange(0, 1_000_000), STEPS) == figure


def test_a_figure_stays_inside_the_band_at_its_ends():
    assert quote_figure(10_200, CentsRange(10_100, 10_300), STEPS) == 10_200  # no $5 in it
    assert quote_figure(4_100, CentsRange(4_100, 10_000), STEPS) == 4_500
    assert quote_figure(9_900, CentsRange(4_000, 9_900), STEPS) == 9_500


@settings(deadline=None, max_examples=300)
@given(dollars, dollars, dollars, dollars)
def test_rounding_stays_in_the_band_or_keeps_the_exact_figure_and_is_monotonic(a, b, c, d):
    low, x, y, high = sorted((a, b, c, d))
    band = CentsRange(low, high)
    first, second = quote_figure(x, band, STEPS), quote_figure(y, band, STEPS)
    assert low <= first <= second <= high
    for exact, figure in ((x, first), (y, second)):
        # Either a multiple of a step inside the band, or the exact figure when none fits.
        assert figure == exact or figure % step_for(exact, STEPS) == 0


@settings(deadline=None, max_examples=300)
@given(st.integers(0, 5_000_000), st.integers(0, 5_000_000))
def test_an_estimate_never_reorders_and_keeps_whole_dollars(a, b):
    small, big = sorted((a, b))
    assert estimate_figure(small, STEPS) <= estimate_figure(big, STEPS)
    assert estimate_figure(small, STEPS) % 100 == 0


def test_the_why_names_the_exact_figure_and_the_step():
    quote = sponsored_quote(4000, "finance", 11.2, market=MARKET)
    assert quote.suggested_cents == 19_500 and quote.exact_suggested_cents == 19_400
    assert "Suggested $195 (exactly $194, rounded to the nearest $5 in the band)." in quote.reasons
    assert (quote.low_cents, quote.high_cents) == (8_000, 30_000)  # the band stays exact


def test_one_explanation_of_where_the_suggestion_sits():
    reasons = " ".join(sponsored_quote(4000, "finance", 9.0, market=MARKET).reasons)
    assert "mid-band" not in reasons and "near the low end" not in reasons
    assert "engagement puts the suggestion 30% of the way up the band" in reasons
    assert reasons.count("of the way up the band") == 1


def test_a_ugc_figure_is_rounded_per_video_and_the_package_multiplies_it():
    single = ugc_quote("experienced", portfolio_videos=7, engagement=9.0, market=MARKET)
    assert single.suggested_cents % 5_000 == 0
    package = ugc_quote("experienced", 3, portfolio_videos=7, engagement=9.0, market=MARKET)
    assert package.suggested_cents == 3 * single.suggested_cents


def _seed_with(rows: list[dict[str, int]]) -> dict:
    with seed.default_path().open("rb") as handle:
        data = copy.deepcopy(tomllib.load(handle))
    data["quote_rounding"] = rows
    return data


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"from": 10, "step": 5}], "quote_rounding[0].from must be 0"),
        ([{"from": 0, "step": 0}], "quote_rounding[0].step must be at least 1"),
        ([{"from": 0, "step": 5}, {"from": 0, "step": 10}], "more than the row before"),
        ([{"from": 0, "step": 5}, {"from": 203, "step": 10}], "must be a multiple"),
        ([{"from": 0, "step": 5}, {"from": 210, "step": 20}], "must be a multiple"),
        ([{"from": 0, "step": 5, "round": "up"}], "round is not a known key"),
    ],
)
def test_a_broken_rounding_rule_names_the_key(rows, message):
    with pytest.raises(SeedError) as raised:
        parse_market(_seed_with(rows))
    assert message in str(raised.value)
