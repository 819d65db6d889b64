"""LTK (rewardStyle) earnings export: sale commissions and returns, payouts and their fees."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence

from crm.imports.readers.earnings import find_columns, is_blank, line_fields, parse_day
from crm.imports.rows import Cost, Earning, ReadContext, Row, Table
from crm.money import MoneyError, parse_report_amount

PROGRAM = "LTK"
COLUMNS = {
    "date": "Date",
    "brand": "Brand",
    "type": "Type",
    "publisher": "Publisher",
    "product": "Product",
    "link": "Direct to retailer link",
    "status": "Status",
    "commission": "Commission",
    "payment": "Payment",
}
# Open: earned, not yet paid out; Closed: paid.
STATUSES = {"open": False, "closed": True}
PAYOUT_REASON = "a payout of commissions already counted"


class LtkDialect(csv.excel):
    """LTK escapes a quote inside a field with a backslash (`Tight 25\\"`), never doubles it."""

    escapechar = "\\"
    doublequote = False


# '11/21/25' (M/D/YY, as LTK writes it) or '11/21/2025'.
DAY_SHAPES = ("%m/%d/%y", "%m/%d/%Y")


class LtkReader:
    """Reads an LTK earnings export into earnings (per sale, returns negative) and costs."""

    source = "ltk"
    label = "LTK earnings"

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """The LTK header, whatever its column order."""
        return find_columns(header, COLUMNS) is not None

    def dialect(self) -> type[csv.Dialect]:
        """A default CSV parser breaks on about 150 lines of a real export without this."""
        return LtkDialect

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """Every sale is its own row: identical lines are separate sales, never one."""
        columns = find_columns(table.header, COLUMNS)
        if columns is None:
            context.warn("This isn't an LTK earnings export: its columns don't match.")
            return
        for line in table.lines:
            if is_blank(line):
                continue
            fields = line_fields(line, columns, context)
            if fields is None:
                continue
            try:
                yield _row(fields, context)
            except _Skip as skip:
                context.skip(line.number, str(skip))


class _Skip(Exception):
    """Why a line is left out."""


def _row(fields: dict[str, str], context: ReadContext) -> Row:
    try:
        day = parse_day(fields["date"], DAY_SHAPES)
    except ValueError:
        raise _Skip(f"the date {fields['date']!r} isn't a date like 11/21/25") from None
    kind = fields["type"].casefold()
    if kind == "payment":
        raise _Skip(PAYOUT_REASON)
    if kind == "payment transaction fee":
        cents, currency = _amount(fields["payment"], context)
        return Cost(day, PROGRAM, abs(cents), currency, note="LTK payment transaction fee")
    if kind not in ("sale commission", "sale return"):
        raise _Skip(f"the type {fields['type']!r} isn't one LTK is known to write")
    paid = STATUSES.get(fields["status"].casefold())
    if paid is None:
        raise _Skip(f"the status {fields['status']!r} is neither Open nor Closed")
    cents, currency = _amount(fields["commission"], context)
    # A return takes its commission back, whichever sign the file gives it.
    cents = -abs(cents) if kind == "sale return" else cents
    return Earning(day, PROGRAM, cents, currency, paid, retailer=fields["brand"])


def _amount(text: str, context: ReadContext) -> tuple[int, str]:
    """The cents and currency, the creator's own when no symbol names one."""
    try:
        cents, currency = parse_report_amount(text)
    except MoneyError as error:
        raise _Skip(str(error)) from None
    return cents, currency or context.currency


READER = LtkReader()
