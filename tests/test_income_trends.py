"""Trends: twelve months of income by stream against each month's tier band, followers and
engagement, drawn as SVG with the same figures in a table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crm import database
from crm.income.trends import chart, trend_months, year_to_date
from crm.market.seed import installed_market
from tests.factories import make_snapshot
from tests.factories_income import make_income

MARKET = installed_market()
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def test_twelve_months_with_the_band_of_each_months_followers(session, user) -> None:
    user.followers = 500
    make_snapshot(session, user, taken_on=date(2026, 6, 30), followers=1_200, video_views=1_000,
                  likes=50, comments=30, shares=20)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 1, 5), amount_cents=10_000, today=TODAY)
    make_income(session, user, earned_on=date(2026, 7, 5), amount_cents=20_000, stream="brand",
                today=TODAY)  # fmt: skip
    make_income(session, user, earned_on=date(2025, 12, 31), amount_cents=99_900, today=TODAY)
    months = trend_months(session, user, TODAY, MARKET)
    assert (months[0].key, months[-1].key) == ("2026-01", "2026-12")
    assert len(months) == 12
    january, june, july = months[0], months[5], months[6]
    # Before the first snapshot the count is unknown (not today's drawn back); the band
    # uses the profile's count, as the month report does.
    assert january.by_stream == {"ugc": 10_000} and january.followers is None
    assert (january.band.low, january.band.high) == (10_000, 60_000)  # tier 0-1K
    assert june.followers == 1_200 and june.engagement == 10.0
    assert (july.band.low, july.band.high) == (28_500, 120_000)  # tier 1K-3K
    assert year_to_date(months, TODAY) == 30_000
    drawn = chart(months, MARKET, "USD")
    assert len(drawn.bars) == 2 and len(drawn.bands) == 12
    assert drawn.followers_top == 1_200  # the followers line has its own scale, said in the key
    assert len(drawn.followers.split()) == 7  # June to December: the measured months only
    assert {label for _colour, label in drawn.legend} == {"UGC deals", "Brand sponsorships"}


def test_the_page_draws_svg_with_the_figures_beside_it(logged_in, session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=45_000, today=TODAY)
    page = logged_in.get("/income/trends").get_data(as_text=True)
    assert "<svg" in page and "<title>2026-11 UGC deals: $450</title>" in page
    assert '<th scope="row" class="stack-title"><a href="/income/month?month=2026-11">' in page
