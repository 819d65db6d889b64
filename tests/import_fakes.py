"""Small stand-in readers for the file-layer tests: the real ones live in crm/imports/readers."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from crm.imports import readers
from crm.imports.files import open_upload
from crm.imports.limits import Limits
from crm.imports.rows import Found, ReadContext, Row, Table


class BackslashEscapes(csv.Dialect):
    """LTK's quoting: a quote inside a field is escaped with a backslash, not doubled."""

    delimiter = ","
    quotechar = '"'
    escapechar = "\\"
    doublequote = False
    skipinitialspace = False
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL


@dataclass(frozen=True)
class FakeReader:
    """Recognises a table whose header starts with `columns` (and a title, when given)."""

    source: str
    label: str
    columns: tuple[str, ...]
    title: str = ""
    backslash: bool = False

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        starts = tuple(cell.strip() for cell in header[: len(self.columns)]) == self.columns
        titled = not self.title or any(line.startswith(self.title) for line in preamble)
        return starts and titled

    def dialect(self) -> type[csv.Dialect] | None:
        return BackslashEscapes if self.backslash else None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        return iter(())


OVERVIEW = FakeReader("tiktok", "TikTok Studio: Overview", ("Date", "Video Views"))
LTK = FakeReader("ltk", "LTK earnings", ("Date", "Brand", "Type"), backslash=True)
AMAZON = FakeReader("amazon", "Amazon: Fee-Earnings", ("Category", "Name"), title="Fee-Earnings")


def use_fake_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the fakes the only readers, so tests don't depend on the real ones."""
    monkeypatch.setattr(readers, "READERS", (OVERVIEW, LTK, AMAZON))


def tables(
    data: bytes, name: str = "upload.csv", source: str | None = None, **limits: int
) -> list[Found]:
    """Every table of an upload made of these bytes, with these limits (defaults elsewhere)."""
    return list(open_upload(name, io.BytesIO(data), source, Limits(**limits)))


def only(data: bytes, **limits: int) -> Found:
    """The one table of an upload of these bytes."""
    (found,) = tables(data, **limits)
    return found


def cells(found: Found) -> list[list[str]]:
    return [list(line.cells) for line in found.table.lines]


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP holding these members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()
