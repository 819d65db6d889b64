"""Income entries: what is refused (in the service, so the CLI is held too), conversion at
the stored rate, the list's filters and SQL totals, the formula-safe CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm import database, money
from crm.creation_tokens import new_token
from crm.income import listing, services
from crm.income.models import IncomeEntry, IncomeStatus
from crm.market.seed import installed_market
from tests.factories import make_user
from tests.factories_brands import make_brand
from tests.factories_income import TODAY, make_income

MARKET = installed_market()
BASE = services.EntryData(earned_on=date(2026, 11, 3), amount_cents=10_000, currency="USD",
                          stream="ugc")  # fmt: skip


def _form(**overrides):
    data = {
        "earned_on": "2026-11-03",
        "amount": "450.00",
        "currency": "USD",
        "rate": "",
        "stream": "ugc",
        "program": "",
        "brand": "",
        "status": "expected",
        "due_on": "",
        "paid_on": "",
        "note": "",
        "token": new_token(),  # the new-entry form's one-time token
    }
    data.update(overrides)
    return data


def _entries(session, user) -> int:
    return session.scalar(
        select(func.count()).select_from(IncomeEntry).where(IncomeEntry.owner_id == user.id)
    )


@pytest.mark.parametrize(
    "text", ["1,2,3", "12.345", "1e5", "-5", "abc", "12.", "1,23", "\u0661\u0662", "\uff11\uff12"]
)
def test_malformed_amounts_are_refused_not_rounded(text) -> None:
    with pytest.raises(money.MoneyError):
        money.parse_amount(text)


@pytest.mark.parametrize(
    ("text", "cents"), [("1250", 125_000), ("1,250.50", 125_050), ("0.05", 5), ("$12", 1200)]
)
def test_amounts_as_people_write_them(text, cents) -> None:
    assert money.parse_amount(text) == cents


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_cents": 0}, "amount"),
        ({"amount_cents": -100}, "amount"),
        ({"amount_cents": services.AMOUNT_MAX_CENTS + 1}, "amount"),
        ({"paid_on": TODAY + timedelta(days=1), "status": IncomeStatus.PAID}, "paid_on"),
        ({"due_on": date(2026, 11, 2)}, "due_on"),
        ({"currency": "EUR"}, "rate"),
        ({"currency": "EUR", "rate_millionths": 0}, "rate"),
        ({"currency": "EUR", "rate_millionths": 999_999 * money.RATE_SCALE}, "rate"),
        ({"stream": "lottery"}, "stream"),
        ({"program": "Amazon Associates"}, "program"),
        ({"paid_on": date(2026, 11, 4)}, "paid_on"),
        ({"earned_on": date(1999, 12, 31)}, "earned_on"),
        ({"currency": "XYZ"}, "currency"),
    ],
)
def test_bad_input_is_refused_by_its_field_and_nothing_is_written(
    session, user, change, field
) -> None:
    with pytest.raises(services.IncomeError) as refused:
        services.save_entry(session, user, None, replace(BASE, **change), TODAY, MARKET)
    assert refused.value.field == field
    session.rollback()
    assert _entries(session, user) == 0


def test_a_brand_of_another_creator_is_not_found(session, user, other_user) -> None:
    make_brand(session, other_user, name="Their Brand")
    with pytest.raises(services.IncomeError) as refused:
        services.save_entry(session, user, None, replace(BASE, brand="Their Brand"), TODAY, MARKET)
    assert refused.value.field == "brand"


def test_own_brand_is_found_by_name_in_any_case(session, user) -> None:
    brand = make_brand(session, user, name="Glow Labs")
    entry = make_income(session, user, brand="glow labs")
    assert entry.brand_id == brand.id


def test_foreign_currency_is_converted_once_at_the_rate_given(session, user) -> None:
    entry = make_income(
        session, user, currency="EUR", amount_cents=10_000, rate_millionths=1_100_000
    )
    assert (entry.amount_cents, entry.reporting_cents, entry.reporting_currency) == (
        10_000,
        11_000,
        "USD",
    )
    # A later entry at another rate does not change the first one's figure.
    make_income(session, user, currency="EUR", amount_cents=10_000, rate_millionths=1_200_000)
    session.refresh(entry)
    assert entry.reporting_cents == 11_000
    totals = listing.totals(session, user.id, listing.IncomeFilters(), "USD", TODAY)
    assert totals.earned_cents == 23_000


def test_the_last_rate_per_currency_prefills(session, user) -> None:
    make_income(
        session, user, currency="EUR", rate_millionths=1_080_000, earned_on=date(2026, 10, 1)
    )
    make_income(
        session, user, currency="EUR", rate_millionths=1_090_000, earned_on=date(2026, 11, 1)
    )
    make_income(session, user, currency="GBP", rate_millionths=1_270_000)
    assert services.last_rates(session, user.id, "USD") == {"EUR": 1_090_000, "GBP": 1_270_000}


def test_paid_without_a_date_is_paid_on_its_own_date(session, user) -> None:
    entry = make_income(session, user, status=IncomeStatus.PAID, earned_on=date(2026, 11, 2))
    assert entry.paid_on == date(2026, 11, 2)


def test_overdue_is_unpaid_past_its_due_date(session, user) -> None:
    late = make_income(session, user, earned_on=date(2026, 11, 1), due_on=date(2026, 11, 10))
    paid = make_income(
        session, user, earned_on=date(2026, 11, 1), due_on=date(2026, 11, 10),
        status=IncomeStatus.PAID,
    )  # fmt: skip
    assert late.is_overdue(TODAY) and not paid.is_overdue(TODAY)
    assert not late.is_overdue(date(2026, 11, 10))  # due today is not late yet


def test_the_list_rows_carry_what_an_entry_and_its_brand_show(session, user) -> None:
    brand = make_brand(session, user, name="Glow Labs")
    branded = make_income(session, user, earned_on=date(2026, 11, 2), brand="Glow Labs",
                          currency="EUR", amount_cents=10_000, rate_millionths=1_100_000,
                          due_on=date(2026, 11, 10), note="Reel", stream="affiliate",
                          program="Glow Affiliates")  # fmt: skip
    plain = make_income(session, user, earned_on=date(2026, 11, 1), status=IncomeStatus.PAID,
                        due_on=date(2026, 11, 10), paid_on=date(2026, 11, 9))  # fmt: skip
    page = listing.list_page(session, user.id, listing.IncomeFilters(), TODAY, None, 10)
    first, second = page.items
    assert (first.id, first.brand_id, first.brand_name) == (branded.id, brand.id, "Glow Labs")
    assert (first.note, first.program, first.stream) == ("Reel", "Glow Affiliates", "affiliate")
    assert (first.amount_cents, first.currency, first.rate_millionths) == (10_000, "EUR", 1_100_000)
    assert (first.reporting_cents, first.reporting_currency) == (11_000, "USD")
    assert first.status is IncomeStatus.EXPECTED and first.is_overdue(TODAY)
    assert (second.id, second.brand_id, second.brand_name) == (plain.id, None, None)
    assert second.paid_on == date(2026, 11, 9) and not second.is_overdue(TODAY)
    assert not first.is_overdue(date(2026, 11, 10))  # due today is not late yet


def test_totals_are_the_sums_of_the_filtered_entries(session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 1), amount_cents=10_000,
                status=IncomeStatus.PAID)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 30), amount_cents=5_000,
                due_on=date(2026, 11, 30), stream="brand")  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=2_000,
                due_on=date(2026, 11, 6), stream="brand")  # fmt: skip
    make_income(session, user, earned_on=date(2026, 10, 31), amount_cents=99_900)
    november = listing.IncomeFilters(month=(2026, 11))
    totals = listing.totals(session, user.id, november, "USD", TODAY)
    assert (totals.count, totals.earned_cents, totals.paid_cents) == (3, 17_000, 10_000)
    assert (totals.outstanding_cents, totals.overdue_cents) == (7_000, 2_000)
    brand_only = replace(november, stream="brand")
    assert listing.totals(session, user.id, brand_only, "USD", TODAY).earned_cents == 7_000
    overdue = replace(november, status="overdue")
    page = listing.list_page(session, user.id, overdue, TODAY, None, 10)
    assert [e.amount_cents for e in page.items] == [2_000]


NOV_1 = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # (count, earned, paid, outstanding, overdue, in another currency)
        ("", (4, 17_600, 10_000, 7_600, 2_500, 1)),
        ("paid", (1, 10_000, 10_000, 0, 0, 0)),
        ("unpaid", (3, 7_600, 0, 7_600, 2_500, 1)),
        ("overdue", (2, 2_500, 0, 2_500, 2_500, 1)),
        ("invoiced", (1, 2_000, 0, 2_000, 2_000, 0)),
    ],
)
def test_totals_split_paid_owed_and_late_under_every_status_filter(
    session, user, status, expected
) -> None:
    make_income(session, user, earned_on=NOV_1, amount_cents=10_000, status=IncomeStatus.PAID,
                due_on=date(2026, 11, 1))  # fmt: skip
    make_income(session, user, earned_on=NOV_1, amount_cents=2_000, status=IncomeStatus.INVOICED,
                due_on=date(2026, 11, 6))  # fmt: skip
    make_income(session, user, earned_on=NOV_1, amount_cents=500, due_on=date(2026, 11, 19))
    make_income(session, user, earned_on=NOV_1, amount_cents=5_100)  # no due date: owed, never late
    user.currency = "EUR"  # saved after a change of profile currency: in no USD sum
    make_income(session, user, earned_on=NOV_1, amount_cents=7_700, due_on=date(2026, 11, 1))
    totals = listing.totals(session, user.id, listing.IncomeFilters(status=status), "USD", TODAY)
    assert (
        totals.count,
        totals.earned_cents,
        totals.paid_cents,
        totals.outstanding_cents,
        totals.overdue_cents,
        totals.other_currency,
    ) == expected


def test_another_creators_income_is_in_no_total(session, user, other_user) -> None:
    make_income(session, other_user, earned_on=date(2026, 11, 3))
    totals = listing.totals(session, user.id, listing.IncomeFilters(), "USD", TODAY)
    assert totals.count == 0 and totals.earned_cents == 0


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-1", "2026-1", "abcd-ef"])
def test_a_month_that_is_not_one_is_refused(text) -> None:
    with pytest.raises(listing.MonthError):
        listing.parse_month(text)


def test_adding_income_on_the_page_shows_it_in_its_month(logged_in, session, user) -> None:
    response = logged_in.post("/income/new", data=_form(note="first deal"))
    assert response.status_code == 302
    page = logged_in.get("/income/?month=2026-11").get_data(as_text=True)
    assert "first deal" in page and "$450" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "1,2,3"}, "is not an amount"),
        ({"amount": "12.345"}, "is not an amount"),
        ({"amount": "1e5"}, "is not an amount"),
        ({"amount": "-5"}, "can&#39;t be negative"),
        ({"amount": "10000000.01"}, "over 10 million"),
        ({"currency": "EUR"}, "Enter the rate"),
        ({"currency": "EUR", "rate": "0"}, "Enter the rate"),
        ({"due_on": "2026-11-01"}, "due date can&#39;t be before"),
        ({"status": "paid", "paid_on": "2099-01-01"}, "Pick a date between"),
    ],
)
def test_bad_input_on_the_page_is_said_beside_the_field(logged_in, session, user, change, message):
    response = logged_in.post("/income/new", data=_form(**change))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _entries(session, user) == 0


def test_a_paid_date_tomorrow_is_refused_on_the_page(logged_in, session, user, monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
    response = logged_in.post(
        "/income/new", data=_form(earned_on="2026-11-19", status="paid", paid_on="2026-11-21")
    )
    assert "paid date can&#39;t be in the future" in response.get_data(as_text=True)
    assert _entries(session, user) == 0


def test_a_missing_rate_is_filled_with_the_last_one_to_confirm(logged_in, session, user):
    make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    response = logged_in.post("/income/new", data=_form(currency="EUR"))
    assert 'value="1.08"' in response.get_data(as_text=True)
    assert _entries(session, user) == 1


def test_the_csv_neutralises_formulas_and_keeps_the_figures(logged_in, session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 3), note="=HYPERLINK(\"x\")",
                currency="EUR", amount_cents=10_000, rate_millionths=1_100_000)  # fmt: skip
    body = logged_in.get("/income/export.csv?month=2026-11").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["note"].startswith("'=")
    assert (row["amount"], row["rate"], row["reporting_amount"]) == ("100.00", "1.1", "110.00")


def test_the_month_defaults_to_the_creators_this_month(logged_in, session, user, monkeypatch):
    # 23:30 on Nov 30 in Los Angeles is Dec 1 in UTC: the list is November's.
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 1, 7, 30, tzinfo=UTC))
    user.timezone = "America/Los_Angeles"
    session.commit()
    assert "Income in November 2026" in logged_in.get("/income/").get_data(as_text=True)
    logged_in.post("/income/new", data=_form(earned_on=""))  # refused: no date
    form_page = logged_in.get("/income/new").get_data(as_text=True)
    assert 'value="2026-11-30"' in form_page


def test_editing_an_entry_keeps_its_rate_unless_changed(logged_in, session, user) -> None:
    entry = make_income(session, user, currency="EUR", amount_cents=10_000,
                        rate_millionths=1_100_000)  # fmt: skip
    page = logged_in.get(f"/income/{entry.id}/edit").get_data(as_text=True)
    assert 'value="1.1"' in page and 'value="100.00"' in page


def test_a_user_in_euros_reports_in_euros(session) -> None:
    user = make_user(session, currency="EUR")
    entry = make_income(session, user, currency="USD", amount_cents=10_000, rate_millionths=900_000)
    assert (entry.reporting_cents, entry.reporting_currency) == (9_000, "EUR")


def test_a_large_export_is_sent_in_pieces_as_it_is_read(
    logged_in, session, user, monkeypatch
) -> None:
    for day in range(1, 8):
        make_income(session, user, earned_on=date(2026, 11, day), amount_cents=100 * day)
    whole = logged_in.get("/income/export.csv?month=2026-11").get_data(as_text=True)
    monkeypatch.setattr(listing, "EXPORT_BATCH", 3)
    response = logged_in.get("/income/export.csv?month=2026-11")
    assert response.is_streamed
    pieces = [piece for piece in response.response if piece]
    assert len(pieces) >= 4  # the BOM, then a piece per three entries
    assert b"".join(pieces).decode() == whole
    rows = list(csv.DictReader(io.StringIO(whole.lstrip("\ufeff"))))
    assert [row["amount"] for row in rows] == [f"{day}.00" for day in range(1, 8)]
