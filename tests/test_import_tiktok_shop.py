"""The TikTok Shop affiliate orders reader: one earning per order and SKU, paid once settled."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from crm.imports.readers import recognise
from crm.imports.readers.tiktok_shop import (
    ENGLISH,
    INELIGIBLE_REASON,
    READER,
    Language,
    TikTokShopReader,
)
from crm.imports.rows import Earning
from tests.affiliate_tables import read

# The columns an earning needs, among others the export carries (45 in all).
NEEDED = {
    "Order ID": "577001",
    "SKU ID": "1729001",
    "Product name": "Glow serum, 30ml",
    "Currency": "GBP",
    "Order settlement status": "Settled",
    "Total final earned amount": "1,234.56",
    "Order date": "28/06/2026 09:15:02",
    "Commission settlement date": "05/07/2026 00:00:00",
}
OTHERS = {
    "Product ID": "1729",
    "Items sold": "1",
    "Items refunded": "0",
    "GMV": "12,345.60",
    "Standard affiliate partner commission rate": "10%",
    "Shop code": "GBLCX",
    "Content Type": "Video",
    **{f"Column {n}": "/" for n in range(30)},
}


def export(*lines: dict[str, str]) -> str:
    """The export as CSV: a header of ~45 columns and a line per order and SKU."""
    out = io.StringIO()
    writer = csv.DictWriter(out, [*OTHERS, *NEEDED], lineterminator="\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({**OTHERS, **NEEDED, **line})
    return out.getvalue()


def test_a_settled_line_is_a_paid_earning_on_its_settlement_day_keyed_by_order_and_sku() -> None:
    rows, context = read(export({}), READER)
    assert rows == [
        Earning(date(2026, 7, 5), "TikTok Shop", 123456, "GBP", True, key="577001:1729001")
    ]
    assert context.skipped == []


@pytest.mark.parametrize("status", ["Pending", "Awaiting Payment", "awaiting payment"])
def test_an_unsettled_line_is_expected_on_its_order_day(status: str) -> None:
    line = {"Order settlement status": status, "Commission settlement date": "/"}
    rows, _ = read(export(line), READER)
    assert [(row.paid, row.day) for row in rows] == [(False, date(2026, 6, 28))]


def test_a_settled_line_without_its_settlement_date_falls_back_to_the_order_day() -> None:
    rows, _ = read(export({"Commission settlement date": "/"}), READER)
    assert [(row.paid, row.day) for row in rows] == [(True, date(2026, 6, 28))]


def test_dates_are_day_first_even_where_month_first_would_also_read() -> None:
    line = {"Order date": "03/04/2026 10:00:00", "Order settlement status": "Pending"}
    rows, _ = read(export(line), READER)
    assert [row.day for row in rows] == [date(2026, 4, 3)]


def test_an_ineligible_line_is_skipped_with_its_reason() -> None:
    rows, context = read(export({"Order settlement status": "Ineligible"}), READER)
    assert rows == []
    assert [(s.line, s.reason) for s in context.skipped] == [(2, INELIGIBLE_REASON)]


def test_two_skus_of_one_order_are_two_earnings_a_repeated_line_is_not() -> None:
    text = export({}, {"SKU ID": "1729002", "Total final earned amount": "1.00"}, {})
    rows, context = read(text, READER)
    assert [row.key for row in rows] == ["577001:1729001", "577001:1729002"]
    assert [(s.line, s.reason) for s in context.skipped] == [
        (4, "the same order and SKU as line 2")
    ]


def test_a_clawback_is_a_negative_earning() -> None:
    rows, _ = read(export({"Total final earned amount": "-3.20"}), READER)
    assert [row.amount_cents for row in rows] == [-320]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"Total final earned amount": "12.345"}, "'12.345' is not an amount"),
        ({"Total final earned amount": "$1.00"}, "isn't in GBP"),
        ({"Order settlement status": "Refunded"}, "the settlement status 'Refunded'"),
        ({"Currency": "pounds"}, "the currency 'pounds'"),
        ({"Commission settlement date": "2026-07-05"}, "the date '2026-07-05'"),
        ({"Order date": "31/02/2026 10:00:00"}, "the date '31/02/2026 10:00:00'"),
        ({"Order date": "/", "Commission settlement date": "/"}, "no order date"),
        ({"SKU ID": ""}, "no order ID or SKU ID"),
    ],
)
def test_a_bad_line_is_skipped_with_its_reason(line: dict[str, str], reason: str) -> None:
    text = export({"Order ID": "1"}, {"Order ID": "2", **line}, {"Order ID": "3"})
    rows, context = read(text, READER)
    assert [row.key.split(":")[0] for row in rows] == ["1", "3"]
    assert [s.line for s in context.skipped] == [3]
    assert reason in context.skipped[0].reason


def test_a_translated_header_is_one_more_language_table() -> None:
    # A made-up language stands in for a real translation: the test is of the structure.
    pirate = Language(
        "Pirate",
        {field: f"Arr {name}" for field, name in ENGLISH.columns.items()},
        {"booty": True, "sailin": False},
        frozenset({"walked the plank"}),
        decimal=",",
    )
    reader = TikTokShopReader([ENGLISH, pirate])
    names = {name: f"Arr {name}" for name in NEEDED}
    line = {**NEEDED, "Order settlement status": "Booty", "Total final earned amount": "1.234,56"}
    text = (
        ",".join(names[name] for name in NEEDED)
        + "\n"
        + ",".join(f'"{line[name]}"' for name in NEEDED)
    )
    assert reader.recognises([], list(names.values()))
    assert not READER.recognises([], list(names.values()))
    rows, context = read(text + "\n", reader)
    assert [(row.amount_cents, row.paid) for row in rows] == [(123456, True)], context.skipped


def test_the_export_is_recognised_by_its_columns_alone() -> None:
    header = [*OTHERS, *NEEDED]
    assert recognise([], header) is READER
    assert recognise([], [name for name in header if name != "SKU ID"]) is None
