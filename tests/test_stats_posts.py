"""A post count left out is unknown (NULL), not 0: on the page, from the CLI, in the average
views and in the month report's posting note."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from crm.database import utcnow
from crm.income.report import month_report
from crm.market.seed import installed_market
from crm.stats import metrics, services
from crm.stats.models import StatsSnapshot
from tests.factories import make_snapshot
from tests.factories_income import TODAY
from tests.page_text import field_error

MARKET = installed_market()
DAY = "2026-11-20"


def _snapshots(session, user) -> list[StatsSnapshot]:
    session.expire_all()
    return list(session.scalars(select(StatsSnapshot).where(StatsSnapshot.owner_id == user.id)))


def _add(runner, user, *args: str):
    out = runner.invoke(args=["stats", "add", "--user", user.email, "--date", DAY, *args])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def test_average_views_is_unknown_without_a_post_count() -> None:
    assert metrics.average_views(1_000, None) is None
    assert metrics.average_views(1_000, 0) is None
    assert metrics.average_views(1_000, 4) == 250


def test_cli_without_posts_stores_unknown_and_a_replace_keeps_it_until_given(
    runner, session, user
) -> None:
    first = _add(runner, user, "--followers", "3000", "--views", "1000", "--json")
    assert first["posts"] is None and first["video_views"] == 1000
    (snapshot,) = _snapshots(session, user)
    assert snapshot.posts is None and snapshot.likes == 0  # other counts left out are 0
    kept = _add(runner, user, "--followers", "3100", "--json")
    assert (kept["replaced"], kept["posts"], kept["video_views"]) == (True, None, 1000)
    given = _add(runner, user, "--followers", "3100", "--posts", "0", "--json")
    assert given["posts"] == 0  # zero posts is a count, not unknown
    again = _add(runner, user, "--followers", "3200", "--json")
    assert again["posts"] == 0  # left out on a replace: the replaced snapshot's count
    assert [s.posts for s in _snapshots(session, user)] == [0]


def _form(**overrides: str) -> dict[str, str]:
    data = {"taken_on": utcnow().date().isoformat(), "period_days": "7", "followers": "4200",
            "video_views": "20000", "likes": "1500", "comments": "300", "shares": "200",
            "posts": ""}  # fmt: skip
    data.update(overrides)
    return data


def test_the_form_with_posts_blank_stores_unknown_and_the_page_shows_a_dash(
    logged_in, session, user
) -> None:
    assert logged_in.post("/stats/snapshots/new", data=_form()).status_code == 302
    (snapshot,) = _snapshots(session, user)
    assert snapshot.posts is None
    page = logged_in.get("/stats/").get_data(as_text=True)
    assert '<td class="num" data-label="Posts">—</td>' in page
    assert "None" not in page
    assert services.latest(session, user.id).average_views is None
    edit = logged_in.get(f"/stats/snapshots/{snapshot.id}/edit").get_data(as_text=True)
    assert 'name="posts" type="number" value=""' in edit  # empty, not "None" or 0
    edited = logged_in.post(f"/stats/snapshots/{snapshot.id}/edit", data=_form(followers="4300"))
    assert edited.status_code == 302
    assert [(s.followers, s.posts) for s in _snapshots(session, user)] == [(4300, None)]


def test_the_form_still_refuses_a_post_count_out_of_range(logged_in, session, user) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_form(posts="-1"))
    assert response.status_code == 200
    assert "Posts can't be negative." in field_error(response, "posts")
    assert _snapshots(session, user) == []


def test_snapshot_rows_give_no_average_for_an_unknown_count(session, user) -> None:
    day = date(2026, 11, 1)
    known = make_snapshot(session, user, taken_on=day, video_views=1_000, posts=4)
    unknown = make_snapshot(session, user, taken_on=day + timedelta(days=7), posts=None)
    rows = services.snapshot_rows([known, unknown])
    assert [row.average_views for row in rows] == [250, None]
    assert rows[1].engagement is not None  # the other figures still count


def test_the_posting_note_counts_only_snapshots_with_a_post_count(session, user) -> None:
    user.followers = 1_500
    make_snapshot(session, user, taken_on=date(2026, 11, 7), posts=None, period_days=7)
    report = month_report(session, user, 2026, 11, TODAY, MARKET)
    assert report.posts_per_week is None and report.benchmark.posting_note is None
    make_snapshot(session, user, taken_on=date(2026, 11, 14), posts=2, period_days=7)
    make_snapshot(session, user, taken_on=date(2026, 11, 21), posts=None, period_days=14)
    report = month_report(session, user, 2026, 11, TODAY, MARKET)
    # 2 posts over the 7 days that say how many: the unknown weeks are not days without.
    assert str(report.posts_per_week) == "2.0"
    assert "you post 2," in (report.benchmark.posting_note or "")  # 0.7 if they counted as 0
