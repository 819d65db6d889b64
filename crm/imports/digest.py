"""An upload's rows boiled down to what an import writes: sums per key, one row per day.

Pure: the tables and their readers in, plain values out, no session. Rows are consumed as
they stream, and only the sums are kept, so a long file costs memory by its days and
programs, not by its lines. The preview and the commit both start here, from the bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from crm.imports.readers import looks_like
from crm.imports.readers.foreign import what_it_is
from crm.imports.rows import (
    AudienceShare,
    Cost,
    DayStats,
    Earning,
    Found,
    IncomeLine,
    ReadContext,
    Row,
    Skipped,
    VideoStats,
)
from crm.links import video_key

# The skipped lines a preview lists one by one; the rest are counted.
SKIPPED_SHOWN = 5
DAY_FIELDS = tuple(f.name for f in fields(DayStats) if f.name != "day")
VIDEO_FIELDS = ("posted_on", "views", "likes", "comments", "shares")


FIRST_LINES = 5


@dataclass(frozen=True, slots=True)
class EarningKey:
    """What income entries are summed by: a year of sales stays a few hundred entries."""

    day: date
    program: str
    retailer: str
    currency: str
    paid: bool


@dataclass(frozen=True, slots=True)
class LineKey:
    """A creator's own CSV: lines alike in all of these are one entry (their sum)."""

    day: date
    stream: str
    brand: str
    currency: str
    note: str
    paid: bool = True


@dataclass(frozen=True, slots=True)
class CostKey:
    day: date
    program: str
    currency: str


SHARE_KEY_MAX, SHARE_DIMENSION_MAX = 80, 20  # audience_shares.key, .dimension
COUNTED = ("stats", "views", "audience", "videos")  # totals that are counts, not money


@dataclass
class TableSummary:
    """One table of the upload as the preview shows it."""

    name: str
    label: str
    source: str
    rows: int = 0
    date_from: date | None = None
    date_to: date | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    first_skipped: list[Skipped] = field(default_factory=list)
    # Per program: cents by currency (income; fees under "<program> fees"); "stats": days,
    # views and the followers at the end; "audience": shares per dimension. Counts, not money.
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    # A creator's own CSV: its first lines as read, so they can check the columns they mapped.
    first_lines: list[IncomeLine] = field(default_factory=list)
    unused: str = ""  # a tab recognised whose figures aren't kept: why (TikTok's Viewers)

    def saw(self, day: date) -> None:
        self.date_from = day if self.date_from is None else min(self.date_from, day)
        self.date_to = day if self.date_to is None else max(self.date_to, day)


@dataclass
class Digest:
    """Everything an upload holds, summed: what preview shows and commit writes."""

    tables: list[TableSummary] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # tables no reader knows, by name
    # Their headers, in the same order: the columns a creator can map their own CSV by.
    unknown_headers: list[list[str]] = field(default_factory=list)
    # Whose export each looks like instead, where we know ("TikTok Studio"), else None.
    unknown_kinds: list[str | None] = field(default_factory=list)
    # Which other platform's export each is ("an Instagram analytics export"), else None.
    foreign: list[str | None] = field(default_factory=list)
    earnings: dict[EarningKey, int] = field(default_factory=lambda: defaultdict(int))
    costs: dict[CostKey, int] = field(default_factory=lambda: defaultdict(int))
    lines: dict[LineKey, int] = field(default_factory=lambda: defaultdict(int))
    days: dict[date, DayStats] = field(default_factory=dict)
    audience: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    # By their link's key (crm.links.video_key): a video listed twice is one video.
    videos: dict[str, VideoStats] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        return sorted({table.source for table in self.tables})

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def skipped(self) -> int:
        return sum(table.skipped for table in self.tables)

    @property
    def date_from(self) -> date | None:
        return min((t.date_from for t in self.tables if t.date_from), default=None)

    @property
    def date_to(self) -> date | None:
        return max((t.date_to for t in self.tables if t.date_to), default=None)

    @property
    def warnings(self) -> list[str]:
        return [f"{t.label}: {warning}" for t in self.tables for warning in t.warnings]

    @property
    def is_empty(self) -> bool:
        written = (self.earnings, self.costs, self.lines, self.days, self.audience, self.videos)
        return not any(written)


