"""What crafted input may not do: ids past the columns, NUL bytes, line breaks in headers, year 1.

Each rule sits here once, so a new route or form is covered without anyone remembering:
`<int:...>` in any URL is bounded to the id columns' range (a larger number is a 404),
query-string numbers are read through `query_int`, and a NUL byte anywhere in a request
is refused before a view runs (PostgreSQL can't store one in text).
"""

from __future__ import annotations

import builtins
import unicodedata
from datetime import date
from typing import overload

from flask import Flask, request
from sqlalchemy import BigInteger, Integer
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

INT4_MAX = 2**31 - 1  # Integer columns (ids, small counts) on PostgreSQL
INT8_MAX = 2**63 - 1  # BigInteger columns (views, followers)

# An 8-byte count column (views, likes, followers). SQLite's INTEGER holds 8 bytes already,
# and changing its declared type there would rebuild tables that other rows cascade from.
BIG_COUNT = BigInteger().with_variant(Integer(), "sqlite")

EARLIEST_DATE = date(2000, 1, 1)  # before TikTok, before any stat a creator could have
YEARS_AHEAD = 5

NUL = "\x00"
ONE_LINE_MESSAGE = "Keep this on one line, without line breaks, tabs or control characters."


def too_long_message(most: int) -> str:
    """What text over its limit of `most` characters is told, by a form or a service alike."""
    return f"At most {most:,} characters."


NUL_MESSAGE = (
    "Part of what you sent contains an invisible character (a NUL byte) that can't be saved. "
    "Go back, retype the text you pasted and try again."
)
# Control characters, and the Unicode line and paragraph separators that str.splitlines breaks at.
_NOT_ON_ONE_LINE = {"Cc", "Zl", "Zp"}


class IdConverter(IntegerConverter):
    """`<int:...>` within the id columns' range: past it the URL matches nothing (a 404)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bounded = INT4_MAX if max is None else builtins.min(max, INT4_MAX)
        super().__init__(map, fixed_digits, min, bounded, signed)


@overload
def query_int(name: str, default: int, *, low: int = 1, high: int = INT4_MAX) -> int: ...
@overload
def query_int(
    name: str, default: None = None, *, low: int = 1, high: int = INT4_MAX
) -> int | None: ...
def query_int(
    name: str, default: int | None = None, *, low: int = 1, high: int = INT4_MAX
) -> int | None:
    """A whole number from the query string; missing, not a number or out of range: `default`."""
    text = request.args.get(name, "").strip()
    try:
        value = int(text)
    except ValueError:  # also the digit-count limit of int() for absurdly long text
        return default
    return value if low <= value <= high else default


class RefusedQuery(BadRequest):
    """A query-string value that is there but unusable: a 400 page saying which and why,
    instead of quietly showing another period than the one asked for."""


def query_int_or_refuse(name: str, default: int, *, low: int, high: int, what: str) -> int:
    """A whole number from the query string, `default` when missing; anything else given
    that is not a number from `low` to `high` is refused with a page naming `what`."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    value = query_int(name, None, low=low, high=high)
    if value is None:
        raise RefusedQuery(f"Pick a {what} from {low} to {high}.")
    return value


def is_one_line(text: str) -> bool:
    """True when `text` has no line break, tab or other control character."""
    return not any(unicodedata.category(char) in _NOT_ON_ONE_LINE for char in text)


def latest_date(today: date) -> date:
    """The last date a form or import accepts: the end of the year a few years ahead."""
    return date(today.year + YEARS_AHEAD, 12, 31)


def date_problem(value: date, today: date) -> str | None:
    """Why `value` is not a date the app stores, or None when it is in range."""
    last = latest_date(today)
    if EARLIEST_DATE <= value <= last:
        return None
    return f"Pick a date between {_spoken(EARLIEST_DATE)} and {_spoken(last)}."


def _spoken(day: date) -> str:
    from crm.dates import show_date

    return show_date(day)


class UnstorableInput(BadRequest):
    """A request carrying a NUL byte: refused whole, with a page that says why."""

    description = NUL_MESSAGE


def _refuse_nul() -> None:
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if NUL in key or NUL in value:
                raise UnstorableInput()
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and NUL in value:
            raise UnstorableInput()


def _unstorable_page(error: UnstorableInput) -> tuple[str, int]:
    from crm.web import render_error

    return render_error(400, NUL_MESSAGE)


def init_app(app: Flask) -> None:
    """Bound `<int:...>` (call before any blueprint adds rules) and refuse NUL in requests."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_nul)
    app.register_error_handler(UnstorableInput, _unstorable_page)
