"""The income area's edges: overdue from the day after the due date, money and rate arithmetic
exact in integers, an edit keeping the rate it was saved at, "tomorrow" in the creator's own
timezone, and the LIVE ranges at both ends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from crm import database, money
from crm.income import listing, live
from crm.income.models import IncomeEntry, LiveFormat
from crm.income.services import IncomeError
from crm.market.seed import installed_market
from tests.factories_income import TODAY, make_income

MARKET = installed_market()


# Overdue: unpaid and due before today; due today is not late yet.


def test_overdue_in_sql_starts_the_day_after_the_due_date(session, user) -> None:
    for days, cents in ((-1, 100), (0, 1_000), (1, 10_000)):
        make_income(session, user, earned_on=TODAY - timedelta(days=5), amount_cents=cents,
                    due_on=TODAY + timedelta(days=days))  # fmt: skip
    every_month = listing.IncomeFilters(month=None)
    totals = listing.totals(session, user.id, every_month, "USD", TODAY)
    assert (totals.outstanding_cents, totals.overdue_cents) == (11_100, 100)
    overdue = listing.IncomeFilters(month=None, status="overdue")
    page = listing.list_page(session, user.id, overdue, TODAY, None, 10)
    assert [entry.amount_cents for entry in page.items] == [100]
    # A day later the one due today is late too, in the same query.
    later = listing.totals(session, user.id, every_month, "USD", TODAY + timedelta(days=1))
    assert later.overdue_cents == 1_100


# Conversion: exactly the Decimal product, rounded half up, for any amount and rate.


@given(
    cents=st.integers(min_value=0, max_value=money.MAX_CENTS),
    rate=st.integers(min_value=1, max_value=999_999 * money.RATE_SCALE),
)
def test_convert_is_the_exact_product_rounded_half_up(cents: int, rate: int) -> None:
    exact = Decimal(cents) * Decimal(rate) / Decimal(money.RATE_SCALE)
    assert money.convert(cents, rate) == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("cents", "rate", "expected"),
    [
        (1, 500_000, 1),  # half a cent rounds up
        (1, 499_999, 0),  # just under half rounds down
        (3, 500_000, 2),  # 1.5 -> 2
        (10_000, 1_100_000, 11_000),  # EUR 100 at 1.10 is USD 110
        (12_345, 1_000_000, 12_345),  # at par nothing moves
        (0, 1_234_567, 0),
    ],
)
def test_convert_at_the_rounding_edges(cents: int, rate: int, expected: int) -> None:
    assert money.convert(cents, rate) == expected


# Rates: what is shown is what is read back, to the millionth.


@given(st.integers(min_value=0, max_value=999_999 * money.RATE_SCALE + money.RATE_SCALE - 1))
def test_a_shown_rate_reads_back_as_the_same_rate(millionths: int) -> None:
    shown = money.format_rate(millionths)
    assert money.parse_rate(shown) == millionths
    decimals = shown.split(".")[1]
    assert decimals == "0" or not decimals.endswith("0")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("1.08", "1.08"), ("1.080000", "1.08"), ("2", "2.0"), (".5", "0.5"), ("0.000001", "0.000001")],
)
def test_a_rate_as_typed_is_shown_in_its_shortest_form(text: str, shown: str) -> None:
    assert money.format_rate(money.parse_rate(text)) == shown


@pytest.mark.parametrize("text", ["1,08", "1.0000001", "-1", "1e3", "", "1.2.3", "1234567"])
def test_a_rate_that_is_not_plain_is_refused(text: str) -> None:
    with pytest.raises(money.MoneyError):
        money.parse_rate(text)


# An edit keeps the rate the entry was saved at, even after a newer rate for its currency.


def test_saving_an_edit_keeps_the_entrys_own_rate(logged_in, session, user) -> None:
    entry = make_income(session, user, earned_on=date(2026, 11, 3), currency="EUR",
                        amount_cents=10_000, rate_millionths=1_100_000)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 10), currency="EUR",
                rate_millionths=1_200_000)  # fmt: skip
    page = logged_in.get(f"/income/{entry.id}/edit").get_data(as_text=True)
    assert 'value="1.1"' in page and 'value="1.2"' not in page
    form = {
        "earned_on": "2026-11-03", "amount": "100.00", "currency": "EUR", "rate": "1.1",
        "stream": "ugc", "status": "expected", "note": "edited",
    }  # fmt: skip
    response = logged_in.post(f"/income/{entry.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(IncomeEntry, entry.id)
    assert (saved.note, saved.rate_millionths, saved.reporting_cents) == (
        "edited",
        1_100_000,
        11_000,
    )


# "Tomorrow" for a paid date is the creator's tomorrow.


def _add_paid(runner, user, paid_on: str):
    return runner.invoke(args=[
        "income", "add", "--user", user.email, "--date", "2026-12-01", "--amount", "10",
        "--stream", "ugc", "--status", "paid", "--paid-on", paid_on, "--json",
    ])  # fmt: skip


def test_the_cli_refuses_a_paid_date_tomorrow_and_takes_today(runner, session, user, monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))
    refused = _add_paid(runner, user, "2026-12-03")
    assert refused.exit_code == 2
    lines = [line for line in refused.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--paid-on" in lines[0]
    assert session.scalars(select(IncomeEntry)).all() == []
    taken = _add_paid(runner, user, "2026-12-02")
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.output)["paid"] == "2026-12-02"


def test_where_it_is_already_tomorrow_that_day_is_today(runner, session, user, monkeypatch):
    # 12:00 UTC on Dec 2 is 02:00 on Dec 3 at UTC+14.
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))
    user.timezone = "Pacific/Kiritimati"
    session.commit()
    assert _add_paid(runner, user, "2026-12-03").exit_code == 0
    assert _add_paid(runner, user, "2026-12-04").exit_code == 2


# LIVE sessions: both ends of each range.


def _session_with(**change) -> live.SessionData:
    values = {"held_on": date(2026, 11, 3), "format": LiveFormat.QA, "duration_minutes": 30,
              "diamonds": 10, **change}  # fmt: skip
    return live.SessionData(**values)


@pytest.mark.parametrize(
    "change",
    [{"duration_minutes": 1}, {"duration_minutes": live.DURATION_MAX_MINUTES},
     {"diamonds": 0}, {"diamonds": live.DIAMONDS_MAX}],
)  # fmt: skip
def test_a_live_at_the_ends_of_its_ranges_is_kept(session, user, change) -> None:
    saved = live.save_session(session, user, None, _session_with(**change), TODAY, MARKET)
    session.commit()
    ((key, value),) = change.items()
    assert getattr(saved, key) == value and saved.id is not None


@pytest.mark.parametrize(
    ("change", "field"),
    [({"duration_minutes": 0}, "duration_minutes"),
     ({"duration_minutes": live.DURATION_MAX_MINUTES + 1}, "duration_minutes"),
     ({"diamonds": -1}, "diamonds"), ({"diamonds": live.DIAMONDS_MAX + 1}, "diamonds")],
)  # fmt: skip
def test_a_live_just_past_the_ends_of_its_ranges_is_refused(session, user, change, field) -> None:
    with pytest.raises(IncomeError) as refused:
        live.save_session(session, user, None, _session_with(**change), TODAY, MARKET)
    assert refused.value.field == field


def test_a_live_with_no_diamonds_earns_nothing_and_ranks_last(session, user) -> None:
    user.diamond_value_micros = 10_000
    live.save_session(session, user, None, _session_with(diamonds=0), TODAY, MARKET)
    live.save_session(
        session, user, None, _session_with(format=LiveFormat.COLLAB, diamonds=60), TODAY, MARKET
    )
    session.commit()
    rows = live.format_earnings(session, user.id)
    assert [(row.format, row.cents_per_hour) for row in rows] == [
        (LiveFormat.COLLAB, 120),  # 60 cents in half an hour
        (LiveFormat.QA, 0),
    ]
