"""The rates calculations against the numbers in domain.md, case by case."""

from __future__ import annotations

import math

import pytest

from crm.market.ranges import CentsRange, Range
from crm.market.seed import installed_market
from crm.rates.addons import apply_add_ons, default_policy, policy_from
from crm.rates.affiliate import affiliate_estimate, programs_for
from crm.rates.benchmark import compare_month, posts_a_week, verdict
from crm.rates.errors import RatesError
from crm.rates.quotes import (
    NeedsFollowersError,
    engagement_position,
    sponsored_quote,
    ugc_quote,
)
from crm.rates.rounding import round_to_dollars
from crm.rates.tiers import standing, tier_for

MARKET = installed_market()

TYPICAL = Range(8, 12)


def dollars(*cents: int) -> tuple[float, ...]:
    return tuple(c / 100 for c in cents)


# Tiers and thresholds


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, "0-1K"),
        (999, "0-1K"),
        (1000, "1K-3K"),
        (2999, "1K-3K"),
        (3000, "3K-5K"),
        (4999, "3K-5K"),
        (5000, "5K-10K"),
        (9999, "5K-10K"),
        (10000, None),
        (250_000, None),
    ],
)
def test_tier_bounds_are_lower_inclusive_upper_exclusive(followers, tier):
    found = tier_for(followers, market=MARKET)
    assert (found.key if found else None) == tier


def test_a_tier_total_is_the_sum_of_its_streams():
    tier = tier_for(4000, market=MARKET)
    assert tier is not None
    assert dollars(tier.total.low, tier.total.high) == (475, 1800)
    assert tier.total == CentsRange(
        sum(r.low for r in tier.streams.values()), sum(r.high for r in tier.streams.values())
    )


def test_below_every_threshold_nothing_is_unlocked_and_live_is_next():
    result = standing(999, market=MARKET)
    assert result.unlocked == ()
    assert result.next_threshold is not None
    assert result.next_threshold.sentence == "1 follower to LIVE and LIVE gifts"


def test_the_next_threshold_says_how_many_followers_are_missing():
    result = standing(3760, market=MARKET)
    assert result.tier is not None and result.tier.key == "3K-5K"
    assert result.unlocked == ("LIVE", "LIVE gifts")
    assert result.next_threshold is not None
    assert result.next_threshold.missing == 1240
    assert result.next_threshold.sentence == "1,240 followers to TikTok Shop Affiliate"


def test_a_threshold_unlocks_at_exactly_its_follower_count():
    assert "TikTok Shop Affiliate" in standing(5000, market=MARKET).unlocked
    assert "TikTok Shop Affiliate" not in standing(4999, market=MARKET).unlocked


def test_just_under_ten_thousand_the_creator_rewards_are_next_with_their_views_rule():
    ahead = standing(9999, market=MARKET).next_threshold
    assert ahead is not None
    assert ahead.sentence == "1 follower to Creator Rewards Program, Series and Subscriptions"
    assert "100,000 views" in ahead.note


def test_at_ten_thousand_there_is_no_benchmark_and_it_says_so():
    result = standing(10_000, market=MARKET)
    assert result.tier is None
    assert result.message == installed_market().benchmark.no_benchmark_message
    assert "no built-in benchmark" in result.message
    assert result.next_threshold is None
    assert "Creator Rewards Program" in result.unlocked


def test_negative_followers_are_refused():
    with pytest.raises(RatesError) as raised:
        standing(-1, market=MARKET)
    assert raised.value.field == "followers"


# Sponsored quotes


def test_four_thousand_followers_give_a_40_to_100_dollar_band():
    quote = sponsored_quote(4000, "beauty", market=MARKET)
    assert dollars(quote.low_cents, quote.high_cents) == (40, 100)
    assert quote.currency == "USD"
    assert quote.reasons[0].startswith("Standard micro-influencer rate: $10-$25 per 1,000")


@pytest.mark.parametrize("niche", ["finance", "tech", "health"])
def test_a_high_value_niche_doubles_the_low_end_and_triples_the_high_end(niche):
    quote = sponsored_quote(4000, niche, market=MARKET)
    assert dollars(quote.low_cents, quote.high_cents) == (80, 300)


