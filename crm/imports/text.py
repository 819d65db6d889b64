"""A CSV or TSV upload (or ZIP member) as a Table: its encoding, delimiter, title lines, rows.

Encodings are told from the bytes: UTF-8 with or without a byte-order mark, or UTF-16 with one
(Meta's exports). Bytes that are not UTF-8 and hold no NUL are what Excel on Windows saves as
"CSV": they are read as Windows-1252 (Western), and the preview says so, so the creator checks
the accents. A NUL without a byte-order mark (UTF-16 without one, a binary) is refused.

A cell starting with "=", "+", "-" or "@" is just text here: nothing is ever evaluated (our own
CSV downloads guard against formula injection in crm/downloads.py).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice

from crm.imports import readers
from crm.imports.limits import LimitedBytes, Limits
from crm.imports.rows import Found, Line, Reader, Table, UnreadableFile

HEAD_BYTES = 4096
# A title line or two (Amazon's "Fee-Earnings reports from ...", Meta's "sep=," and a metric
# name) come before the header; more than this and it isn't an export we know.
HEAD_LINES = 8
DELIMITERS = (",", "\t", ";")
# Excel's own hint on the first line, which Meta's exports carry: `sep=,`.
SEP_LINE = re.compile(r"sep=(.)")

# Magic numbers of files creators upload by mistake, so the message can say what it is.
NOT_TEXT = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF",
    b"\x1f\x8b": "a gzip file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


@dataclass(frozen=True, slots=True)
class Head:
    """Where the header is among the first lines, and what came before it."""

    delimiter: str
    preamble: list[str]
    index: int  # of the header among the first lines (0: the very first)


def not_text_message(label: str) -> str:
    """What to do with a CSV whose text we can't read (its encoding)."""
    return (
        f"We can't read the text of {label}: open it in Excel, then Save As > CSV UTF-8, "
        "and upload that."
    )


WINDOWS = "cp1252"
WINDOWS_NOTE = "read as Western (Windows) text: check the accents below."


def is_text(head: bytes) -> bool:
    """Whether a file starting with these bytes can be a CSV at all (a ZIP member is
    often something else: a picture, a binary)."""
    if head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return not head.startswith(tuple(NOT_TEXT)) and b"\x00" not in head


def text_encoding(label: str, head: bytes) -> str:
    """The codec for a text file starting with these bytes; refuses anything else."""
    if not head.strip(b" \t\r\n"):
        raise UnreadableFile(f"{label} is empty: download the export again and upload that.")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise UnreadableFile(not_text_message(label))
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for magic, kind in NOT_TEXT.items():
        if head.startswith(magic):
            raise UnreadableFile(
                f"{label} is {kind}, not a CSV, TSV, ZIP or XLSX export: upload the file "
                "the export gave you."
            )
    if b"\x00" in head:
        raise UnreadableFile(not_text_message(label))
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a character; anything earlier is not UTF-8.
        if error.start < len(head) - 3:
            return WINDOWS
    return "utf-8"


def text_table(
    label: str, name: str, data: LimitedBytes, limits: Limits, source: str | None
) -> Found:
    """The table in a text file: header and title lines read now, the rest as it is iterated."""
    encoding = text_encoding(label, data.peek(HEAD_BYTES))
    # Bad bytes come through escaped, so the line that holds them is the one refused (a
    # strict decoder fails on a whole chunk ahead, lines before the bad one).
    text = io.TextIOWrapper(
        io.BufferedReader(data), encoding=encoding, errors="surrogateescape", newline=""
    )
    physical = physical_lines(label, text, limits.line_chars)
    first = list(islice(physical, HEAD_LINES))
    head = split_head(label, first)
    header = _cells(first[head.index], head.delimiter)
    _check_width(label, head.index + 1, header, limits)
    reader = readers.recognise(head.preamble, header, source)
    rest = chain(first[head.index + 1 :], physical)
    lines = csv_lines(label, rest, head.index + 1, _dialect(reader), head.delimiter, limits)
    notes = (WINDOWS_NOTE,) if encoding == WINDOWS else ()
    return Found(Table(name, head.preamble, header, lines, notes), reader)


