"""The rate a creator used last for a currency, on income or an expense, starts the next
income or expense form opened in that currency (?currency=EUR), without JavaScript."""

from __future__ import annotations

import re
from datetime import date

import pytest

from crm.income import services
from tests.factories_income import make_expense, make_income


def _rate_field(page: str) -> str:
    """The value the page's exchange-rate input starts with ("" for none)."""
    tag = re.search(r'<input[^>]*name="rate"[^>]*>', page)
    assert tag, "the form has no rate field"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def _currency_picked(page: str) -> str:
    select = re.search(r'<select[^>]*name="currency".*?</select>', page, re.S)
    assert select
    picked = re.search(r'<option selected value="([A-Z]{3})"', select.group(0))
    assert picked, "no currency is picked"
    return picked.group(1)


def test_the_latest_expense_rate_beats_an_older_entrys(session, user) -> None:
    make_income(session, user, currency="EUR", rate_millionths=1_080_000,
                earned_on=date(2026, 10, 1))  # fmt: skip
    make_expense(session, user, currency="EUR", rate_millionths=1_120_000,
                 spent_on=date(2026, 11, 2))  # fmt: skip
    make_income(session, user, currency="GBP", rate_millionths=1_270_000,
                earned_on=date(2026, 11, 5))  # fmt: skip
    make_expense(session, user, currency="GBP", rate_millionths=1_250_000,
                 spent_on=date(2026, 11, 4))  # fmt: skip
    rates = services.last_rates(session, user.id, "USD")
    assert rates == {"EUR": 1_120_000, "GBP": 1_270_000}


def test_on_the_same_day_the_one_saved_later_wins(session, user) -> None:
    day = date(2026, 11, 3)
    make_expense(session, user, currency="EUR", rate_millionths=1_110_000, spent_on=day)
    make_income(session, user, currency="EUR", rate_millionths=1_130_000, earned_on=day)
    assert services.last_rates(session, user.id, "USD") == {"EUR": 1_130_000}


def test_last_rates_is_one_query(session, user, count_queries) -> None:
    for number in range(3):
        make_income(session, user, currency="EUR", rate_millionths=1_080_000 + number)
        make_expense(session, user, currency="CAD", rate_millionths=700_000 + number)
    with count_queries() as counted:
        services.last_rates(session, user.id, "USD")
    assert len(counted) == 1


def test_last_rates_seeks_each_currency_by_its_index(session, user, connection) -> None:
    if connection.dialect.name != "sqlite":
        pytest.skip("the plan's index names are read from SQLite's EXPLAIN QUERY PLAN")
    import sqlalchemy as sa

    seen: list[tuple[str, object]] = []
    catch = lambda _c, _k, statement, parameters, *_: seen.append((statement, parameters))  # noqa: E731
    sa.event.listen(connection, "before_cursor_execute", catch)
    try:
        services.last_rates(session, user.id, "USD")
    finally:
        sa.event.remove(connection, "before_cursor_execute", catch)
    ((statement, parameters),) = [(s, p) for s, p in seen if "UNION ALL" in s]
    plan = " ".join(
        row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    )
    # A seek on (owner, currency) for each table, not a walk back along the owner's dates.
    assert "ix_income_entries_owner_currency (owner_id=? AND currency=?)" in plan
    assert "ix_expenses_owner_currency (owner_id=? AND currency=?)" in plan


@pytest.mark.parametrize("path", ["/income/new", "/income/expenses/new"])
def test_the_form_opened_in_a_currency_starts_at_its_last_rate(
    logged_in, session, user, path
) -> None:
    make_income(session, user, currency="EUR", rate_millionths=1_080_000,
                earned_on=date(2026, 10, 1))  # fmt: skip
    make_expense(session, user, currency="EUR", rate_millionths=1_095_000,
                 spent_on=date(2026, 10, 20))  # fmt: skip
    page = logged_in.get(f"{path}?currency=EUR").get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("EUR", "1.095")
    # ...and after a newer entry, the newer rate.
    make_income(session, user, currency="EUR", rate_millionths=1_101_000,
                earned_on=date(2026, 11, 1))  # fmt: skip
    page = logged_in.get(f"{path}?currency=eur").get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("EUR", "1.101")


@pytest.mark.parametrize("path", ["/income/new", "/income/expenses/new"])
def test_each_last_rate_is_a_link_that_opens_the_form_at_it(logged_in, session, user, path):
    make_expense(session, user, currency="GBP", rate_millionths=1_270_000)
    page = logged_in.get(path).get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("USD", "")
    link = re.search(r'<a href="([^"]*currency=GBP[^"]*)"[^>]*>1 GBP = 1.27 USD</a>', page)
    assert link, "the last GBP rate is not a link"
    opened = logged_in.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert (_currency_picked(opened), _rate_field(opened)) == ("GBP", "1.27")


def test_the_link_keeps_the_stream_and_brand_the_form_was_opened_with(logged_in, session, user):
    make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    page = logged_in.get("/income/new?stream=affiliate&brand_id=7").get_data(as_text=True)
    link = re.search(r'<a href="(/income/new\?[^"]*currency=EUR[^"]*)"', page)
    assert link and "stream=affiliate" in link.group(1) and "brand_id=7" in link.group(1)


@pytest.mark.parametrize("path", ["/income/new", "/income/expenses/new"])
def test_the_reporting_currency_gets_no_rate(logged_in, session, user, path) -> None:
    make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    page = logged_in.get(f"{path}?currency=USD").get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("USD", "")


@pytest.mark.parametrize("path", ["/income/new", "/income/expenses/new"])
@pytest.mark.parametrize("bogus", ["XYZ", "", "E", "%E2%82%AC", "EUR" * 400, "<b>"])
def test_a_bogus_currency_is_ignored(logged_in, session, user, path, bogus) -> None:
    make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    response = logged_in.get(f"{path}?currency={bogus}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("USD", "")


def test_a_currency_never_used_starts_without_a_rate(logged_in, session, user) -> None:
    make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    page = logged_in.get("/income/new?currency=AUD").get_data(as_text=True)
    assert (_currency_picked(page), _rate_field(page)) == ("AUD", "")


def test_an_edit_form_lists_the_rates_without_links(logged_in, session, user) -> None:
    entry = make_income(session, user, currency="EUR", rate_millionths=1_080_000)
    page = logged_in.get(f"/income/{entry.id}/edit").get_data(as_text=True)
    assert "1 EUR = 1.08 USD" in page
    assert "currency=EUR" not in page
