"""The audience month by month (crm.stats.trend), and the dashboard's followers line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm import database
from crm.dates import show_month
from crm.stats.trend import audience_months, last_months, sparkline
from tests.factories import make_snapshot


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def test_the_last_months_run_oldest_first_across_the_year() -> None:
    months = last_months(date(2026, 2, 10), 4)
    assert months == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]


def test_followers_at_each_month_end_and_the_months_engagement(
    session, user, count_queries
) -> None:
    user.followers = 400
    make_snapshot(session, user, taken_on=date(2026, 9, 30), followers=1_000,
                  video_views=1_000, likes=30, comments=10, shares=10)  # fmt: skip
    make_snapshot(session, user, taken_on=date(2026, 10, 1), followers=1_100,
                  video_views=2_000, likes=100, comments=0, shares=0)  # fmt: skip
    make_snapshot(session, user, taken_on=date(2026, 10, 31), followers=1_300,
                  video_views=2_000, likes=100, comments=50, shares=50)  # fmt: skip
    months = [(2026, 8), (2026, 9), (2026, 10), (2026, 11)]
    with count_queries() as statements:
        audience = audience_months(session, user, months)
    assert len(statements) == 1
    assert [m.followers for m in audience] == [None, 1_000, 1_300, 1_300]  # none before
    # October: (100 + 200) interactions over 4,000 views, its two snapshots together.
    assert [m.engagement for m in audience] == [None, 5.0, 7.5, None]
    assert audience[2].key == "2026-10"


def test_another_creators_snapshots_are_not_counted(session, user, other_user) -> None:
    make_snapshot(session, other_user, taken_on=date(2026, 10, 10), followers=9_000)
    (october,) = audience_months(session, user, [(2026, 10)])
    assert october.followers is None and october.engagement is None


def test_the_dashboard_draws_the_followers_line_and_says_the_change(
    logged_in, session, user
) -> None:
    make_snapshot(session, user, taken_on=date(2026, 1, 31), followers=2_000)
    make_snapshot(session, user, taken_on=date(2026, 11, 30), followers=3_250,
                  video_views=1_000, likes=40, comments=10, shares=10)  # fmt: skip
    session.commit()
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "<polyline points=" in page
    assert "<strong>+1,250</strong> followers since the end of January 2026" in page
    assert "6.0% in Nov 2026" in page


def test_with_one_measured_month_the_dashboard_asks_for_stats(logged_in, session, user):
    make_snapshot(session, user, taken_on=date(2026, 12, 1), followers=3_250)  # this month
    session.commit()
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "The line starts with your stats" in page and "followers since the end" not in page


@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=24))
def test_a_sparkline_stays_inside_its_box_and_keeps_the_order(values) -> None:
    points = [tuple(map(float, p.split(","))) for p in sparkline(values, 120, 32).split()]
    assert len(points) == len(values)
    assert all(0 <= x <= 120 and 0 <= y <= 32 for x, y in points)
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    highest, lowest = max(values), min(values)
    if highest != lowest:
        assert points[values.index(highest)][1] == 0 and points[values.index(lowest)][1] == 32


def test_a_month_reads_as_a_person_says_it() -> None:
    assert show_month("2026-12") == "December 2026"
    assert show_month("2027-01", short=True) == "Jan 2027"
    assert show_month("all") == "all" and show_month("2026-13") == "2026-13"
