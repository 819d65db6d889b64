"""A stand-in file layer and reader for the import service's tests, and a make_import factory.

The real file layer (crm.imports.files) and readers are tested on their own; here an upload
is a few plain lines a fake reader turns into rows, so each test says exactly what it reads:

    FAKE ltk                              the first line: the source
    E,2025-10-01,LTK,Nordstrom,USD,842,paid   an Earning (amount in cents, paid or open)
    C,2025-10-01,LTK,USD,150              a Cost
    D,2025-10-01,views=100,followers=5    a DayStats
    A,gender,Female,0.6                   an AudienceShare
    I,2025-10-01,ugc,Glow Labs,USD,5000,note  an IncomeLine (a creator's own CSV)
    V,https://tiktok.com/@me/video/1,Title,900,40  a VideoStats (views, likes; empty: unknown)
    ?anything                             a line the reader skips
    BOOM                                  the file turns out unreadable half-way
"""

from __future__ import annotations

import io
import itertools
import sys
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

import pytest
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.imports import committing
from crm.imports.models import Import
from crm.imports.rows import (
    AudienceShare,
    Cost,
    DayStats,
    Earning,
    Found,
    IncomeLine,
    Line,
    ReadContext,
    Row,
    Table,
    UnreadableFile,
    VideoStats,
)
from crm.imports.services import Upload

TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass
class FakeReader:
    source: str
    label: str

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        return True

    def dialect(self) -> None:
        return None

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        for line in table.lines:
            cells = line.cells
            if cells[0] == "BOOM":
                raise UnreadableFile("The file ends in the middle of a row.")
            if cells[0].startswith("?"):
                context.skip(line.number, f"Not a row: {cells[0][1:]}")
                continue
            yield _row(cells)


def _row(cells: Sequence[str]) -> Row:
    kind, rest = cells[0], cells[1:]
    if kind == "E":
        day, program, retailer, currency, cents, status = rest
        return Earning(date.fromisoformat(day), program, int(cents), currency,
                       status == "paid", retailer)  # fmt: skip
    if kind == "C":
        day, program, currency, cents = rest
        return Cost(date.fromisoformat(day), program, int(cents), currency)
    if kind == "D":
        figures = dict(cell.split("=") for cell in rest[1:])
        return DayStats(date.fromisoformat(rest[0]), **{k: int(v) for k, v in figures.items()})
    if kind == "A":
        return AudienceShare(rest[0], rest[1], Decimal(rest[2]))
    if kind == "I":
        day, stream, brand, currency, cents, note = rest
        return IncomeLine(date.fromisoformat(day), int(cents), currency, stream, brand, note)
    if kind == "V":
        url, title, views, likes = rest
        figures = [int(v) if v else None for v in (views, likes)]
        return VideoStats(url, title, None, figures[0], figures[1], None, None)
    raise AssertionError(f"unknown fake row {cells!r}")


def fake_open_upload(name: str, stream: BinaryIO, source: str | None = None) -> Iterator[Found]:
    """One table per upload; its first line names the source ('FAKE ltk')."""
    text = stream.read().decode()
    first, *rest = text.splitlines()
    if not first.startswith("FAKE "):
        raise UnreadableFile(f"{name} is not a file we can read.")
    reader = FakeReader(first[5:], f"Fake {first[5:]}")
    if source is not None and source != reader.source:
        yield Found(Table(name, (), ["?"], iter(())), None)
        return
    lines = (Line(n, line.split(",")) for n, line in enumerate(rest, start=2) if line)
    yield Found(Table(name, (), ["kind"], lines), reader)


@pytest.fixture
def fake_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """crm.imports.files replaced by the stand-in (whether or not the real one exists yet)."""
    import crm.imports

    module = types.ModuleType("crm.imports.files")
    module.open_upload = fake_open_upload  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "crm.imports.files", module)
    monkeypatch.setattr(crm.imports, "files", module, raising=False)


def upload(source: str, *lines: str, name: str = "export.csv", **options: Any) -> Upload:
    """An upload of the fake format."""
    return Upload(name, "\n".join([f"FAKE {source}", *lines]).encode(), **options)


def stream_upload(source: str, *lines: str) -> Upload:
    """The same, as a stream (what a page hands over)."""
    return Upload("export.csv", io.BytesIO("\n".join([f"FAKE {source}", *lines]).encode()))


def make_import(session: Session, owner: User, source: str, *lines: str, **options: Any) -> Import:
    """An import committed through the real service."""
    record, _ = committing.commit(session, owner, upload(source, *lines, **options), TODAY, NOW)
    session.commit()
    return record


_ltk_days = itertools.count(1)


def make_ltk_import(session: Session, owner: User) -> Import:
    """An import of a small LTK export through the real file layer and reader."""
    day = date(2025, 1, 1) + timedelta(days=next(_ltk_days))
    header = "Date,Brand,Type,Publisher,Product,Direct to retailer link,Status,Commission,Payment"
    line = f'{day:%m/%d/%y},"Gap","Sale commission","Me","Tee","https://x.test","Open","$8.42",""'
    upload_ = Upload(f"ltk-{day}.csv", f"{header}\n{line}".encode())
    record, _ = committing.commit(session, owner, upload_, TODAY, NOW)
    session.commit()
    return record


ID_FACTORIES = {"import_id": make_ltk_import}
