"""What a reader finds in a file: typed rows, plain values, no session and no database.

The pieces of an import meet here:

- `crm.imports.files` opens an upload (CSV, TSV, a ZIP of them, XLSX) within the size limits
  and hands each table over as a `Table`: its header cells and an iterator of `Line`s.
- A reader (`crm.imports.readers.*`) says whether it `recognises` a table from its first cells
  (never the file's name), then `read`s it into the rows below, reporting skipped lines and
  warnings through the `ReadContext`. Readers are pure: the same bytes and context give the same
  rows, so they test without a database.
- `crm.imports.services` previews the rows, then writes them all or nothing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a table: its cells as text, and its line number in the file (1 = the first)."""

    number: int
    cells: Sequence[str]


@dataclass(frozen=True, slots=True)
class Table:
    """A table found in an upload: a CSV file, a ZIP member, or an XLSX sheet."""

    name: str  # the file or member name, for messages only (never for recognising)
    preamble: Sequence[str]  # lines before the header (Amazon's title line), as text
    header: Sequence[str]
    lines: Iterator[Line]
    notes: Sequence[str] = ()  # what the preview should say of how it was read (its encoding)


@dataclass(frozen=True, slots=True)
class DayStats:
    """One day of the account's figures; None where the file says nothing (never 0 for unknown)."""

    day: date
    views: int | None = None
    profile_views: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    followers: int | None = None  # at the day's end


@dataclass(frozen=True, slots=True)
class VideoStats:
    """A video's totals from a Content export, matched to the portfolio by its link."""

    url: str
    title: str
    posted_on: date | None
    views: int | None
    likes: int | None
    comments: int | None
    shares: int | None


@dataclass(frozen=True, slots=True)
class AudienceShare:
    """A share of the followers: `dimension` "gender" (key Female...) or "territory" (key US...)."""

    dimension: str
    key: str
    share: Decimal  # 0 to 1


@dataclass(frozen=True, slots=True)
class Earning:
    """A commission (negative for a return) on one day, from one program."""

    day: date
    program: str  # "LTK", "Amazon Associates", "TikTok Shop"
    amount_cents: int
    currency: str
    paid: bool  # paid out (Closed, Settled) or still expected (Open, Pending)
    retailer: str = ""  # where the report names one (LTK's Brand)
    key: str = ""  # the file's own id for the line (TikTok Shop: order id and SKU id)


@dataclass(frozen=True, slots=True)
class Cost:
    """Money a program kept (LTK's payment transaction fee): an expense, not less income."""

    day: date
    program: str
    amount_cents: int  # positive
    currency: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class IncomeLine:
    """A line of income from a creator's own CSV, read through the columns they mapped."""

    day: date
    amount_cents: int
    currency: str
    stream: str  # a stream key of the market (seed/market.toml)
    brand: str = ""  # the brand's name as the file writes it; matched to a brand on import
    note: str = ""
    paid: bool = True  # the creator says whether the file's lines are paid or not yet


Row = DayStats | VideoStats | AudienceShare | Earning | Cost | IncomeLine


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line left out, and why, in the creator's words."""

    line: int
    reason: str


SKIPPED_KEPT = 100


@dataclass(slots=True)
class ReadContext:
    """What a reader may know besides the file: today (the creator's), and their corrections."""

    today: date
    currency: str = "USD"  # the creator's currency, for a file that names none
    # The last date a TikTok export covers, when the creator corrected the inferred one.
    ends_on: date | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # the first SKIPPED_KEPT, with reasons
    skipped_count: int = 0  # all of them: a million bad lines must not fill memory

    def warn(self, message: str) -> None:
        """Note something the preview should show, once."""
        if message not in self.warnings:
            self.warnings.append(message)

    def skip(self, line: int, reason: str) -> None:
        """Leave a line out, saying why (the first SKIPPED_KEPT are kept with their reason)."""
        self.skipped_count += 1
        if len(self.skipped) < SKIPPED_KEPT:
            self.skipped.append(Skipped(line, reason))


class Reader(Protocol):
    """One source's table: recognised from its first cells, read into rows."""

    source: str  # the CLI's --source: "tiktok", "ltk", "amazon", "tiktok-shop", "csv"
    label: str  # what the preview calls it: "TikTok Studio: Overview"

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """Whether this table is this reader's, from its title lines and header alone."""
        ...

    def dialect(self) -> type[csv.Dialect] | None:
        """The CSV dialect its files need (LTK escapes quotes with a backslash); None: the usual."""
        ...

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """The table's rows, streamed; bad lines go to `context.skip`, not an exception."""
        ...


@dataclass(frozen=True, slots=True)
class Found:
    """A table in an upload and the reader that recognised it (None: no reader knows it)."""

    table: Table
    reader: Reader | None


# `crm.imports.files.open_upload(name, stream, source=None) -> Iterator[Found]` opens an upload
# (a binary stream) within the limits and yields each table it holds, or raises UnreadableFile.


class UnreadableFile(ValueError):
    """The upload can't be read at all (not what it claims, too big, a bomb): nothing is written."""
