"""Numbers a form takes fit the column they land in: views in the billions are stored, and
nothing a form accepts overflows PostgreSQL's 4-byte integers."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select
from wtforms import IntegerField
from wtforms.validators import NumberRange

from crm.accounts.forms import ProfileForm
from crm.accounts.models import User
from crm.add_on_policy.models import AddOnUplift
from crm.brands.forms import BrandForm
from crm.brands.models import Brand
from crm.inputs import INT4_MAX, INT8_MAX
from crm.money import MAX_CENTS, MoneyError, parse_cents
from crm.stats import services as stats
from crm.stats.forms import SnapshotForm, VideoForm
from crm.stats.models import PortfolioVideo, StatsSnapshot
from tests.forms_census import fields, form_classes

# Forms whose integer fields are stored in a column of the same name.
STORED_IN = {
    SnapshotForm: StatsSnapshot,
    VideoForm: PortfolioVideo,
    ProfileForm: User,
    BrandForm: Brand,
}


def _bounds(field: IntegerField) -> tuple[float, float]:
    ranges = [v for v in field.validators if isinstance(v, NumberRange)]
    lows = [v.min for v in ranges if v.min is not None]
    highs = [v.max for v in ranges if v.max is not None]
    return (max(lows) if lows else -float("inf"), min(highs) if highs else float("inf"))


def _integer_fields(app: Flask):
    for form_class in form_classes(app):
        for name, field in fields(form_class):
            if isinstance(field, IntegerField):
                yield form_class, name, field


def test_the_census_finds_the_forms(app: Flask) -> None:
    names = {cls.__name__ for cls in form_classes(app)}
    assert {"SnapshotForm", "VideoForm", "ProfileForm", "BrandForm", "AddOnPolicyForm"} <= names
    assert sum(1 for _ in _integer_fields(app)) >= 20


def test_every_integer_field_is_bounded_within_int4_unless_declared_big(app: Flask) -> None:
    failures = []
    for form_class, name, field in _integer_fields(app):
        low, high = _bounds(field)
        ceiling = INT8_MAX if getattr(field, "big", False) else INT4_MAX
        if not (-ceiling - 1 <= low and high <= ceiling):
            failures.append(f"{form_class.__name__}.{name}: {low}..{high} (ceiling {ceiling})")
    assert not failures, "\n".join(failures)


def test_stored_integer_fields_fit_their_columns(app: Flask) -> None:
    failures = []
    for form_class, model in STORED_IN.items():
        columns = sa.inspect(model).columns
        for name, field in fields(form_class):
            if not isinstance(field, IntegerField) or name not in columns:
                continue
            big_column = isinstance(columns[name].type, sa.BigInteger)
            _low, high = _bounds(field)
            if high > (INT8_MAX if big_column else INT4_MAX):
                failures.append(f"{form_class.__name__}.{name}: up to {high} in {columns[name]}")
    assert not failures, "\n".join(failures)
    assert isinstance(AddOnUplift.__table__.c.percent.type, sa.Integer)


def _snapshot_form(**overrides: str) -> dict[str, str]:
    form = {
        "taken_on": "2026-10-01",
        "period_days": "28",
        "followers": "3000000000",
        "video_views": "5000000000",
        "likes": "400000000",
        "comments": "3000000",
        "shares": "2500000000",
        "posts": "40",
    }
    form.update(overrides)
    return form


def test_video_views_in_the_billions_are_stored_and_shown(logged_in, session, user) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    snapshot = session.scalars(select(StatsSnapshot).where(StatsSnapshot.owner_id == user.id)).one()
    assert (snapshot.video_views, snapshot.followers) == (5_000_000_000, 3_000_000_000)
    session.refresh(user)
    assert user.followers == 3_000_000_000  # the profile follows the newest snapshot
    for page in ("/stats/", "/dashboard", "/rates/", "/profile"):
        assert logged_in.get(page).status_code == 200, page


def test_a_video_with_billions_of_views_is_stored(logged_in, session, user) -> None:
    response = logged_in.post(
        "/stats/videos/new",
        data={
            "url": "https://www.tiktok.com/@me/video/1",
            "title": "Viral",
            "product_category": "home",
            "views": "4000000000",
            "likes": "3000000000",
        },
    )
    assert response.status_code == 302
    video = session.scalars(select(PortfolioVideo).where(PortfolioVideo.owner_id == user.id)).one()
    assert video.views == 4_000_000_000


@pytest.mark.parametrize(
    ("field", "value"),
    [("video_views", "99999999999999999999"), ("posts", "5000000000"), ("period_days", "9999")],
)
def test_counts_past_their_range_get_a_message_beside_the_field(logged_in, field, value) -> None:
    response = logged_in.post("/stats/snapshots/new", data=_snapshot_form(**{field: value}))
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_the_stats_service_refuses_counts_past_the_range(session, user) -> None:
    data = stats.SnapshotData(date(2026, 10, 1), 7, 1, stats.COUNT_MAX + 1, 0, 0, 0, 1)
    with pytest.raises(stats.StatsError) as refused:
        stats.save_snapshot(session, user.id, None, data, date(2026, 10, 2))
    assert refused.value.field == "video_views"
    video = stats.VideoData("https://x.example/v", "t", "home", INT8_MAX, 0)
    with pytest.raises(stats.StatsError):
        stats.save_video(session, user.id, None, video)


@pytest.mark.parametrize("profile_followers", ["99999999999", "-1"])
def test_profile_followers_past_the_range_are_refused(logged_in, profile_followers) -> None:
    response = logged_in.post(
        "/profile",
        data={
            "niche": "beauty",
            "followers": profile_followers,
            "ugc_experience": "beginner",
            "currency": "USD",
            "turnaround_days": "5",
            "posts_per_week": "3",
        },
    )
    assert response.status_code == 200
    assert 'id="followers-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["9e99999", "1e16", "99999999999999999999"])
def test_amounts_no_column_holds_are_not_amounts_or_too_large(text) -> None:
    try:
        cents = parse_cents(text)
    except MoneyError:
        return
    assert cents > MAX_CENTS  # refused by the rate fields and the pitch service


def test_a_huge_quoted_rate_is_refused_beside_the_field(logged_in, session, user) -> None:
    from tests.factories_brands import make_brand

    brand = make_brand(session, user)
    response = logged_in.post(
        f"/pitches/new?brand_id={brand.id}",
        data={
            "kind": "ugc",
            "channel": "email",
            "contact_id": "",
            "quoted_rate": "9e999",
            "currency": "USD",
            "token": "x" * 20,
        },
    )
    assert response.status_code == 200
    assert 'id="quoted_rate-error"' in response.get_data(as_text=True)
