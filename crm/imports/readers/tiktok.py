"""TikTok analytics exports: Studio's "Download data" tabs and the business-account files.

Each tab is its own table (Overview, FollowerHistory, Viewers, FollowerActivity,
FollowerGender, FollowerTopTerritories, Content); the readers below recognise them by their
header cells and turn them into daily figures, audience shares and video totals.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from crm.dates import show_date
from crm.imports.readers.tiktok_cells import BadCell, columns, count, has_all, share
from crm.imports.readers.tiktok_dates import (
    DayCell,
    gap_warnings,
    infer_years,
    latest_on_or_before,
    read_day,
    staleness_warning,
)
from crm.imports.rows import AudienceShare, DayStats, ReadContext, Row, Table, VideoStats

SOURCE = "tiktok"

# The Content tab's `Time` is the download day, which comes one or two days after the last day
# an export covers (the creator's corrected end date).
EXPORT_AFTER_LAST_DAY = timedelta(days=2)

Needs = tuple[tuple[str, ...], ...]


def _lines(table: Table, context: ReadContext) -> Iterator[tuple[int, Sequence[str]]]:
    """Each line's number and cells; blank lines left out, lines cut short skipped."""
    width = len(table.header)
    for line in table.lines:
        if not any(cell.strip() for cell in line.cells):
            continue
        if len(line.cells) < width:
            context.skip(line.number, f"Only {len(line.cells)} of the {width} columns are there.")
            continue
        yield line.number, line.cells


def _counts(
    cells: Sequence[str], wanted: Mapping[str, int], header: Sequence[str], below_zero: Counter[str]
) -> dict[str, int | None]:
    """The figures of one line by field name; BadCell names the column that is not a number.

    A count below zero (a day more comments were deleted than written) says how the total
    moved, not how many came that day: it is no figure, and `below_zero` counts it per column.
    """
    figures: dict[str, int | None] = {}
    for name, index in wanted.items():
        try:
            figure = count(cells[index])
        except BadCell as bad:
            raise BadCell(f"“{bad}” under {header[index].strip()} is not a number.") from None
        if figure is not None and figure < 0:
            below_zero[header[index].strip()] += 1
            figure = None
        figures[name] = figure
    return figures


class _Figures:
    """A table's count columns (each field's first header key found), read line by line;
    the counts below zero are tallied per column and warned of once, at the end."""

    def __init__(
        self, header: Sequence[str], found: Mapping[str, int], fields: Mapping[str, tuple[str, ...]]
    ) -> None:
        self.header = header
        self.wanted = _pick(found, fields)
        self.below_zero: Counter[str] = Counter()

    def of(
        self, number: int, cells: Sequence[str], context: ReadContext
    ) -> dict[str, int | None] | None:
        """The line's figures by field name; None when one is not a number (skipped, saying so)."""
        try:
            return _counts(cells, self.wanted, self.header, self.below_zero)
        except BadCell as bad:
            context.skip(number, str(bad))
            return None

    def warn_below_zero(self, what: str, context: ReadContext) -> None:
        for column, times in sorted(self.below_zero.items()):
            many = f"{times} {what}s have" if times > 1 else f"1 {what} has"
            context.warn(f"{many} {column} below zero: left without a figure for {column}.")


class _ByHeader:
    """A TikTok table recognised by its header holding each of `needs` (one key of each)."""

    __slots__ = ()
    needs: Needs

    def recognises(self, preamble: Sequence[str], header: Sequence[str]) -> bool:
        """Whether the header has this table's columns."""
        return has_all(columns(header), self.needs)

    def dialect(self) -> type[csv.Dialect] | None:
        """TikTok writes plain CSV."""
        return None


def _pick(found: Mapping[str, int], fields: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Each field's column: the first of its header keys this table has."""
    picked: dict[str, int] = {}
    for name, keys in fields.items():
        for key in keys:
            if key in found:
                picked[name] = found[key]
                break
    return picked


def _dated(
    rows: Sequence[tuple[int, DayCell, dict[str, int | None]]], context: ReadContext
) -> Iterator[tuple[date, dict[str, int | None]]]:
    """Rows with their inferred dates; impossible and repeated days skipped, odd ranges warned."""
    anchor = context.ends_on or context.today
    days = infer_years([cell for _, cell, _ in rows], anchor)
    kept: list[date] = []
    for (number, cell, figures), day in zip(rows, days, strict=True):
        if day is None:
            context.skip(number, f"{_month_day(cell)} is not a date in a year without February 29.")
        elif kept and day <= kept[-1]:
            context.skip(number, f"{show_date(day)} comes again or out of order.")
        else:
            kept.append(day)
            yield day, figures
    for message in gap_warnings(kept):
        context.warn(message)
    inferred = any(cell.year is None for _, cell, _ in rows)
    if kept and inferred and context.ends_on is None:
        stale = staleness_warning(kept[-1], context.today)
        if stale:
            context.warn(stale)


def _month_day(cell: DayCell) -> str:
    return f"{date(2000, cell.month, cell.day):%B} {cell.day}"


@dataclass(frozen=True, slots=True)
class DailyReader(_ByHeader):
    """A table of one row per day: Overview, FollowerHistory, the business audience file."""

    label: str
    needs: Needs
    fields: Mapping[str, tuple[str, ...]]  # DayStats field -> header keys, first found wins
    source: str = SOURCE

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """One DayStats per day that has at least one figure (`undefined` is no figure)."""
        found = columns(table.header)
        counted = _Figures(table.header, found, self.fields)
        rows: list[tuple[int, DayCell, dict[str, int | None]]] = []
        for number, cells in _lines(table, context):
            cell = read_day(cells[found["date"]])
            if cell is None:
                context.skip(number, f"“{cells[found['date']].strip()}” is not a date.")
                continue
            figures = counted.of(number, cells, context)
            if figures is not None:
                rows.append((number, cell, figures))
        counted.warn_below_zero("day", context)
        known = 0
        for day, figures in _dated(rows, context):
            if any(value is not None for value in figures.values()):
                known += 1
                yield DayStats(day, **figures)
        if rows and not known:
            context.warn(f"{self.label}: no day has a figure this app keeps.")


@dataclass(frozen=True, slots=True)
class ContentReader(_ByHeader):
    """A table of videos and their totals, matched to the portfolio by link."""

    label: str
    needs: Needs
    source: str = SOURCE
    fields: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "views": ("total_views", "video_views"),
            "likes": ("total_likes", "likes"),
            "comments": ("total_comments", "comments"),
            "shares": ("total_shares", "shares"),
        }
    )

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """One VideoStats per line with a link; the post date inferred when it has no year."""
        found = columns(table.header)
        counted = _Figures(table.header, found, self.fields)
        anchor = context.ends_on + EXPORT_AFTER_LAST_DAY if context.ends_on else context.today
        for number, cells in _lines(table, context):
            link = cells[found["video_link"]].strip()
            if not link:
                context.skip(number, "The video has no link.")
                continue
            figures = counted.of(number, cells, context)
            if figures is None:
                continue
            title = cells[found["video_title"]].strip() if "video_title" in found else ""
            posted = _posted_on(number, cells, found, anchor, context)
            yield VideoStats(url=link, title=title, posted_on=posted, **figures)
        counted.warn_below_zero("video", context)


