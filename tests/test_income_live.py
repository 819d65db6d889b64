"""LIVE sessions feed LIVE-gifts income (one entry each, following edits), the formats table,
and the 1,000-follower threshold from the seed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from crm.creation_tokens import new_token
from crm.income import live
from crm.income.models import IncomeEntry, LiveFormat, LiveSession
from crm.income.report import month_report
from crm.income.services import IncomeError
from crm.market.seed import installed_market
from tests.factories_income import TODAY, make_live
from tests.page_text import field_error

MARKET = installed_market()


def _entries(session, user) -> list[IncomeEntry]:
    return list(session.scalars(select(IncomeEntry).where(IncomeEntry.owner_id == user.id)))


def test_a_session_feeds_one_live_gifts_entry_and_follows_its_edits(session, user) -> None:
    user.diamond_value_micros = 5_000  # half a cent a diamond
    found = make_live(session, user, held_on=date(2026, 11, 3), diamonds=2_000)
    (entry,) = _entries(session, user)
    assert (entry.stream, entry.amount_cents, entry.earned_on) == ("live", 1_000, date(2026, 11, 3))
    data = live.SessionData(date(2026, 11, 4), LiveFormat.TUTORIAL, 90, 3_000)
    live.save_session(session, user, found, data, TODAY, MARKET)
    session.commit()
    (entry,) = _entries(session, user)
    assert (entry.amount_cents, entry.earned_on) == (1_500, date(2026, 11, 4))
    report = month_report(session, user, 2026, 11, TODAY, MARKET)
    assert report.streams["live"].earned_cents == 1_500
    live.delete_session(session, found)
    session.commit()
    assert _entries(session, user) == []


def test_without_a_diamond_value_a_session_has_no_income(session, user) -> None:
    found = make_live(session, user, diamonds=500)
    assert found.entry_id is None and _entries(session, user) == []


def test_the_formats_table_ranks_by_diamonds_an_hour(session, user) -> None:
    user.diamond_value_micros = 10_000
    make_live(session, user, format=LiveFormat.QA, duration_minutes=60, diamonds=1_000)
    make_live(session, user, format=LiveFormat.COLLAB, duration_minutes=30, diamonds=900)
    make_live(session, user, format=LiveFormat.QA, duration_minutes=60, diamonds=2_000)
    rows = live.format_earnings(session, user.id)
    assert [r.format for r in rows] == [LiveFormat.COLLAB, LiveFormat.QA]
    assert rows[0].diamonds_per_hour == 1_800 and rows[0].cents_per_hour == 1_800
    assert (rows[1].sessions, rows[1].minutes, rows[1].cents) == (2, 120, 3_000)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"duration_minutes": 0}, "duration_minutes"), ({"diamonds": -1}, "diamonds"),
     ({"held_on": date(2026, 12, 25)}, "held_on")],
)  # fmt: skip
def test_bad_sessions_are_refused(session, user, change, field) -> None:
    values = {"held_on": date(2026, 11, 3), "format": LiveFormat.QA, "duration_minutes": 30,
              "diamonds": 10, **change}  # fmt: skip
    with pytest.raises(IncomeError) as refused:
        live.save_session(session, user, None, live.SessionData(**values), TODAY, MARKET)
    assert refused.value.field == field


def test_below_the_threshold_the_page_says_live_needs_followers(logged_in, session, user):
    user.followers = 400
    session.commit()
    page = logged_in.get("/income/live/").get_data(as_text=True)
    assert f"LIVE needs {live.live_threshold(MARKET):,} followers" in page and "600 to go" in page
    user.followers = 1_000
    session.commit()
    assert "LIVE needs" not in logged_in.get("/income/live/").get_data(as_text=True)


def test_the_diamond_value_and_a_session_on_the_page(logged_in, session, user) -> None:
    assert logged_in.post("/income/live/value", data={"value": "0.005"}).status_code == 302
    response = logged_in.post("/income/live/new", data={
        "held_on": "2026-11-03", "format": "qa", "duration_minutes": "45", "diamonds": "4000",
        "token": new_token(),
    })  # fmt: skip
    assert response.status_code == 302
    count = session.scalar(select(func.count()).select_from(IncomeEntry))
    assert count == 1
    assert _entries(session, user)[0].amount_cents == 2_000
    refused = logged_in.post("/income/live/value", data={"value": "1e5"})
    assert refused.status_code == 200 and "is not a rate" in refused.get_data(as_text=True)


def test_setting_the_value_counts_the_lives_logged_before_it(session, user) -> None:
    make_live(session, user, held_on=date(2026, 11, 3), diamonds=2_000)
    assert _entries(session, user) == []
    fed = live.set_diamond_value(session, user, 5_000, TODAY, MARKET)
    (entry,) = _entries(session, user)
    assert fed == 1 and (entry.stream, entry.amount_cents) == ("live", 1_000)
    assert live.set_diamond_value(session, user, 5_000, TODAY, MARKET) == 0  # fed already


def test_an_entry_a_live_feeds_is_changed_through_the_live(logged_in, session, user) -> None:
    user.diamond_value_micros = 5_000
    found = make_live(session, user, held_on=date(2026, 11, 3), diamonds=2_000)
    session.commit()
    (entry,) = _entries(session, user)
    for response in (
        logged_in.get(f"/income/{entry.id}/edit"),
        logged_in.post(f"/income/{entry.id}/edit", data={"amount": "999"}),
        logged_in.post(f"/income/{entry.id}/delete"),
    ):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/income/live/{found.id}/edit")
    session.expire_all()
    (entry,) = _entries(session, user)
    assert entry.amount_cents == 1_000  # unchanged, and still there


def test_a_live_worth_over_the_income_limit_is_refused_beside_its_diamonds(
    logged_in, session, user
) -> None:
    user.diamond_value_micros = 500_000  # half a unit a diamond
    session.commit()
    response = logged_in.post("/income/live/new", data={
        "held_on": "2026-11-03", "format": "qa", "duration_minutes": "45", "diamonds": "30000000",
        "token": new_token(),
    })  # fmt: skip
    assert response.status_code == 200
    assert "over 10 million USD" in field_error(response, "diamonds")
    assert session.scalar(select(func.count()).select_from(LiveSession)) == 0
    assert _entries(session, user) == []


def test_a_value_that_makes_an_earlier_live_too_big_is_refused_beside_the_value(
    logged_in, session, user
) -> None:
    make_live(session, user, held_on=date(2026, 11, 3), diamonds=30_000_000)
    session.commit()
    response = logged_in.post("/income/live/value", data={"value": "0.5"})
    assert response.status_code == 200
    error = field_error(response, "value")
    assert "Nov 3, 2026" in error and "over 10 million USD" in error
    session.expire_all()
    assert user.diamond_value_micros is None and _entries(session, user) == []


def test_the_list_shows_what_each_live_earned_linking_to_its_month(logged_in, session, user):
    user.diamond_value_micros = 5_000
    make_live(session, user, held_on=date(2026, 10, 3), diamonds=2_000)
    make_live(session, user, held_on=date(2026, 11, 3), diamonds=0)
    session.commit()
    page = logged_in.get("/income/live/").get_data(as_text=True)
    assert '<a href="/income/?month=2026-10&amp;stream=live"' in page
    link = page.split('<a href="/income/?month=2026-10&amp;stream=live"', 1)[1]
    assert link.split("</a>", 1)[0].endswith(">$10")
    assert "month=2026-11" not in page  # earned nothing: no entry to link to