def test_the_high_value_reason_names_the_niche_and_the_multiplier():
    quote = sponsored_quote(4000, "finance", 11.2, market=MARKET)
    assert any(
        r.startswith("Finance is a high-value niche: 2-3x the standard rate") for r in quote.reasons
    )


def test_a_standard_niche_has_no_multiplier_reason():
    assert not any(
        "high-value" in r for r in sponsored_quote(4000, "beauty", market=MARKET).reasons
    )


@pytest.mark.parametrize(
    ("engagement", "suggested"),
    [
        (None, 40),  # nothing to argue with: the low end
        (0.0, 40),
        (4.0, 46),  # below typical: near the low end (position 0.1)
        (8.0, 52),  # the typical low: position 0.2
        (10.0, 64),  # mid typical: 0.4
        (12.0, 76),  # the typical high: 0.6
        (16.0, 88),  # above: 0.8
        (20.0, 100),  # two typical widths above: the high end
        (55.0, 100),  # capped
    ],
)
def test_the_suggestion_moves_up_the_band_with_engagement(engagement, suggested):
    # The exact position; the figure quoted is that rounded to $5 (tests/test_rates_rounding.py).
    quote = sponsored_quote(4000, "beauty", engagement, market=MARKET)
    assert quote.exact_suggested_cents == suggested * 100
    assert abs(quote.suggested_cents - suggested * 100) <= 250


def test_the_engagement_position_follows_the_documented_points():
    assert engagement_position(None, TYPICAL) == 0
    assert engagement_position(8, TYPICAL) == pytest.approx(0.2)
    assert engagement_position(12, TYPICAL) == pytest.approx(0.6)
    assert engagement_position(20, TYPICAL) == 1
    assert engagement_position(1000, TYPICAL) == 1


@pytest.mark.parametrize(
    ("engagement", "words"),
    [
        (5.0, "Your 5.0% engagement is below the typical 8-12% for accounts your size"),
        (11.2, "Your 11.2% engagement is inside the typical 8-12% for accounts your size"),
        (14.5, "Your 14.5% engagement is above the typical 8-12% for accounts your size"),
        (None, "No engagement rate yet"),
    ],
)
def test_the_engagement_reason_says_where_the_rate_sits(engagement, words):
    assert any(
        r.startswith(words)
        for r in sponsored_quote(4000, "beauty", engagement, market=MARKET).reasons
    )


def test_above_eight_percent_the_quote_says_it_beats_most_creators():
    assert any(
        "beats most TikTok creators" in r
        for r in sponsored_quote(4000, "food", 8.5, market=MARKET).reasons
    )
    assert not any(
        "beats most" in r for r in sponsored_quote(4000, "food", 8.0, market=MARKET).reasons
    )


def test_under_a_thousand_followers_the_typical_range_is_named_for_its_account_sizes():
    reasons = sponsored_quote(500, "food", 9.0, market=MARKET).reasons
    assert any("for accounts with 1,000-10,000 followers" in r for r in reasons)


def test_quotes_round_to_whole_dollars_half_up():
    quote = sponsored_quote(999, "beauty", market=MARKET)  # $9.99-$24.975
    assert dollars(quote.low_cents, quote.high_cents) == (10, 25)
    quote = sponsored_quote(1234, "beauty", market=MARKET)  # $12.34-$30.85
    assert dollars(quote.low_cents, quote.high_cents) == (12, 31)
    assert round_to_dollars(150) == 200 and round_to_dollars(149) == 100


@pytest.mark.parametrize(("followers", "niche"), [(0, "finance"), (49, "food"), (24, "finance")])
def test_too_few_followers_say_a_sponsored_quote_needs_followers(followers, niche):
    # A $0-$0 band is no quote: say so plainly and point to UGC (paid for content).
    with pytest.raises(NeedsFollowersError) as refused:
        sponsored_quote(followers, niche, 15.0, market=MARKET)
    assert refused.value.field == "followers"
    assert "priced per 1,000 followers" in refused.value.message
    assert "UGC pays for content, not audience" in refused.value.message