def digest(found: Iterable[Found], today: date, currency: str, ends_on: date | None) -> Digest:
    """Read every recognised table into one Digest (unknown tables are listed, not read)."""
    result = Digest()
    for item in found:
        reader = item.reader
        if reader is None:
            result.unknown.append(item.table.name)
            result.unknown_headers.append([cell.strip() for cell in item.table.header])
            result.unknown_kinds.append(looks_like(item.table.preamble, item.table.header))
            result.foreign.append(what_it_is(item.table.preamble, item.table.header))
            continue
        context = ReadContext(today=today, currency=currency, ends_on=ends_on)
        summary = TableSummary(item.table.name, reader.label, reader.source)
        summary.unused = getattr(reader, "unused", "")
        for row in reader.read(item.table, context):
            summary.rows += 1
            _take(result, summary, row)
        summary.warnings.extend([*item.table.notes, *context.warnings])
        summary.skipped = context.skipped_count
        summary.first_skipped = context.skipped[:SKIPPED_SHOWN]
        result.tables.append(summary)
    return result


def _add(totals: dict[str, dict[str, int]], name: str, currency: str, cents: int) -> None:
    by_currency = totals.setdefault(name, {})
    by_currency[currency] = by_currency.get(currency, 0) + cents


def _take(result: Digest, summary: TableSummary, row: Row) -> None:
    if isinstance(row, Earning):
        summary.saw(row.day)
        key = EarningKey(row.day, row.program, row.retailer, row.currency, row.paid)
        result.earnings[key] += row.amount_cents
        _add(summary.totals, row.program, row.currency, row.amount_cents)
    elif isinstance(row, Cost):
        summary.saw(row.day)
        result.costs[CostKey(row.day, row.program, row.currency)] += row.amount_cents
        _add(summary.totals, f"{row.program} fees", row.currency, row.amount_cents)
    elif isinstance(row, IncomeLine):
        summary.saw(row.day)
        key = LineKey(row.day, row.stream, row.brand, row.currency, row.note, row.paid)
        if len(summary.first_lines) < FIRST_LINES:
            summary.first_lines.append(row)
        result.lines[key] += row.amount_cents
        _add(summary.totals, row.stream, row.currency, row.amount_cents)
    elif isinstance(row, DayStats):
        summary.saw(row.day)
        result.days[row.day] = merge_day(result.days.get(row.day), row)
        stats = summary.totals.setdefault("stats", {"days": 0})
        stats["days"] += 1
        if row.views is not None:
            stats["views"] = stats.get("views", 0) + row.views
        if row.followers is not None and row.day == summary.date_to:
            stats["followers"] = row.followers  # at the end of the range
    elif isinstance(row, AudienceShare):
        if len(row.key) > SHARE_KEY_MAX or len(row.dimension) > SHARE_DIMENSION_MAX:
            summary.warnings.append(f"A share named {row.key[:40]!r}… is too long to keep.")
            return
        result.audience.setdefault(row.dimension, {})[row.key] = row.share
        shares = summary.totals.setdefault("audience", {})
        shares[row.dimension] = shares.get(row.dimension, 0) + 1
    elif isinstance(row, VideoStats):
        key = video_key(row.url)
        result.videos[key] = merge_video(result.videos.get(key), row)
        videos = summary.totals.setdefault("videos", {"videos": 0})
        videos["videos"] += 1


def merge_day(before: DayStats | None, new: DayStats) -> DayStats:
    """`before` with every figure `new` knows: a file that says nothing of views keeps them."""
    if before is None:
        return new
    known = {name: getattr(new, name) for name in DAY_FIELDS if getattr(new, name) is not None}
    return replace(before, **known)


def merge_video(before: VideoStats | None, new: VideoStats) -> VideoStats:
    """The same video listed twice: the later line's figures, the earlier's where it has none."""
    if before is None:
        return new
    known = {name: getattr(new, name) for name in VIDEO_FIELDS if getattr(new, name) is not None}
    return replace(before, **known, title=new.title or before.title)