def _posted_on(
    number: int, cells: Sequence[str], found: Mapping[str, int], anchor: date, context: ReadContext
) -> date | None:
    """A video's post date: on or before the export's day (its `Time`, else the anchor)."""
    exported = anchor
    if "export_day" in found:
        cell = read_day(cells[found["export_day"]])
        if cell is not None and cell.year is not None:
            exported = date(cell.year, cell.month, cell.day)
        elif cell is not None:
            exported = latest_on_or_before(cell.month, cell.day, anchor)
    text = cells[found["post_time"]].strip()
    posted = read_day(text)
    if posted is None:
        if text and text.casefold() != "undefined":
            context.warn(
                f"Line {number}: “{text}” is not a post date; the video is kept without one."
            )
        return None
    if posted.year is not None:
        return date(posted.year, posted.month, posted.day)
    return latest_on_or_before(posted.month, posted.day, exported)


@dataclass(frozen=True, slots=True)
class AudienceReader(_ByHeader):
    """Shares of the followers by gender or territory."""

    label: str
    dimension: str  # "gender" or "territory"
    source: str = SOURCE

    @property
    def needs(self) -> Needs:  # type: ignore[override]
        return ((self.dimension,), ("distribution",))

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """One AudienceShare per line; a warning when the shares don't add up to about 100%."""
        found = columns(table.header)
        total = Decimal(0)
        for number, cells in _lines(table, context):
            key = cells[found[self.dimension]].strip()
            try:
                value = share(cells[found["distribution"]])
            except BadCell as bad:
                context.skip(number, f"“{bad}” is not a share from 0 to 1.")
                continue
            if not key or value is None:
                context.skip(number, "The line has no name or no share.")
                continue
            total += value
            yield AudienceShare(self.dimension, key, value)
        if total and abs(total - 1) > Decimal("0.02"):
            context.warn(f"{self.label}: the shares add up to {round(total * 100)}%, not 100%.")


@dataclass(frozen=True, slots=True)
class UnusedReader(_ByHeader):
    """A tab recognised so the preview can name it, whose figures this app doesn't keep."""

    label: str
    needs: Needs
    unused: str  # why nothing is imported from it, in the creator's words (the preview says)
    source: str = SOURCE

    def read(self, table: Table, context: ReadContext) -> Iterator[Row]:
        """Nothing: the lines are read through (so the file is known to be whole), not kept."""
        for _line in table.lines:
            pass
        return
        yield  # a generator, like every reader


DAY_FIGURES = {
    "views": ("video_views",),
    "profile_views": ("profile_views",),
    "likes": ("likes",),
    "comments": ("comments",),
    "shares": ("shares",),
    "followers": ("total_followers", "followers"),
}

# Most specific first: the first reader that recognises a table reads it.
TIKTOK_READERS = (
    UnusedReader(
        "TikTok Studio: Follower activity",
        (("date",), ("hour",), ("active_followers",)),
        "when your followers are online, by hour, isn't something Creator CRM keeps",
    ),
    UnusedReader(
        "TikTok Studio: Viewers",
        (("date",), ("total_viewers",)),
        "viewers per day aren't kept: your daily stats count views (the Overview file)",
    ),
    DailyReader("TikTok Studio: Overview", (("date",), ("video_views",)), DAY_FIGURES),
    DailyReader(
        "TikTok Studio: Follower history",
        (("date",), ("followers",)),
        {"followers": ("followers",)},  # the difference column is TikTok's arithmetic: ignored
    ),
    DailyReader(
        "TikTok business: Audience",
        (("date",), ("new_followers", "total_followers", "net_growth")),
        {"followers": ("total_followers",)},
    ),
    AudienceReader("TikTok Studio: Follower gender", "gender"),
    AudienceReader("TikTok Studio: Follower territories", "territory"),
    ContentReader("TikTok Studio: Content", (("export_day",), ("video_link",), ("post_time",))),
    ContentReader("TikTok business: Videos", (("video_link",), ("post_time",), ("video_views",))),
)