def test_the_first_follower_count_with_a_sponsored_band_above_zero_gets_a_quote():
    quote = sponsored_quote(50, "food", market=MARKET)
    assert (quote.low_cents, quote.suggested_cents, quote.high_cents) == (100, 100, 100)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"niche": "crypto"}, "niche"),
        ({"engagement": -1.0}, "engagement"),
        ({"engagement": math.nan}, "engagement"),
        ({"engagement": math.inf}, "engagement"),
        ({"followers": -5}, "followers"),
    ],
)
def test_a_sponsored_quote_refuses_bad_input_naming_the_field(kwargs, field):
    args = {"followers": 4000, "niche": "beauty", "engagement": None, **kwargs}
    with pytest.raises(RatesError) as raised:
        sponsored_quote(**args, market=MARKET)
    assert raised.value.field == field


# UGC quotes


def test_ugc_per_video_ranges_by_experience():
    beginner, experienced = (
        ugc_quote("beginner", market=MARKET),
        ugc_quote("experienced", market=MARKET),
    )
    assert dollars(beginner.low_cents, beginner.high_cents) == (100, 500)
    assert dollars(experienced.low_cents, experienced.high_cents) == (500, 2000)


def test_without_portfolio_or_engagement_the_ugc_suggestion_is_the_low_end():
    assert ugc_quote("beginner", market=MARKET).suggested_cents == 10_000


def test_a_full_portfolio_and_high_engagement_reach_the_high_end():
    quote = ugc_quote("experienced", portfolio_videos=10, engagement=20.0, market=MARKET)
    assert quote.suggested_cents == quote.high_cents == 200_000


def test_the_ugc_suggestion_averages_portfolio_and_engagement():
    # portfolio 6 of 10 -> 0.6, engagement 9.5% -> 0.35; mean 0.475 of $100-$500 = $290
    quote = ugc_quote("beginner", portfolio_videos=6, engagement=9.5, market=MARKET)
    assert quote.suggested_cents == 29_000
    assert any("half portfolio, half engagement" in r for r in quote.reasons)


def test_a_package_is_n_times_the_per_video_figures():
    single = ugc_quote("beginner", portfolio_videos=6, engagement=9.5, market=MARKET)
    package = ugc_quote("beginner", 3, portfolio_videos=6, engagement=9.5, market=MARKET)
    assert (package.low_cents, package.high_cents) == (30_000, 150_000)
    assert package.suggested_cents == 3 * single.suggested_cents
    assert package.per_video == CentsRange(10_000, 50_000)
    assert any(r.startswith("3 videos x $100-$500 = $300-$1,500") for r in package.reasons)


def test_a_retainer_uses_the_monthly_range_and_clamps_the_suggestion_into_it():
    small = ugc_quote("beginner", 1, retainer=True, market=MARKET)
    assert dollars(small.low_cents, small.high_cents) == (1000, 5000)
    assert small.suggested_cents == 100_000  # 1 x $100, raised to the retainer floor
    assert any("brought into the retainer range" in r for r in small.reasons)
    big = ugc_quote(
        "experienced", 8, retainer=True, portfolio_videos=10, engagement=25.0, market=MARKET
    )
    assert big.suggested_cents == 500_000  # 8 x $2,000, capped at the retainer ceiling
    middle = ugc_quote(
        "beginner", 4, retainer=True, portfolio_videos=6, engagement=9.5, market=MARKET
    )
    assert middle.suggested_cents == 4 * 29_000


def test_the_ugc_quote_carries_the_paid_ads_angle():
    assert any(
        "UGC-style ads beat polished studio ads 2-3x" in r
        for r in ugc_quote("beginner", market=MARKET).reasons
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"experience": "expert"}, "experience"),
        ({"videos": 0}, "videos"),
        ({"videos": 101}, "videos"),
        ({"portfolio_videos": -1}, "portfolio_videos"),
        ({"engagement": -2.0}, "engagement"),
    ],
)
def test_a_ugc_quote_refuses_bad_input_naming_the_field(kwargs, field):
    args = {"experience": "beginner", **kwargs}
    with pytest.raises(RatesError) as raised:
        ugc_quote(**args, market=MARKET)
    assert raised.value.field == field


