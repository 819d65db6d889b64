"""An XLSX workbook as Tables, one per sheet, every cell as text, read with openpyxl.

openpyxl reads in read-only mode (sheet rows streamed, not loaded) and, with defusedxml
installed, refuses XML entity bombs. A workbook with macros, links to other workbooks or data
connections is refused: we never run or follow anything in an upload.

A formula cell is refused too, with the cell named: we never evaluate a formula, and taking
its text ("=SUM(B2:B9)") or its cached value (which any tool writing the file may set to
anything) would import a figure the creator never saw in that cell. Pasting the sheet as
values fixes it. A text cell that merely starts with "=" is text, as in a CSV.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from typing import Any, BinaryIO

from crm.imports import readers
from crm.imports.limits import Limits, size_text
from crm.imports.rows import Found, Line, Table, UnreadableFile

HEAD_ROWS = 8
CONTENT_TYPES = "[Content_Types].xml"
WORKBOOK = "xl/workbook.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"


def is_workbook(names: set[str]) -> bool:
    """Whether a ZIP with these member names is an XLSX workbook."""
    return CONTENT_TYPES in names and WORKBOOK in names


def refuse_active_content(label: str, archive: zipfile.ZipFile) -> None:
    """Refuse macros, external links and data connections, from the workbook's parts."""
    names = archive.namelist()
    with archive.open(CONTENT_TYPES) as handle:
        content_types = handle.read(1024 * 1024).decode("utf-8", "replace").lower()
    if "macroenabled" in content_types or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        raise UnreadableFile(
            f"{label} holds macros, which we never run: save it as a plain .xlsx "
            "workbook (or CSV) and upload that."
        )
    if any(name.startswith(("xl/externalLinks/", "xl/connections.xml")) for name in names):
        raise UnreadableFile(
            f"{label} links to other files or data sources: copy the sheet and paste it as "
            "values into a new workbook, save it, and upload that."
        )


def check_shared_strings(label: str, archive: zipfile.ZipFile, limits: Limits) -> None:
    """openpyxl keeps every shared string in memory, so their part has its own limit."""
    try:
        size = archive.getinfo(SHARED_STRINGS).file_size
    except KeyError:
        return
    if size > limits.shared_strings_bytes:
        raise UnreadableFile(
            f"{label} holds {size_text(size)} of text; an import takes up to "
            f"{size_text(limits.shared_strings_bytes)}: export a shorter date range."
        )


def workbook_tables(
    label: str, stream: BinaryIO, limits: Limits, source: str | None
) -> Iterator[Found]:
    """Each sheet of the workbook (its directory already checked) as a table."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # Workbooks from export tools lack styles openpyxl warns about; harmless here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(stream, read_only=True, data_only=False, keep_links=False)
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise UnreadableFile(_damaged(label, error)) from None
    for sheet in workbook.worksheets:
        found = _sheet_table(label, sheet, limits, source)
        if found is not None:
            yield found


def _sheet_table(label: str, sheet: Any, limits: Limits, source: str | None) -> Found | None:
    where = f"{label}, sheet {sheet.title}"
    # The stored dimension may claim all 16,384 columns; size each row by its own cells.
    sheet.reset_dimensions()
    rows = _rows(where, sheet, limits)
    first = list(islice(rows, HEAD_ROWS))
    if not first:
        return None  # an empty sheet (a workbook's unused Sheet2) holds no table
    index = next((i for i, line in enumerate(first) if _filled(line.cells) >= 2), 0)
    preamble = [next(c.strip() for c in line.cells if c.strip()) for line in first[:index]]
    header = first[index].cells
    reader = readers.recognise(preamble, header, source)
    lines = chain(first[index + 1 :], rows)
    return Found(Table(sheet.title, preamble, header, lines), reader)


def _rows(where: str, sheet: Any, limits: Limits) -> Iterator[Line]:
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = [_cell_text(where, cell) for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > limits.columns:
                raise UnreadableFile(
                    f"{where}, row {number} has {len(cells):,} columns; an import takes up "
                    f"to {limits.columns:,}: this isn't an export we know."
                )
            yield Line(number, cells)
    except UnreadableFile:
        raise
    except Exception as error:  # a malformed sheet surfaces only as it is streamed
        raise UnreadableFile(_damaged(where, error)) from None


def _cell_text(where: str, cell: Any) -> str:
    if cell.data_type == "f":
        formula = str(cell.value)[:40]
        raise UnreadableFile(
            f"{where}, cell {cell.coordinate} holds a formula ({formula}), and we never run "
            "formulas: copy the sheet, paste it as values, save, and upload again."
        )
    return cell_text(cell.value)


def cell_text(value: object) -> str:
    """A cell's value as the text a person reads in it: 12 not 12.0, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # repr is the shortest text that round-trips (0.1, not 0.1000000000000000055).
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        # Excel keeps times as fractions of a day; round off the float noise to a second.
        value = (value + timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _filled(cells: list[str]) -> int:
    return sum(1 for cell in cells if cell.strip())


def _damaged(label: str, error: Exception) -> str:
    return (
        f"{label} can't be read as a workbook ({type(error).__name__}): open it in a "
        "spreadsheet app, save it again as .xlsx (or CSV), and upload that."
    )
