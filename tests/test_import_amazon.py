"""The Amazon Associates reader: ad fees per line, returns negative, currency from the header."""

from __future__ import annotations

from datetime import date

import pytest

from crm.imports.readers import recognise
from crm.imports.readers.amazon import READER
from crm.imports.rows import Earning
from tests.affiliate_tables import read

TITLE = "Fee-Earnings reports from 12-01-2020 to 12-31-2020\n"
ENGLISH = (
    "Category,Name,ASIN,Seller,Tracking ID,Date Shipped,Price($),Items Shipped,Returns,"
    "Revenue($),Ad Fees($),Device Type Group\n"
)
GERMAN = (
    "Kategorie,Name,ASIN,Verkäufer,Tracking-ID,Versanddatum,Preis(€),Versandte Artikel,"
    "Rücksendungen,Umsatz(€),Werbekostenerstattung(€),Gerätetypgruppe\n"
)


def amazon_line(shipped: str = "2020-12-03", fees: str = "1.35", returns: str = "0") -> str:
    """A data line of the English report."""
    return (
        f'Home,"Mug, blue",B000TEST01,Amazon.com,creator-20,{shipped},26.99,1,{returns},'
        f"26.99,{fees},DESKTOP\n"
    )


def test_ad_fees_are_expected_earnings_on_the_day_shipped_in_the_headers_currency() -> None:
    rows, context = read(TITLE + ENGLISH + amazon_line(), READER, preamble_lines=1)
    assert rows == [Earning(date(2020, 12, 3), "Amazon Associates", 135, "USD", paid=False)]
    assert context.skipped == [] and context.warnings == []


def test_a_return_is_a_negative_line_kept_negative() -> None:
    text = TITLE + ENGLISH + amazon_line(fees="1.35") + amazon_line(fees="-1.35", returns="1")
    rows, _ = read(text, READER, preamble_lines=1)
    assert [row.amount_cents for row in rows] == [135, -135]


@pytest.mark.parametrize(
    ("shipped", "day"),
    [
        ("2020-12-03", date(2020, 12, 3)),
        ("2020-12-03 14:05:09", date(2020, 12, 3)),
        ("2020-12-03T14:05:09Z", date(2020, 12, 3)),
        ("12/03/2020", date(2020, 12, 3)),
        ("12-03-2020", date(2020, 12, 3)),
        ('"Dec 3, 2020"', date(2020, 12, 3)),
        ("Dec 31 2025 11:29 AM", date(2025, 12, 31)),
    ],
)
def test_the_shipping_date_in_every_shape_parsers_of_the_report_meet(
    shipped: str, day: date
) -> None:
    rows, context = read(ENGLISH + amazon_line(shipped=shipped), READER)
    assert [row.day for row in rows] == [day], context.skipped


def test_the_german_report_reads_its_names_decimal_commas_and_euros() -> None:
    line = (
        'Küche,"Tasse, blau",B000TEST01,Amazon.de,creator-21,03.12.2020,"1.026,99",1,0,'
        '"1.026,99","51,35",DESKTOP\n'
    )
    rows, context = read(GERMAN + line, READER)
    assert rows == [Earning(date(2020, 12, 3), "Amazon Associates", 5135, "EUR", paid=False)]
    assert context.skipped == []


@pytest.mark.parametrize(("suffix", "currency"), [("£", "GBP"), ("€", "EUR"), ("CAD", "CAD")])
def test_the_currency_comes_from_the_header_name(suffix: str, currency: str) -> None:
    header = ENGLISH.replace("($)", f"({suffix})")
    rows, _ = read(header + amazon_line(), READER)
    assert [row.currency for row in rows] == [currency]


def test_a_header_naming_no_currency_reads_in_the_creators_and_says_so() -> None:
    header = ENGLISH.replace("($)", "").replace("Device Type Group", "Device Type Group,Direct")
    rows, context = read(header + amazon_line().replace("\n", ",Y\n"), READER, currency="GBP")
    assert [row.currency for row in rows] == ["GBP"]
    assert context.warnings == ["The report names no currency: its amounts are read as GBP."]


def test_an_unknown_currency_reads_nothing_and_says_why() -> None:
    rows, context = read(ENGLISH.replace("($)", "(¥)") + amazon_line(), READER)
    assert rows == []
    assert "(¥)" in context.warnings[0]


def test_dollars_are_canadian_for_a_canadian_creator() -> None:
    rows, context = read(ENGLISH + amazon_line(), READER, currency="CAD")
    assert [row.currency for row in rows] == ["CAD"]
    assert context.warnings


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (amazon_line(fees='"1,35"'), "'1,35' is not an amount"),
        (amazon_line(fees="€1.35"), "aren't in USD"),
        (amazon_line(fees="0.00"), "no ad fees"),
        (amazon_line(shipped="31/12/2020"), "the shipping date '31/12/2020'"),
        (amazon_line(shipped="soon"), "the shipping date 'soon'"),
        ("Home,Mug,B000TEST01\n", "has 3 cells"),
    ],
)
def test_a_bad_line_is_skipped_with_its_reason(line: str, reason: str) -> None:
    text = TITLE + ENGLISH + amazon_line() + line + amazon_line()
    rows, context = read(text, READER, preamble_lines=1)
    assert len(rows) == 2
    assert [s.line for s in context.skipped] == [4]
    assert reason in context.skipped[0].reason


def test_the_reports_total_line_and_a_blank_line_are_left_out_quietly() -> None:
    text = ENGLISH + amazon_line() + "Total,,,,,,,1,0,26.99,1.35,\n" + ",,,,,,,,,,,\n"
    rows, context = read(text, READER)
    assert len(rows) == 1
    assert context.skipped == []


def test_the_earnings_header_is_recognised_but_not_the_orders_report() -> None:
    header = ENGLISH.strip().split(",")
    assert recognise([TITLE.strip()], header) is READER
    assert recognise([], GERMAN.strip().split(",")) is READER
    orders = "Category,Name,ASIN,Date,Qty,Price($),Link Type,Tag,Indirect Sales,Device Type Group"
    assert (
        recognise(["Fee-Orders reports from 12-01-2020 to 12-31-2020"], orders.split(",")) is None
    )
