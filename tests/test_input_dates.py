"""Dates: every date field takes 2000 to a few years ahead (form and service alike), and no
stored date, however extreme, breaks a page (year 1 minus a week overflows)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from wtforms import DateField

from crm.database import utcnow
from crm.inputs import EARLIEST_DATE, date_problem, latest_date
from crm.stats import metrics
from crm.stats import services as stats
from tests.factories import make_snapshot
from tests.forms_census import fields, form_classes

PAGES = ["/dashboard", "/stats/", "/rates/", "/stats/?page=2", "/pitches/followups"]


def _snapshot_form(taken_on: str) -> dict[str, str]:
    return {
        "taken_on": taken_on,
        "period_days": "7",
        "followers": "4000",
        "video_views": "10000",
        "likes": "800",
        "comments": "100",
        "shares": "100",
        "posts": "5",
    }


def test_every_date_field_of_every_form_is_bounded(app: Flask) -> None:
    dates = [
        f"{cls.__name__}.{name}: {type(field).__name__}"
        for cls in form_classes(app)
        for name, field in fields(cls)
        if isinstance(field, DateField)
    ]
    assert dates, "the census finds the snapshot date"
    assert all(line.endswith(": BoundedDateField") for line in dates), dates


@pytest.mark.parametrize("taken_on", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_a_date_out_of_range_gets_a_message_beside_the_field(logged_in, taken_on) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form(taken_on))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="taken_on-error"' in page and "Pick a date between Jan 1, 2000" in page


@pytest.mark.parametrize("taken_on", ["garbage", "2026-02-30", "-1-01-01", "99999-01-01"])
def test_a_date_that_is_no_date_gets_a_message(logged_in, taken_on) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form(taken_on))
    assert response.status_code == 200
    assert 'id="taken_on-error"' in response.get_data(as_text=True)


def test_tomorrow_is_in_range_but_still_in_the_future(logged_in) -> None:
    tomorrow = (utcnow().date() + timedelta(days=1)).isoformat()
    page = logged_in.post("/stats/snapshots/new", data=_snapshot_form(tomorrow))
    assert "The date can&#39;t be in the future." in page.get_data(as_text=True)


def test_the_service_refuses_the_same_range_a_form_does(session, user) -> None:
    today = date(2026, 11, 1)
    data = stats.SnapshotData(date(1, 1, 1), 7, 1, 1, 0, 0, 0, 1)
    with pytest.raises(stats.StatsError) as refused:
        stats.save_snapshot(session, user.id, None, data, today)
    assert refused.value.field == "taken_on"
    assert "Pick a date between" in refused.value.message


def test_the_range_is_2000_to_the_end_of_five_years_ahead() -> None:
    today = date(2028, 2, 29)
    assert latest_date(today) == date(2033, 12, 31)
    assert date_problem(EARLIEST_DATE, today) is None
    assert date_problem(date(2033, 12, 31), today) is None
    assert date_problem(date(2034, 1, 1), today)
    assert date_problem(date(1999, 12, 31), today)


@pytest.mark.parametrize(
    "extremes",
    [
        [date(1, 1, 1)],
        [date(1, 1, 1), date(1, 1, 5), date(1, 1, 9)],
        [date(9999, 12, 31), date(1, 1, 3)],
        [date.max, date.max - timedelta(days=3), date.min],
    ],
)
def test_no_stored_date_breaks_a_page(logged_in, session, user, extremes) -> None:
    for taken_on in extremes:  # inserted directly, as an old row or a script would
        make_snapshot(session, user, taken_on=taken_on)
    for page in PAGES:
        response = logged_in.get(page)
        assert response.status_code == 200, page


def test_a_week_before_year_one_is_no_point_not_an_overflow() -> None:
    points = [metrics.Point(date(1, 1, 1), 10), metrics.Point(date(1, 1, 8), 20)]
    assert metrics.week_ago(points, 0) is None
    assert metrics.week_ago(points, 1) == points[0]
