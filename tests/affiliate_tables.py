"""Synthetic report text into a `Table`, parsed as the file layer would, for the reader tests."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

from crm.imports.rows import Line, ReadContext, Reader, Row, Table

TODAY = date(2025, 11, 22)


def table(text: str, reader: Reader, preamble_lines: int = 0, delimiter: str = ",") -> Table:
    """The text's table: its first `preamble_lines` lines as the preamble, then the header."""
    lines = text.splitlines(keepends=True)
    preamble = [line.rstrip("\r\n") for line in lines[:preamble_lines]]
    dialect = reader.dialect() or csv.excel
    rows = csv.reader(io.StringIO("".join(lines[preamble_lines:])), dialect, delimiter=delimiter)
    header = next(rows)
    first = preamble_lines + 2
    return Table("report.csv", preamble, header, (Line(first + i, c) for i, c in enumerate(rows)))


def read(
    text: str, reader: Reader, preamble_lines: int = 0, **context: object
) -> tuple[list[Row], ReadContext]:
    """The rows the reader finds in `text`, and the context holding what it skipped and why."""
    found = table(text, reader, preamble_lines)
    ctx = ReadContext(today=TODAY, **context)  # type: ignore[arg-type]
    return list(reader.read(found, ctx)), ctx


def samples() -> Path:
    """The real export files next to the project (or CRM_SAMPLES): reference, never copied."""
    configured = os.environ.get("CRM_SAMPLES")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "samples"
