"""What the affiliate earnings readers (LTK, Amazon, TikTok Shop) share: columns found by name,
dates read in the shapes a report writes them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Protocol, TypeVar

from crm.imports.rows import Line, ReadContext


class Language(Protocol):
    """A report's header names in one language: field -> the name the report writes."""

    @property
    def columns(self) -> Mapping[str, str]: ...


L = TypeVar("L", bound=Language)

# Amazon writes the currency into a header ("Ad Fees($)"): the name without it is the column.
_CURRENCY_SUFFIX = re.compile(r"\s*\(([^()]*)\)\s*$")


def header_name(cell: str, drop_currency: bool = False) -> str:
    """A header cell as compared: no byte-order mark, spaces collapsed, case folded."""
    name = " ".join(cell.replace("\ufeff", "").split()).casefold()
    return _CURRENCY_SUFFIX.sub("", name) if drop_currency else name


def header_currency(cell: str) -> str | None:
    """The symbol in a header's parentheses ("Ad Fees(€)" -> "€"), or None."""
    match = _CURRENCY_SUFFIX.search(cell)
    return match[1].strip() if match else None


def find_columns(
    header: Sequence[str], columns: Mapping[str, str], drop_currency: bool = False
) -> dict[str, int] | None:
    """Where each field's column is (field -> index), or None when one is missing."""
    positions = {header_name(cell, drop_currency): i for i, cell in enumerate(header)}
    found = {}
    for field, name in columns.items():
        index = positions.get(header_name(name, drop_currency))
        if index is None:
            return None
        found[field] = index
    return found


def pick_language(
    header: Sequence[str], languages: Sequence[L], drop_currency: bool = False
) -> tuple[L, dict[str, int]] | None:
    """The first language whose column names the header holds, and where they are."""
    for language in languages:
        found = find_columns(header, language.columns, drop_currency)
        if found is not None:
            return language, found
    return None


# A year of sales falls on a few hundred days, and strptime is half the reading time.
@lru_cache(maxsize=4096)
def parse_day(text: str, shapes: tuple[str, ...]) -> date:
    """The date `text` is, read in the first of `shapes` (strptime formats) it fits; a time
    in the shape is dropped. ValueError(text) when none fits."""
    for shape in shapes:
        try:
            return datetime.strptime(text, shape).date()
        except ValueError:
            continue
    raise ValueError(text)


def line_fields(
    line: Line, columns: Mapping[str, int], context: ReadContext
) -> dict[str, str] | None:
    """The line's cell for each field, stripped; a line too short is skipped, saying so."""
    needed = max(columns.values()) + 1
    if len(line.cells) < needed:
        context.skip(line.number, f"has {len(line.cells)} cells; this report has {needed} or more")
        return None
    return {field: line.cells[index].strip() for field, index in columns.items()}


def is_blank(line: Line) -> bool:
    """A line with no text in any cell (a trailing empty line): left out without a word."""
    return not any(cell.strip() for cell in line.cells)
