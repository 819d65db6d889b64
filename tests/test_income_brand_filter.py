"""The income list's brand filter (a real select) and the brand page's income section."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from crm.income import listing
from crm.income.models import IncomeStatus
from tests.factories_brands import make_brand
from tests.factories_income import make_income
from tests.pager_links import walk


@pytest.fixture
def two_brands(session, user):
    """Glow Labs with three entries (paid, invoiced and overdue), Sunny Co with one."""
    glow = make_brand(session, user, name="Glow Labs")
    sunny = make_brand(session, user, name="Sunny Co")
    make_brand(session, user, name="Never Paid Us")
    make_income(session, user, brand="Glow Labs", amount_cents=40_000, note="glow-paid",
                status=IncomeStatus.PAID, earned_on=date(2026, 9, 3))  # fmt: skip
    make_income(session, user, brand="Glow Labs", amount_cents=25_000, note="glow-invoiced",
                status=IncomeStatus.INVOICED, earned_on=date(2026, 10, 3))  # fmt: skip
    make_income(session, user, brand="Glow Labs", amount_cents=10_050, note="glow-late",
                earned_on=date(2026, 11, 1), due_on=date(2026, 11, 5))  # fmt: skip
    make_income(session, user, brand="Sunny Co", amount_cents=99_900, note="sunny-paid",
                status=IncomeStatus.PAID, earned_on=date(2026, 11, 2))  # fmt: skip
    make_income(session, user, amount_cents=12_300, note="no-brand", earned_on=date(2026, 11, 4))
    return glow, sunny


def _options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="brand".*?</select>', page, re.S)
    assert select, "the filter has no brand select"
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def _picked(page: str) -> str:
    select = re.search(r'<select[^>]*name="brand".*?</select>', page, re.S)
    assert select
    found = re.search(r"<option selected[^>]*>([^<]*)</option>", select.group(0))
    return found.group(1) if found else ""


def test_the_brand_select_lists_the_brands_earned_from(logged_in, two_brands) -> None:
    page = logged_in.get("/income/?month=all").get_data(as_text=True)
    assert _options(page) == ["Any", "Glow Labs", "Sunny Co"]
    assert _picked(page) in ("", "Any")


def test_filtering_by_brand_shows_its_entries_and_totals(logged_in, two_brands) -> None:
    glow, _ = two_brands
    page = logged_in.get(f"/income/?month=all&brand={glow.id}").get_data(as_text=True)
    assert _picked(page) == "Glow Labs"
    assert "from Glow Labs" in page
    shown = set(re.findall(r"(glow-\w+|sunny-\w+|no-brand)", page))
    assert shown == {"glow-paid", "glow-invoiced", "glow-late"}
    totals = re.search(r'aria-label="Totals">(.*?)</section>', page, re.S).group(1)
    values = re.findall(r'class="value">([^<]*)<', totals)
    # Earned, paid, outstanding, overdue.
    assert values == ["$750.50", "$400", "$350.50", "$100.50"]


def test_the_brand_filter_holds_with_the_month_and_the_export(logged_in, two_brands) -> None:
    glow, _ = two_brands
    page = logged_in.get(f"/income/?month=2026-10&brand={glow.id}").get_data(as_text=True)
    assert set(re.findall(r"glow-\w+|sunny-\w+|no-brand", page)) == {"glow-invoiced"}
    body = logged_in.get(f"/income/export.csv?month=all&brand={glow.id}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert sorted(row["note"] for row in rows) == ["glow-invoiced", "glow-late", "glow-paid"]


def test_the_brand_filter_is_kept_across_pages(app, logged_in, session, user) -> None:
    app.config["PAGE_SIZE"] = 2
    make_brand(session, user, name="Glow Labs")
    glow_id = make_income(session, user, brand="Glow Labs", note="glow-1").brand_id
    for number in range(2, 6):
        make_income(session, user, brand="Glow Labs", note=f"glow-{number}")
        make_income(session, user, note=f"other-{number}")
    pages = walk(logged_in, f"/income/?month=all&brand={glow_id}")
    assert len(pages) == 3
    notes = [note for page in pages for note in re.findall(r"(?:glow|other)-\d", page)]
    assert sorted(notes) == [f"glow-{n}" for n in range(1, 6)]
    # Each page's totals are the whole filter's, not the page's.
    assert all(">5 entries<" in page for page in pages)


@pytest.mark.parametrize("asked", ["theirs", "abc", "0", "-1", "99999999999"])
def test_a_brand_that_is_not_the_creators_is_refused(
    logged_in, session, user, other_user, two_brands, asked
) -> None:
    theirs = make_brand(session, other_user, name="Their Brand")
    make_income(session, other_user, brand="Their Brand", note="their-secret")
    brand = theirs.id if asked == "theirs" else asked
    for path in (f"/income/?month=all&brand={brand}", f"/income/export.csv?brand={brand}"):
        response = logged_in.get(path)
        assert response.status_code == 400, path
        text = response.get_data(as_text=True)
        assert "not one of yours" in text and "their-secret" not in text


def test_a_brand_of_the_creator_without_recent_income_can_still_be_picked(
    logged_in, session, user, monkeypatch
) -> None:
    monkeypatch.setattr(listing, "BRANDS_SCANNED", 2)
    old = make_brand(session, user, name="Old Friend")
    make_brand(session, user, name="Fresh")
    make_income(session, user, brand="Old Friend", note="old-one", earned_on=date(2025, 1, 1))
    for _ in range(2):
        make_income(session, user, brand="Fresh", earned_on=date(2026, 11, 1))
    page = logged_in.get("/income/?month=all").get_data(as_text=True)
    assert _options(page) == ["Any", "Fresh"]  # only the latest entries are walked
    page = logged_in.get(f"/income/?month=all&brand={old.id}").get_data(as_text=True)
    assert _options(page) == ["Any", "Fresh", "Old Friend"] and _picked(page) == "Old Friend"
    assert "old-one" in page


def test_the_brand_page_shows_what_it_paid_and_owes(logged_in, two_brands) -> None:
    glow, sunny = two_brands
    page = logged_in.get(f"/brands/{glow.id}").get_data(as_text=True)
    section = re.search(r'id="income".*?</section>', page, re.S).group(0)
    assert re.findall(r'class="value">([^<]*)<', section) == ["$750.50", "$400", "$350.50"]
    assert "3 entries" in section and "$100.50 of it overdue" in section
    assert f'href="/income/?month=all&amp;brand={glow.id}"' in section
    sunny_page = logged_in.get(f"/brands/{sunny.id}").get_data(as_text=True)
    sunny_section = re.search(r'id="income".*?</section>', sunny_page, re.S).group(0)
    assert re.findall(r'class="value">([^<]*)<', sunny_section) == ["$999", "$999", "$0"]


def test_a_brand_without_income_says_so(logged_in, session, user, two_brands) -> None:
    quiet = make_brand(session, user, name="Quiet Co")
    page = logged_in.get(f"/brands/{quiet.id}").get_data(as_text=True)
    section = re.search(r'id="income".*?</section>', page, re.S).group(0)
    assert "No income from Quiet Co recorded yet" in section
    assert "brand=" not in section
    assert f"/income/new?brand_id={quiet.id}" in section
