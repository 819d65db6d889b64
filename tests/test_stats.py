"""Stats: snapshots with engagement and weekly growth, history, portfolio videos."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.database import utcnow
from crm.stats import metrics, services
from crm.stats.models import PortfolioVideo, StatsSnapshot
from tests.factories import make_snapshot, make_video
from tests.pager_links import pager_link


def _snapshot_form(**overrides):
    data = {
        "taken_on": utcnow().date().isoformat(),
        "period_days": "7",
        "followers": "4200",
        "video_views": "20000",
        "likes": "1500",
        "comments": "300",
        "shares": "200",
        "posts": "5",
    }
    data.update(overrides)
    return data


def test_engagement_rate_is_interactions_over_views() -> None:
    assert metrics.engagement_rate(likes=1500, comments=300, shares=200, views=20_000) == 10.0
    assert metrics.engagement_rate(likes=0, comments=0, shares=0, views=0) is None


def test_growth_rate_from_a_week_earlier() -> None:
    assert metrics.growth_rate(4000, 4200) == 5.0
    assert metrics.growth_rate(0, 10) is None


def test_week_ago_takes_the_latest_snapshot_at_least_seven_days_back() -> None:
    d = date(2026, 11, 20)
    points = [
        metrics.Point(d - timedelta(days=10), 100),
        metrics.Point(d - timedelta(days=7), 110),
        metrics.Point(d - timedelta(days=3), 115),
        metrics.Point(d, 120),
    ]
    assert metrics.week_ago(points, 3) == points[1]
    assert metrics.week_ago(points, 2) == points[0]
    assert metrics.week_ago(points, 0) is None


def test_adding_a_snapshot_shows_its_engagement_and_formula(logged_in, session, user) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form())
    assert response.status_code == 302
    page = logged_in.get("/stats/").get_data(as_text=True)
    assert "10.00%" in page
    assert metrics.ENGAGEMENT_FORMULA in page
    assert metrics.GROWTH_FORMULA in page
    assert session.scalar(select(func.count()).select_from(StatsSnapshot)) == 1


def test_the_newest_snapshot_updates_the_profile_followers(logged_in, session, user) -> None:
    today = utcnow().date()
    logged_in.post("/stats/snapshots/new", data=_snapshot_form(followers="4200"))
    older = (today - timedelta(days=7)).isoformat()
    logged_in.post("/stats/snapshots/new", data=_snapshot_form(taken_on=older, followers="3900"))
    session.refresh(user)
    assert user.followers == 4200


def test_history_shows_week_over_week_growth(logged_in, session, user) -> None:
    today = utcnow().date()
    make_snapshot(session, user, taken_on=today - timedelta(days=7), followers=4000)
    make_snapshot(session, user, taken_on=today, followers=4200)
    page = logged_in.get("/stats/").get_data(as_text=True)
    assert "+5.0%" in page  # history row
    assert "+5.00%" in page  # headline card


def test_history_keeps_growth_for_the_oldest_row_shown(session, user) -> None:
    start = date(2026, 1, 5)
    for week in range(6):
        make_snapshot(
            session, user, taken_on=start + timedelta(weeks=week), followers=1000 + week * 100
        )
    rows = services.history(session, user.id, limit=3)
    assert [r.snapshot.followers for r in rows] == [1500, 1400, 1300]
    assert rows[-1].growth == pytest.approx((1300 - 1200) / 1200 * 100)


def test_history_takes_two_queries_however_long(session, user, count_queries) -> None:
    for day in range(30):
        make_snapshot(session, user, taken_on=date(2026, 1, 1) + timedelta(days=day))
    with count_queries() as statements:
        services.history(session, user.id, limit=10)
    assert len(statements) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"followers": "-5"}, "Followers can&#39;t be negative."),
        ({"likes": "abc"}, "Likes: enter 0 to 10,000,000,000."),
        ({"video_views": ""}, "Enter video views (0 if none)."),
        ({"likes": "30000"}, "Likes can&#39;t be more than video views."),
        ({"video_views": "0", "likes": "0"}, "need at least one view"),
        ({"taken_on": "2999-01-01"}, "Pick a date between Jan 1, 2000 and"),
        ({"period_days": "0"}, "1 to 365 days."),
    ],
)
def test_impossible_values_get_a_message_beside_the_field(
    logged_in, session, overrides, message
) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(StatsSnapshot)) == 0


def test_a_second_snapshot_for_the_same_day_is_refused(logged_in, session) -> None:
    logged_in.post("/stats/snapshots/new", data=_snapshot_form())
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form(followers="9"))
    assert b"There is already a snapshot for this date" in response.data
    assert session.scalar(select(StatsSnapshot.followers)) == 4200


def test_two_creators_can_log_the_same_day(logged_in, session, other_user) -> None:
    make_snapshot(session, other_user, taken_on=utcnow().date())
    assert logged_in.post("/stats/snapshots/new", data=_snapshot_form()).status_code == 302


def test_editing_and_deleting_a_snapshot(logged_in, session, user) -> None:
    snapshot = make_snapshot(session, user, taken_on=utcnow().date())
    response = logged_in.post(
        f"/stats/snapshots/{snapshot.id}/edit", data=_snapshot_form(followers="5555")
    )
    assert response.status_code == 302
    session.refresh(snapshot)
    assert snapshot.followers == 5555
    logged_in.post(f"/stats/snapshots/{snapshot.id}/delete")
    assert session.scalar(select(func.count()).select_from(StatsSnapshot)) == 0


def test_adding_a_portfolio_video(logged_in, session, user) -> None:
    response = logged_in.post(
        "/stats/videos/new",
        data={
            "url": "https://www.tiktok.com/@me/video/1",
            "title": "Desk setup <b>tour</b>",
            "product_category": "tech",
            "views": "1200",
            "likes": "90",
        },
    )
    assert response.status_code == 302
    video = session.scalars(select(PortfolioVideo)).one()
    assert (video.owner_id, video.product_category) == (user.id, "tech")
    page = logged_in.get("/stats/").get_data(as_text=True)
    assert "Desk setup &lt;b&gt;tour&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "javascript:alert(1)", "Enter a full link"),
        ("url", "not a link", "Enter a full link"),
        ("product_category", "weapons", "Not a valid choice"),
        ("views", "-1", "Views can&#39;t be negative."),
        ("title", "", "This field is required."),
    ],
)
def test_bad_video_input_is_refused(logged_in, session, field, value, message) -> None:
    data = {
        "url": "https://www.tiktok.com/@me/video/1",
        "title": "A video",
        "product_category": "tech",
        "views": "1",
        "likes": "1",
        field: value,
    }
    response = logged_in.post("/stats/videos/new", data=data)
    assert message in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(PortfolioVideo)) == 0


def test_pick_videos_prefers_the_brands_category_then_the_best(session, user) -> None:
    make_video(session, user, title="home small", product_category="home", views=100)
    make_video(session, user, title="beauty best", product_category="beauty", views=90_000)
    make_video(session, user, title="home big", product_category="home", views=5_000)
    make_video(session, user, title="food mid", product_category="food", views=50_000)
    picked = services.pick_videos(session, user.id, "home", count=3)
    assert [v.title for v in picked] == ["home big", "home small", "beauty best"]
    assert [v.title for v in services.pick_videos(session, user.id, None, 2)] == [
        "beauty best",
        "food mid",
    ]


def test_another_creators_videos_are_never_picked(session, user, other_user) -> None:
    make_video(session, other_user, product_category="home")
    assert services.pick_videos(session, user.id, "home") == []


def test_the_history_table_pages_and_keeps_growth_across_pages(make_app, session, user) -> None:
    client = make_app(PAGE_SIZE=5).test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    start = date(2026, 1, 5)
    for week in range(12):
        followers = 1000 + week * 100
        make_snapshot(session, user, taken_on=start + timedelta(weeks=week), followers=followers)
    first = client.get("/stats/").get_data(as_text=True)
    assert "1–5" in first and pager_link(first, "prev") is None
    assert "2026-03-23" in first and "2026-02-16" not in first
    second = client.get(pager_link(first, "next")).get_data(as_text=True)
    assert "6–10" in second
    assert "2026-02-16" in second and "2026-01-19" in second and "2026-03-23" not in second
    # The oldest row on page 2 (1,200 on 2026-01-19) keeps its growth from the week before.
    assert f"{(1200 - 1100) / 1100 * 100:+.1f}%" in second
    # The headline card shows the newest snapshot's growth on every page.
    assert f"{(2100 - 2000) / 2000 * 100:+.2f}%" in second


def test_the_same_video_link_twice_is_refused(logged_in, session, user) -> None:
    data = {
        "url": "https://www.tiktok.com/@me/video/42",
        "title": "Desk tour",
        "product_category": "tech",
        "views": "10",
        "likes": "1",
    }
    assert logged_in.post("/stats/videos/new", data=data).status_code == 302
    again = logged_in.post("/stats/videos/new", data=data)
    assert again.status_code == 200
    assert "This video is already in your portfolio." in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(PortfolioVideo)) == 1


def test_editing_a_video_keeps_its_own_link(logged_in, session, user) -> None:
    video = make_video(session, user, url="https://www.tiktok.com/@me/video/7")
    data = {
        "url": video.url,
        "title": "New title",
        "product_category": "home",
        "views": "5",
        "likes": "1",
    }
    assert logged_in.post(f"/stats/videos/{video.id}/edit", data=data).status_code == 302
    session.refresh(video)
    assert video.title == "New title"