def physical_lines(label: str, text: io.TextIOBase, limit: int) -> Iterator[str]:
    """The file's lines, each read within the length limit, decoding errors refused."""
    number = 0
    while True:
        try:
            line = text.readline(limit + 1)
        except UnicodeDecodeError:
            raise UnreadableFile(not_text_message(f"{label}, line {number + 1}")) from None
        if not line:
            return
        number += 1
        if not line.isascii() and not _encodable(line):
            raise UnreadableFile(not_text_message(f"{label}, line {number}"))
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise UnreadableFile(
                f"{label}, line {number} is longer than {limit:,} characters: this isn't an "
                "export we know; check it is the file the export gave you."
            )
        yield line


def _encodable(line: str) -> bool:
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # an escaped bad byte
        return False
    return True


def split_head(label: str, first: Sequence[str]) -> Head:
    """Find the header among the first lines: the first with two or more cells filled.

    Lines before it with one cell at most are title lines (the preamble), kept as text.
    """
    forced: str | None = None
    preamble: list[str] = []
    fallback: int | None = None
    for index, line in enumerate(first):
        stripped = line.strip()
        if not stripped:
            continue
        hint = SEP_LINE.fullmatch(stripped)
        if hint and forced is None and not preamble:
            forced = hint[1]
            continue
        delimiter = forced or likeliest_delimiter(line)
        filled = [cell.strip() for cell in _cells(line, delimiter) if cell.strip()]
        if len(filled) >= 2:
            return Head(delimiter, preamble, index)
        fallback = index if fallback is None else fallback
        preamble.append(filled[0] if filled else stripped)
    if fallback is None:
        raise UnreadableFile(f"{label} has no header line: it is blank.")
    # One column all through: its first line is the header.
    return Head(forced or ",", [], fallback)


def likeliest_delimiter(line: str) -> str:
    """The delimiter that splits this line into the most cells (comma when none does)."""
    counts = {delimiter: len(_cells(line, delimiter)) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda delimiter: counts[delimiter])


def csv_lines(
    label: str,
    physical: Iterable[str],
    offset: int,
    dialect: type[csv.Dialect] | str,
    delimiter: str,
    limits: Limits,
) -> Iterator[Line]:
    """The data rows, numbered as lines of the file; blank lines (a file's end) left out."""
    rows = csv.reader(physical, dialect, delimiter=delimiter)
    consumed = 0
    try:
        for cells in rows:
            number = offset + consumed + 1
            consumed = rows.line_num
            if not any(cell.strip() for cell in cells):
                continue
            _check_width(label, number, cells, limits)
            yield Line(number, cells)
    except csv.Error as error:
        raise UnreadableFile(_csv_error(label, offset + rows.line_num, error)) from None


def _csv_error(label: str, number: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return (
            f"{label}, line {number}: a cell runs on for more than {csv.field_size_limit():,} "
            "characters, likely a quote that is never closed: check the file in a "
            "spreadsheet app."
        )
    return f"{label}, line {number} can't be read as CSV ({error}): check the file."


def _check_width(label: str, number: int, cells: Sequence[str], limits: Limits) -> None:
    if len(cells) > limits.columns:
        raise UnreadableFile(
            f"{label}, line {number} has {len(cells):,} columns; an import takes up to "
            f"{limits.columns:,}: this isn't an export we know."
        )


def _dialect(reader: Reader | None) -> type[csv.Dialect] | str:
    # The delimiter is the file's (sniffed); the rest (LTK's backslash escapes) the reader's.
    chosen = reader.dialect() if reader is not None else None
    return chosen or "excel"


def _cells(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])
