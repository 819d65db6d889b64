"""TikTok tables as a reader sees them, built from CSV text like the real exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date

from crm.imports.readers import recognise
from crm.imports.rows import DayStats, Line, ReadContext, Reader, Row, Table


def studio_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A file as TikTok Studio writes it: a BOM, every field quoted, no final newline."""
    lines = [",".join(f'"{cell}"' for cell in line) for line in [header, *rows]]
    return "\ufeff" + "\n".join(lines)


def as_table(text: str, name: str = "export.csv") -> Table:
    """What the file layer hands a reader: header and numbered lines (BOM gone, like utf-8-sig)."""
    parsed = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(parsed)

    def lines() -> Iterator[Line]:
        for cells in parsed:
            yield Line(parsed.line_num, cells)

    return Table(name, [], header, lines())


def read(
    text: str, today: date = date(2026, 3, 5), ends_on: date | None = None
) -> tuple[Reader, list[Row], ReadContext]:
    """Recognise the table by its header, and read it."""
    table = as_table(text)
    reader = recognise(table.preamble, table.header)
    assert reader is not None, f"no reader for {table.header}"
    context = ReadContext(today=today, ends_on=ends_on)
    return reader, list(reader.read(table, context)), context


def days(rows: list[Row]) -> list[date]:
    return [row.day for row in rows if isinstance(row, DayStats)]
