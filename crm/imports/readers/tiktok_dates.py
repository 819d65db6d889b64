"""TikTok's dates: month and day in the interface's language, the year inferred from the export.

TikTok Studio writes "April 12", "28 August" or "8 de marzo" with no year; the business export
writes "2025/10/31" (with a time on posts). Pure code: text in, dates out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from crm.dates import show_date

# Month names as each interface language writes them, abbreviations included; adding a
# language is adding one entry. Keys are compared folded (lower case, no accents, no dot).
MONTH_NAMES: dict[str, dict[str, int]] = {
    "en": {
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
        "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
        "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    },
    "es": {
        "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3,
        "abril": 4, "abr": 4, "mayo": 5, "may": 5, "junio": 6, "jun": 6,
        "julio": 7, "jul": 7, "agosto": 8, "ago": 8, "septiembre": 9, "setiembre": 9,
        "sep": 9, "sept": 9, "set": 9, "octubre": 10, "oct": 10,
        "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
    },
}  # fmt: skip

# Little words between the day and the month ("8 de marzo", "8th of March").
FILLER_WORDS = frozenset({"de", "of", "th", "st", "nd", "rd"})


def _month_lookup() -> dict[str, int]:
    """Every language's names in one table; a name two languages disagree on is a bug here."""
    merged: dict[str, int] = {}
    for names in MONTH_NAMES.values():
        for name, month in names.items():
            key = fold_word(name)
            if merged.setdefault(key, month) != month:
                raise ValueError(f"month name {name!r} means two months")
    return merged


def fold_word(text: str) -> str:
    """Lower case without accents or dots, so "Sept." and "sept" and "Marzo" match the table."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", "")


MONTHS = _month_lookup()
_FULL_DATE = re.compile(r"(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_TOKENS = re.compile(r"\d+|[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class DayCell:
    """A date cell as read: a full date, or a month and day waiting for its year."""

    month: int
    day: int
    year: int | None = None


def read_day(text: str) -> DayCell | None:
    """The date a cell names ("April 12", "8 de marzo", "2025/10/31 18:19:10"); None: not one."""
    text = text.strip()
    full = _FULL_DATE.fullmatch(text)
    if full:
        year, month, day = (int(part) for part in full.groups())
        return DayCell(month, day, year) if _exists(year, month, day) else None
    numbers: list[int] = []
    months: list[int] = []
    for token in _TOKENS.findall(fold_word(text)):
        if token.isdigit():
            numbers.append(int(token))
        elif token in MONTHS:
            months.append(MONTHS[token])
        elif token not in FILLER_WORDS:
            return None
    if len(months) != 1 or not 1 <= len(numbers) <= 2:
        return None
    day, year = numbers[0], (numbers[1] if len(numbers) == 2 else None)
    if year is not None and year < 1000:
        return None
    # 2000 was a leap year, so February 29 passes here and is checked once the year is known.
    return DayCell(months[0], day, year) if _exists(year or 2000, months[0], day) else None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def latest_on_or_before(month: int, day: int, anchor: date) -> date:
    """The latest date with this month and day on or before `anchor` (Feb 29: a leap year)."""
    for year in range(anchor.year, anchor.year - 9, -1):
        if _exists(year, month, day) and date(year, month, day) <= anchor:
            return date(year, month, day)
    raise ValueError(f"no {month}/{day} before {anchor}")


def infer_years(cells: Sequence[DayCell], anchor: date) -> list[date | None]:
    """The dates of rows that run forward in time and end on or before `anchor`.

    The last row is the latest such date; walking back, the year steps down each time the
    month and day go up (a range crossing New Year). A cell with its own year keeps it. None
    where the inferred year has no such day (February 29 in a common year).
    """
    found: list[date | None] = [None] * len(cells)
    year: int | None = None
    later: tuple[int, int] | None = None
    for index in range(len(cells) - 1, -1, -1):
        cell = cells[index]
        if cell.year is not None:
            year = cell.year
        elif year is None or later is None:
            year = latest_on_or_before(cell.month, cell.day, anchor).year
        elif (cell.month, cell.day) > later:
            year -= 1
        found[index] = (
            date(year, cell.month, cell.day) if _exists(year, cell.month, cell.day) else None
        )
        later = (cell.month, cell.day)
    return found


def gap_warnings(days: Sequence[date]) -> list[str]:
    """What looks odd in dates that should follow day after day: gaps inside the range."""
    warnings = []
    for earlier, later in pairwise(days):
        missing = (later - earlier).days - 1
        if missing > 0:
            first, last = earlier + timedelta(days=1), later - timedelta(days=1)
            span = show_date(first) if missing == 1 else f"{show_date(first)} and {show_date(last)}"
            noun = "day" if missing == 1 else "days"
            what = "on" if missing == 1 else "between"
            warnings.append(f"No figures for {missing} {noun} {what} {span}.")
    return warnings


def staleness_warning(last: date, today: date) -> str | None:
    """A warning when an export's last day is well before today (its year may be wrong)."""
    # TikTok's rows stop one or two days before the download.
    behind = (today - last).days
    if behind <= 2:
        return None
    return (
        f"The figures end on {show_date(last)}, {behind} days before today: if the export "
        "covers another year, correct its end date."
    )