# Add-ons (the creator's own policy)


def test_the_starting_policy_comes_from_the_seed():
    assert default_policy(market=MARKET).percents == {
        "usage_rights": 30,
        "whitelisting": 25,
        "exclusivity": 20,
    }


def test_add_ons_add_up_as_a_percentage_of_the_base_quote():
    base = sponsored_quote(4000, "beauty", market=MARKET)  # $40-$100, suggested $40
    quote = apply_add_ons(base, ["usage_rights", "exclusivity"], market=MARKET)
    assert dollars(quote.low_cents, quote.suggested_cents, quote.high_cents) == (60, 60, 150)
    assert quote.uplift_percent == 50
    assert [a.key for a in quote.add_ons] == ["usage_rights", "exclusivity"]
    assert quote.reasons[-1] == (
        "Your add-on policy (your own numbers, not market rates): Paid usage rights +30%, "
        "Exclusivity +20% = +50% on $40-$100."
    )


def test_the_creators_own_percentages_replace_the_starting_values():
    policy = policy_from({"usage_rights": 100, "exclusivity": 20}, market=MARKET)
    assert policy.customised == {"usage_rights"}
    quote = apply_add_ons(
        ugc_quote("beginner", market=MARKET), ["usage_rights"], policy, market=MARKET
    )
    assert quote.suggested_cents == 20_000 and quote.high_cents == 100_000


def test_no_add_ons_leave_the_quote_as_it_was():
    base = ugc_quote("beginner", market=MARKET)
    assert apply_add_ons(base, [], market=MARKET) is base


def test_unknown_or_repeated_add_ons_are_refused():
    base = ugc_quote("beginner", market=MARKET)
    with pytest.raises(RatesError):
        apply_add_ons(base, ["free_pizza"], market=MARKET)
    with pytest.raises(RatesError, match="already applied"):
        apply_add_ons(
            apply_add_ons(base, ["exclusivity"], market=MARKET), ["usage_rights"], market=MARKET
        )


# Affiliate estimate


def test_the_affiliate_estimate_pairs_low_inputs_with_low_and_high_with_high():
    # 1,000 views x 4 videos x 1% x 2% x $8 = $6.40;  x 3% x 5% x $12 = $72
    estimate = affiliate_estimate(1000, 4, market=MARKET)
    assert (estimate.low_cents, estimate.high_cents) == (640, 7200)
    assert (estimate.sales.low, estimate.sales.high) == pytest.approx((0.8, 6.0))
    assert estimate.typical == {"ctr", "conversion", "commission"}
    assert any(r.startswith("Formula: average views per video") for r in estimate.reasons)


def test_given_inputs_replace_the_typical_ranges():
    estimate = affiliate_estimate(
        1000, 4, ctr=2, conversion=3, commission_cents=1000, market=MARKET
    )
    assert (estimate.low_cents, estimate.high_cents) == (2400, 2400)
    assert estimate.typical == frozenset()
    partial = affiliate_estimate(1000, 4, commission_cents=1000, market=MARKET)
    assert (partial.low_cents, partial.high_cents) == (800, 6000)


def test_no_views_earn_nothing():
    estimate = affiliate_estimate(0, 10, market=MARKET)
    assert (estimate.low_cents, estimate.high_cents) == (0, 0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"views": -1}, "views"),
        ({"videos": -1}, "videos"),
        ({"ctr": 101.0}, "ctr"),
        ({"conversion": -0.5}, "conversion"),
        ({"ctr": math.nan}, "ctr"),
        ({"commission_cents": -1}, "commission"),
    ],
)
def test_the_affiliate_estimate_refuses_bad_input(kwargs, field):
    args = {"views": 1000, "videos": 4, **kwargs}
    views, videos = args.pop("views"), args.pop("videos")
    with pytest.raises(RatesError) as raised:
        affiliate_estimate(views, videos, **args, market=MARKET)
    assert raised.value.field == field


def test_tiktok_shop_affiliate_needs_five_thousand_followers():
    def eligible(followers: int) -> bool:
        return dict((p.name, ok) for p, ok in programs_for(followers, market=MARKET))[
            "TikTok Shop Affiliate"
        ]

    assert not eligible(4999)
    assert eligible(5000)


