"""Properties of the rates calculations that must hold for every input (hypothesis)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crm.market.seed import installed_market
from crm.rates.addons import apply_add_ons, policy_from
from crm.rates.affiliate import affiliate_estimate
from crm.rates.benchmark import compare_month
from crm.rates.quotes import engagement_position, sponsored_quote, ugc_quote
from crm.rates.tiers import standing, tier_for

MARKET = installed_market()
NICHES = [n.key for n in MARKET.niches]
HIGH_VALUE = sorted(MARKET.high_value_niches)
STANDARD = [n for n in NICHES if n not in MARKET.high_value_niches]
ADD_ONS = [a.key for a in MARKET.add_ons]

followers = st.integers(min_value=0, max_value=2_000_000)
# A sponsored band starting at $0 is refused (50 followers make $1 in a standard niche).
audience = st.integers(min_value=50, max_value=2_000_000)
# Engagement is a percentage: 0 to 100.
engagement = st.none() | st.floats(min_value=0, max_value=100, allow_nan=False)
rate = st.floats(min_value=0, max_value=100, allow_nan=False)
experience = st.sampled_from(["beginner", "experienced"])
portfolio = st.none() | st.integers(min_value=0, max_value=50)
add_on_sets = st.lists(st.sampled_from(ADD_ONS), unique=True)
policies = st.fixed_dictionaries({key: st.integers(0, 500) for key in ADD_ONS})

pytest_settings = settings(deadline=None, max_examples=200)


def figures(quote) -> tuple[int, int, int]:
    return quote.low_cents, quote.suggested_cents, quote.high_cents


@pytest_settings
@given(st.sampled_from(NICHES), audience, audience, engagement)
def test_more_followers_never_lower_a_sponsored_quote(niche, a, b, rate_):
    fewer, more = sorted((a, b))
    low = figures(sponsored_quote(fewer, niche, rate_, market=MARKET))
    high = figures(sponsored_quote(more, niche, rate_, market=MARKET))
    assert all(x <= y for x, y in zip(low, high, strict=True))


@pytest_settings
@given(st.sampled_from(HIGH_VALUE), st.sampled_from(STANDARD), audience, engagement)
def test_a_high_value_niche_never_lowers_a_sponsored_quote(valuable, standard, count, rate_):
    plain = figures(sponsored_quote(count, standard, rate_, market=MARKET))
    premium = figures(sponsored_quote(count, valuable, rate_, market=MARKET))
    assert all(x <= y for x, y in zip(plain, premium, strict=True))


@pytest_settings
@given(st.sampled_from(NICHES), audience, rate, rate)
def test_more_engagement_never_lowers_the_suggestion(niche, count, a, b):
    lower, higher = sorted((a, b))
    assert (
        sponsored_quote(count, niche, None, market=MARKET).suggested_cents
        <= sponsored_quote(count, niche, lower, market=MARKET).suggested_cents
        <= sponsored_quote(count, niche, higher, market=MARKET).suggested_cents
    )


@pytest_settings
@given(rate, rate)
def test_the_engagement_position_is_monotonic_and_between_0_and_1(a, b):
    lower, higher = sorted((a, b))
    typical = MARKET.engagement.typical
    assert 0 <= engagement_position(lower, typical) <= engagement_position(higher, typical) <= 1


@pytest_settings
@given(st.sampled_from(NICHES), audience, engagement, add_on_sets, policies)
def test_a_sponsored_quote_keeps_low_le_suggested_le_high(niche, count, rate_, chosen, percents):
    quote = sponsored_quote(count, niche, rate_, market=MARKET)
    assert quote.low_cents <= quote.suggested_cents <= quote.high_cents
    uplifted = apply_add_ons(quote, chosen, policy_from(percents, market=MARKET), market=MARKET)
    assert uplifted.low_cents <= uplifted.suggested_cents <= uplifted.high_cents
    assert all(x <= y for x, y in zip(figures(quote), figures(uplifted), strict=True))
    assert all(f % 100 == 0 for f in figures(uplifted))  # whole dollars


@pytest_settings
@given(
    experience,
    st.integers(min_value=1, max_value=100),
    st.booleans(),
    portfolio,
    engagement,
    add_on_sets,
    policies,
)
def test_a_ugc_quote_keeps_low_le_suggested_le_high(
    level, videos, retainer, sample_videos, rate_, chosen, percents
):
    quote = ugc_quote(
        level,
        videos,
        retainer=retainer,
        portfolio_videos=sample_videos,
        engagement=rate_,
        market=MARKET,
    )
    assert quote.low_cents <= quote.suggested_cents <= quote.high_cents
    uplifted = apply_add_ons(quote, chosen, policy_from(percents, market=MARKET), market=MARKET)
    assert uplifted.low_cents <= uplifted.suggested_cents <= uplifted.high_cents


@pytest_settings
@given(experience, st.integers(min_value=0, max_value=30), st.integers(0, 30), engagement)
def test_a_bigger_portfolio_never_lowers_a_ugc_suggestion(level, a, b, rate_):
    smaller, bigger = sorted((a, b))
    assert (
        ugc_quote(level, portfolio_videos=smaller, engagement=rate_, market=MARKET).suggested_cents
        <= ugc_quote(
            level, portfolio_videos=bigger, engagement=rate_, market=MARKET
        ).suggested_cents
    )


@pytest_settings
@given(followers)
@example(999)
@example(1_000)
@example(2_999)
@example(3_000)
@example(4_999)
@example(5_000)
@example(9_999)
@example(10_000)
def test_every_count_under_ten_thousand_has_exactly_the_tier_that_holds_it(count):
    tier = tier_for(count, market=MARKET)
    if count >= 10_000:
        assert tier is None
        assert standing(count, market=MARKET).message
    else:
        assert tier is not None
        assert tier.min <= count < tier.max
        assert [t.key for t in MARKET.tiers if t.min <= count < t.max] == [tier.key]


@pytest_settings
@given(followers)
def test_the_next_threshold_is_above_and_everything_unlocked_is_at_or_below(count):
    result = standing(count, market=MARKET)
    reached = [t for t in MARKET.thresholds if t.followers <= count]
    assert result.unlocked == tuple(name for t in reached for name in t.unlocks)
    if result.next_threshold:
        assert result.next_threshold.missing == result.next_threshold.followers - count > 0


@pytest_settings
@given(
    st.integers(0, 10_000_000),
    st.integers(0, 1000),
    st.none() | st.floats(0, 100),
    st.none() | st.floats(0, 100),
    st.none() | st.integers(0, 1_000_000),
)
def test_the_affiliate_range_is_never_upside_down(views, videos, ctr, conversion, commission):
    estimate = affiliate_estimate(
        views, videos, ctr=ctr, conversion=conversion, commission_cents=commission, market=MARKET
    )
    assert 0 <= estimate.low_cents <= estimate.high_cents


@pytest_settings
@given(
    st.integers(0, 9_999),
    st.dictionaries(st.sampled_from(["affiliate", "ugc", "brand", "live"]), st.integers(0, 10**7)),
)
def test_a_benchmark_verdict_matches_the_range(count, income):
    result = compare_month(count, income, market=MARKET)
    assert result.total is not None
    for line in (*result.streams, result.total):
        assert line.verdict == (
            "below"
            if line.amount_cents < line.range.low
            else "above"
            if line.amount_cents > line.range.high
            else "within"
        )
    assert result.total.amount_cents == sum(income.values())
