"""Expenses, net per month and year, the year summary and its CSV (page and command line)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest

from crm import database
from crm.creation_tokens import new_token
from crm.income import expenses
from crm.income.models import ExpenseCategory, IncomeStatus
from crm.income.report import month_report
from crm.income.services import IncomeError
from crm.income.year import year_summary
from crm.market.seed import installed_market
from tests.factories_income import TODAY, make_expense, make_income

MARKET = installed_market()


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def _year(session, user):
    make_income(session, user, earned_on=date(2026, 1, 15), amount_cents=20_000,
                status=IncomeStatus.PAID)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 1, 31), amount_cents=5_000, stream="affiliate")
    make_income(session, user, earned_on=date(2026, 3, 1), amount_cents=10_000, currency="EUR",
                rate_millionths=1_100_000, stream="brand")  # fmt: skip
    make_income(session, user, earned_on=date(2025, 12, 31), amount_cents=99_900)
    make_expense(session, user, spent_on=date(2026, 1, 3), amount_cents=3_000)
    make_expense(session, user, spent_on=date(2026, 3, 9), amount_cents=1_000,
                 category=ExpenseCategory.TRAVEL)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount_cents": 0}, "amount"),
        ({"currency": "EUR"}, "rate"),
        ({"spent_on": TODAY + timedelta(days=1)}, "spent_on"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_a_bad_expense_is_refused_by_its_field(session, user, change, field) -> None:
    values = {"spent_on": date(2026, 11, 1), "amount_cents": 100, "currency": "USD", **change}
    with pytest.raises(IncomeError) as refused:
        expenses.save_expense(session, user, None, expenses.ExpenseData(**values), TODAY)
    assert refused.value.field == field


def test_the_month_takes_its_expenses_off_for_the_net(session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=50_000)
    make_expense(session, user, spent_on=date(2026, 11, 5), amount_cents=4_999)
    make_expense(session, user, spent_on=date(2026, 10, 31), amount_cents=100_000)
    report = month_report(session, user, 2026, 11, TODAY, MARKET)
    assert (report.expenses_cents, report.net_cents) == (4_999, 45_001)


def test_the_year_sums_by_stream_and_by_month_with_expenses_and_net(session, user) -> None:
    _year(session, user)
    summary = year_summary(session, user, 2026)
    january, march = summary.months[0], summary.months[2]
    assert january.by_stream == {"ugc": 20_000, "affiliate": 5_000}
    assert (january.earned_cents, january.paid_cents, january.expenses_cents) == (
        25_000,
        20_000,
        3_000,
    )
    assert (march.earned_cents, march.net_cents) == (11_000, 10_000)  # EUR 100 at 1.10
    assert summary.streams == {"ugc": 20_000, "affiliate": 5_000, "brand": 11_000}
    assert (summary.earned_cents, summary.expenses_cents, summary.net_cents) == (
        36_000,
        4_000,
        32_000,
    )
    assert summary.expenses_by_category == {"software": 3_000, "travel": 1_000}


def test_the_year_csv_has_a_row_a_month_and_the_totals(logged_in, session, user) -> None:
    _year(session, user)
    body = logged_in.get("/income/year.csv?year=2026").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header, months, total = rows[0], rows[1:13], rows[13]
    assert header[0] == "month" and header[-3:] == ["expenses", "net", "currency"]
    assert [row[0] for row in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    column = dict(zip(header, months[0], strict=True))
    assert (column["UGC deals"], column["Affiliate"], column["income"]) == (
        "200.00",
        "50.00",
        "250.00",
    )
    assert (column["expenses"], column["net"]) == ("30.00", "220.00")
    totals = dict(zip(header, total, strict=True))
    assert (totals["month"], totals["income"], totals["net"]) == ("total", "360.00", "320.00")
    cli = logged_in.application.test_cli_runner().invoke(
        args=["report", "year", "--user", user.email, "--year", "2026", "--csv"]
    )
    assert cli.exit_code == 0 and cli.output.replace("\r\n", "\n") == body.lstrip("\ufeff").replace(
        "\r\n", "\n"
    )


def test_the_year_json_and_a_bad_year(runner, session, user) -> None:
    _year(session, user)
    out = runner.invoke(args=["report", "year", "--user", user.email, "--year", "2026", "--json"])
    data = json.loads(out.output)
    assert (data["income"], data["expenses"], data["net"]) == (360, 40, 320)
    assert data["months"][2]["streams"] == {"brand": 110}
    bad = runner.invoke(args=["report", "year", "--user", user.email, "--year", "20266"])
    assert bad.exit_code == 2 and bad.output.startswith("Error:")


def test_expenses_on_the_page(logged_in, session, user) -> None:
    response = logged_in.post("/income/expenses/new", data={
        "spent_on": "2026-11-03", "amount": "49.99", "currency": "USD", "rate": "",
        "category": "software", "note": "editing app", "token": new_token(),
    })  # fmt: skip
    assert response.status_code == 302
    page = logged_in.get("/income/expenses/?month=2026-11").get_data(as_text=True)
    assert "editing app" in page and "$49.99" in page
    refused = logged_in.post("/income/expenses/new", data={
        "spent_on": "2026-11-03", "amount": "12.345", "currency": "USD", "category": "software",
        "token": new_token(),
    })  # fmt: skip
    assert refused.status_code == 200 and "is not an amount" in refused.get_data(as_text=True)
    year = logged_in.get("/income/year?year=2026").get_data(as_text=True)
    assert "2026: income, expenses and net" in year and "$49.99" in year


@pytest.mark.parametrize("year", ["1999", "2101", "20x6", "-5", "99999999999999999999"])
@pytest.mark.parametrize("path", ["/income/year", "/income/year.csv"])
def test_a_year_out_of_range_is_refused_not_swapped_for_this_one(logged_in, path, year) -> None:
    response = logged_in.get(f"{path}?year={year}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Pick a year from 2000 to 2100." in body and "text/html" in response.content_type


@pytest.mark.parametrize(
    ("query", "said"),
    [("month=2026-13", "Month:"), ("month=junk", "Month:"), ("stream=nope", "Stream:"),
     ("status=lost", "Status:")],
)  # fmt: skip
def test_the_income_csv_refuses_a_filter_it_cannot_read(logged_in, query, said) -> None:
    response = logged_in.get(f"/income/export.csv?{query}")
    assert response.status_code == 400 and "text/html" in response.content_type
    assert said in response.get_data(as_text=True)
    assert logged_in.get("/income/export.csv?month=2026-11").status_code == 200


def test_the_first_and_last_years_link_only_inward(logged_in) -> None:
    first = logged_in.get("/income/year?year=2000").get_data(as_text=True)
    assert 'rel="prev"' not in first and "year=2001" in first
    last = logged_in.get("/income/year?year=2100").get_data(as_text=True)
    assert 'rel="next"' not in last and "year=2099" in last


def test_the_page_shows_the_years_streams_and_the_csv_every_stream(logged_in, session, user):
    _year(session, user)
    page = logged_in.get("/income/year?year=2026").get_data(as_text=True)
    header = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    shown = [
        cell for cell in ("Affiliate", "UGC deals", "Series", "Subscriptions") if cell in header
    ]
    assert shown == ["Affiliate", "UGC deals"]
    assert "Expenses" in header and "Net" in header
    body = logged_in.get("/income/year.csv?year=2026").get_data(as_text=True)
    assert "Series" in body.splitlines()[0] and "Subscriptions" in body.splitlines()[0]