# Benchmark


def test_a_month_is_compared_per_stream_and_in_total():
    result = compare_month(4000, {"ugc": 45_000, "live": 3_000}, posts_per_week=5, market=MARKET)
    assert result.tier is not None and result.tier.key == "3K-5K"
    verdicts = {line.key: line.verdict for line in result.streams}
    assert verdicts == {"affiliate": "below", "ugc": "within", "brand": "below", "live": "within"}
    assert result.total is not None
    assert (result.total.amount_cents, result.total.verdict) == (48_000, "within")
    assert result.posting_note is None


@pytest.mark.parametrize(
    ("cents", "expected"),
    [(4_999, "below"), (5_000, "within"), (30_000, "within"), (30_001, "above")],
)
def test_the_range_bounds_count_as_within(cents, expected):
    line = compare_month(4000, {"affiliate": cents}, market=MARKET).streams[0]
    assert line.key == "affiliate"
    assert line.verdict == expected
    assert verdict(cents, CentsRange(5_000, 30_000)) == expected


def test_a_missing_stream_counts_as_zero():
    result = compare_month(500, {"ugc": 20_000}, market=MARKET)
    lines = {line.key: line for line in result.streams}
    assert lines["live"].amount_cents == 0 and lines["live"].verdict == "within"  # 0-1K: $0-$0
    assert lines["affiliate"].verdict == "within"  # $0-$50
    assert lines["brand"].verdict == "within"


def test_the_stream_sentence_reads_plainly():
    line = compare_month(4000, {"ugc": 45_000}, market=MARKET).streams[1]
    assert line.sentence() == "UGC deals: $450 is within the range $300-$1,000."


def test_at_ten_thousand_followers_there_is_no_benchmark():
    result = compare_month(10_000, {"ugc": 45_000}, market=MARKET)
    assert result.tier is None and result.streams == () and result.total is None
    assert result.message is not None and "no built-in benchmark" in result.message


def test_posting_less_than_the_benchmark_assumes_is_said():
    note = compare_month(4000, {}, posts_per_week=3, market=MARKET).posting_note
    assert note is not None and "at least 4 posts a week; you post 3" in note
    assert compare_month(4000, {}, posts_per_week=4, market=MARKET).posting_note is None


@pytest.mark.parametrize(
    ("posts", "days", "rate"),
    [
        (55, 98, "3.9"),
        (39, 70, "3.9"),
        (11, 20, "3.9"),
        (1, 2, "3.5"),
        (5, 28, "1.3"),
        (0, 7, "0.0"),
        (4, 7, "4.0"),
    ],
)
def test_posts_a_week_rounds_half_up_to_one_decimal(posts, days, rate):
    # 39 over 70 days is exactly 3.9; 11 over 20 is 3.85 and 5 over 28 is 1.25, which round up.
    assert str(posts_a_week(posts, days)) == rate


def test_the_posting_note_quotes_the_rate_as_a_person_would():
    almost = compare_month(4000, {}, posts_per_week=posts_a_week(55, 98), market=MARKET)
    assert "you post 3.9," in almost.posting_note
    whole = compare_month(4000, {}, posts_per_week=posts_a_week(3, 7), market=MARKET)
    assert "you post 3," in whole.posting_note
    # 3.96 a week is quoted as 4.0, which meets the assumed 4: no note.
    assert (
        compare_month(4000, {}, posts_per_week=posts_a_week(99, 175), market=MARKET).posting_note
        is None
    )


def test_income_outside_the_benchmark_streams_is_kept_apart():
    result = compare_month(4000, {"other": 10_000, "ugc": 45_000}, market=MARKET)
    assert result.other_cents == 10_000
    assert result.total is not None and result.total.amount_cents == 45_000


def test_unknown_streams_and_negative_income_are_refused():
    with pytest.raises(RatesError):
        compare_month(4000, {"lottery": 100}, market=MARKET)
    with pytest.raises(RatesError) as raised:
        compare_month(4000, {"ugc": -100}, market=MARKET)
    assert raised.value.field == "ugc"
