"""Any other CSV of income: the creator says which column holds the date, the amount, the
stream, the brand and a note; the mapping is remembered per header layout.

Unlike the named sources, this reader is made per upload from a `ColumnMapping`, so it is not
in READERS: the import page builds it once the creator has mapped the columns.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from crm.imports.readers import earnings
from crm.imports.readers.earnings import header_name, is_blank
from crm.imports.rows import IncomeLine, Line, ReadContext, Row, Table
from crm.money import MAX_CENTS, MoneyError, parse_report_amount

SOURCE = "csv"
BRAND_MAX = 200  # brands.name
NOTE_MAX = 500  # income_entries.note
FIELDS = ("day", "amount", "stream", "brand", "note")
DAY_ORDERS = {
    "ymd": "year first (2026-03-04)",
    "mdy": "month first (3/4/2026)",
    "dmy": "day first (4/3/2026)",
}
STATUSES = {"paid": "Paid", "expected": "Not paid yet"}
_NUMERIC_SHAPES = {
    "ymd": ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"),
    "mdy": ("%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%m.%d.%Y"),
    "dmy": ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"),
}
# A four-digit year first, or a month name, carries no order to guess: these read the same
# whichever order was picked.
_UNAMBIGUOUS = (
    "%Y-%m-%d",
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
)
DAY_SHAPES = {order: (*shapes, *_UNAMBIGUOUS) for order, shapes in _NUMERIC_SHAPES.items()}
# ISO with a time (2026-03-04T10:00:00, 2026-03-04 10:00): the date part is the day.
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{1,2}:\d{2}")


def layout_key(header: Sequence[str]) -> str:
    """The header layout a mapping is remembered under: its names, folded, in order, hashed."""
    names = "\x1f".join(header_name(cell) for cell in header)
    return hashlib.sha256(names.encode()).hexdigest()


@dataclass(frozen=True)
class ColumnMapping:
    """Which header names hold what. `stream` None: every line is `default_stream`."""

    day: str
    amount: str
    stream: str | None = None
    brand: str | None = None
    note: str | None = None
    default_stream: str = "other"
    day_order: str = "ymd"
    decimal: str = "."  # "," for amounts written 1.234,56
    status: str = "paid"  # the lines' status: "paid", or "expected" (not paid yet)

    def columns(self, header: Sequence[str]) -> dict[str, int] | None:
        """Where each mapped column is in `header` (field -> index); None when one is gone."""
        positions = {header_name(cell): i for i, cell in enumerate(header)}
        found = {}
        for field in FIELDS:
            name = getattr(self, field)
            if name is None:
                continue
            index = positions.get(header_name(name))
            if index is None:
                return None
            found[field] = index
        return found


# What a mapping holds, by name: the forms that carry one and the kept copy follow these.
MAPPING_FIELDS = tuple(field.name for field in fields(ColumnMapping))


def parse_day(text: str, day_order: str) -> date:
    """The date in `text`, numeric in the given order or with a month name; ValueError else."""
    cleaned = " ".join(text.split())
    if match := _ISO_TIME.match(cleaned):
        cleaned = match[1]
    return earnings.parse_day(cleaned, DAY_SHAPES[day_order])


class MappedReader:
    """Reads a creator's own income CSV through their column mapping into income lines."""

    label = "Your CSV of income"

    def __init__(self, mapping: ColumnMapping, streams: Mapping[str, str], layout: str) -> None:
        # streams: stream key -> label, from the market; a cell may give either.
        # The source names the layout: a later export of the same layout replaces the days
        # it covers again, while a CSV from somewhere else (another layout) never does.
        self.source = f"{SOURCE}-{layout[:12]}"
        self.mapping = mapping
        self.streams = streams
        self._stream_names = {header_name(k): k for k in streams} | {
            header_name(label): key for key, label in streams.items()
        }

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """Any header holding every mapped column."""
        return self.mapping.columns(header) is not None

    def dialect(self) -> type[csv.Dialect] | None:
        return None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        columns = self.mapping.columns(table.header)
        if columns is None:
            context.warn("The file's columns changed since they were mapped: map them again.")
            return
        needed = max(columns.values()) + 1
        for line in table.lines:
            if is_blank(line):
                continue
            if len(line.cells) < needed:
                context.skip(
                    line.number, f"has {len(line.cells)} cells, the mapping needs {needed}"
                )
                continue
            row = self._line(line, columns, context)
            if row is not None:
                yield row

    def _line(self, line: Line, columns: dict[str, int], context: ReadContext) -> Row | None:
        cell = {field: line.cells[index].strip() for field, index in columns.items()}
        try:
            day = parse_day(cell["day"], self.mapping.day_order)
        except ValueError:
            order = DAY_ORDERS[self.mapping.day_order]
            context.skip(line.number, f"the date {cell['day']!r} isn't a date written {order}")
            return None
        if day > context.today:
            context.skip(line.number, f"the date {day.isoformat()} is in the future")
            return None
        try:
            cents, currency = parse_report_amount(cell["amount"], self.mapping.decimal)
        except MoneyError as error:
            context.skip(line.number, str(error))
            return None
        if cents <= 0:
            # Income is money in: a refund or fee is an expense, entered as one.
            what = "no money" if cents == 0 else "money out"
            context.skip(line.number, f"{cell['amount']!r} is {what}; only income is imported")
            return None
        if cents > MAX_CENTS:
            context.skip(line.number, f"{cell['amount']!r} is more than one line of income can be")
            return None
        stream = self._stream(cell.get("stream"), line.number, context)
        if stream is None:
            return None
        brand, note = cell.get("brand", ""), cell.get("note", "")
        if len(brand) > BRAND_MAX or len(note) > NOTE_MAX:
            what = "brand" if len(brand) > BRAND_MAX else "note"
            most = BRAND_MAX if what == "brand" else NOTE_MAX
            context.skip(line.number, f"its {what} is longer than {most} characters")
            return None
        return IncomeLine(
            day=day,
            amount_cents=cents,
            currency=currency or context.currency,
            stream=stream,
            brand=brand,
            note=note,
            paid=self.mapping.status != "expected",
        )

    def _stream(self, text: str | None, number: int, context: ReadContext) -> str | None:
        if text is None or not text:
            return self.mapping.default_stream
        key = self._stream_names.get(header_name(text))
        if key is None:
            known = ", ".join(self.streams.values())
            context.skip(number, f"the stream {text!r} isn't one of {known}")
        return key
