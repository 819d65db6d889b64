"""The LTK earnings reader: sales and returns as earnings, payouts left out, fees as costs."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.imports.readers import recognise
from crm.imports.readers.ltk import PAYOUT_REASON, READER
from crm.imports.rows import Cost, Earning
from crm.money import MoneyError, parse_report_amount
from tests.affiliate_tables import read, samples, table

HEADER = "Date,Brand,Type,Publisher,Product,Direct to retailer link,Status,Commission,Payment\n"


def ltk_line(
    day: str = "11/21/25",
    brand: str = "Nike (US)",
    kind: str = "Sale commission",
    product: str = "Free Metcon 6",
    status: str = "Open",
    commission: str = "$8.42",
    payment: str = "",
) -> str:
    """A data line as LTK writes it: every field quoted but the date."""
    cells = [brand, kind, "A Creator", product, "https://rstyle.me/+abc", status, commission]
    return day + "," + ",".join(f'"{cell}"' for cell in [*cells, payment]) + "\n"


def test_sale_commissions_are_earnings_at_their_brand_open_expected_closed_paid() -> None:
    text = HEADER + ltk_line(status="Open") + ltk_line("10/3/25", "Target", status="Closed")
    rows, context = read(text, READER)
    assert rows == [
        Earning(date(2025, 11, 21), "LTK", 842, "USD", False, retailer="Nike (US)"),
        Earning(date(2025, 10, 3), "LTK", 842, "USD", True, retailer="Target"),
    ]
    assert context.skipped == []


def test_a_return_is_a_negative_earning_whichever_sign_the_file_gives() -> None:
    text = (
        HEADER
        + ltk_line(kind="Sale return", commission="-$4.99")
        + ltk_line(kind="Sale return", commission="$2.00")
    )
    rows, _ = read(text, READER)
    assert [row.amount_cents for row in rows] == [-499, -200]


def test_identical_lines_are_separate_sales_never_collapsed() -> None:
    rows, _ = read(HEADER + ltk_line(commission="$0.78") * 9, READER)
    assert len(rows) == 9
    assert sum(row.amount_cents for row in rows) == 9 * 78


def test_a_payout_is_skipped_as_already_counted_and_its_fee_is_a_cost() -> None:
    payout = ltk_line(brand="", kind="Payment", status="Closed", commission="", payment="$2,182.97")
    fee = ltk_line(
        "11/7/25", "", "Payment transaction fee", status="Closed", commission="", payment="$1.00"
    )
    rows, context = read(HEADER + payout + fee, READER)
    assert rows == [Cost(date(2025, 11, 7), "LTK", 100, "USD", note="LTK payment transaction fee")]
    assert [(s.line, s.reason) for s in context.skipped] == [(2, PAYOUT_REASON)]


def test_a_quote_escaped_with_a_backslash_stays_inside_its_field() -> None:
    text = HEADER + ltk_line(product='Align High-Rise Pant 25\\"', commission="$13.44")
    found = table(text, READER)
    (line,) = list(found.lines)
    assert line.cells[4] == 'Align High-Rise Pant 25"'
    assert len(line.cells) == 9
    # Without the dialect the same line splits wrongly: the reason the reader names one.
    assert len(next(csv.reader(io.StringIO(text.splitlines()[1])))) != 9


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (ltk_line(commission="$8,42"), "'$8,42' is not an amount"),
        (ltk_line(commission="¥842"), "currency (¥)"),
        (ltk_line(kind="Bonus"), "the type 'Bonus'"),
        (ltk_line(day="21/11/25"), "the date '21/11/25'"),
        (ltk_line(day="yesterday"), "the date 'yesterday'"),
        (ltk_line(status="Pending"), "the status 'Pending'"),
        ('11/21/25,"Nike (US)","Sale commission"\n', "has 3 cells"),
    ],
)
def test_a_bad_line_is_skipped_with_its_reason_and_the_rest_read(line: str, reason: str) -> None:
    rows, context = read(HEADER + ltk_line() + line + ltk_line(), READER)
    assert len(rows) == 2
    assert [s.line for s in context.skipped] == [3]
    assert reason in context.skipped[0].reason


def test_an_amount_without_a_symbol_is_in_the_creators_currency() -> None:
    rows, _ = read(HEADER + ltk_line(commission="8.42"), READER, currency="EUR")
    assert [(row.amount_cents, row.currency) for row in rows] == [(842, "EUR")]


def test_a_blank_trailing_line_is_not_a_skipped_line() -> None:
    rows, context = read(HEADER + ltk_line() + ",,,,,,,,\n", READER)
    assert len(rows) == 1
    assert context.skipped == []


def test_the_header_is_recognised_in_any_order_and_only_it() -> None:
    header = HEADER.strip().split(",")
    assert recognise([], header) is READER
    assert recognise([], list(reversed(header)), source="ltk") is READER
    assert recognise([], header[:-1]) is None
    assert recognise([], header, source="amazon") is not READER


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_any_cents_amount_written_the_ltk_way_reads_back(cents: int) -> None:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    text = f"{sign}${whole:,}.{part:02d}"
    assert parse_report_amount(text) == (cents, "USD")


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_any_cents_amount_written_the_german_way_reads_back(cents: int) -> None:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    text = f"{sign}{whole:,}".replace(",", ".") + f",{part:02d} €"
    assert parse_report_amount(text, decimal=",") == (cents, "EUR")


@pytest.mark.parametrize("text", ["$1,2,3", "$12.345", "$", "1e5", "--$1", "$1.00€", "12 34"])
def test_text_that_is_no_amount_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_report_amount(text)


SAMPLE = samples() / "ltk" / "LTK-earnings-export-09-30-2025-11-21-2025.csv"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the real LTK export isn't next to the project")
def test_the_real_export_reads_every_sale_return_payout_and_fee() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    rows, context = read(text, READER)
    kinds = Counter(
        "fee" if isinstance(row, Cost) else "return" if row.amount_cents < 0 else "sale"
        for row in rows
    )
    assert kinds == {"sale": 1344, "return": 219, "fee": 6}
    assert Counter(s.reason for s in context.skipped) == {PAYOUT_REASON: 7}
    assert sum(row.amount_cents for row in rows if isinstance(row, Earning)) == 631003
    assert {row.currency for row in rows} == {"USD"}
