"""Rights windows in SQL: a window's last day and "ends within 14 days", computed in the
database (start + days - 1, as crm.deals.rights.window_end does) so no deal is read into Python.
The dashboard counts with it and the rights page finds older deals' windows ending soon with it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from crm.deals.models import Deal
from crm.deals.rights import ENDING_SOON_DAYS


class _WindowEnd(ColumnElement[date]):
    """The last day of a window of `days` days from `start` (start as day 1), as SQL."""

    inherit_cache = True
    _traverse_internals = [
        ("start", InternalTraversal.dp_clauseelement),
        ("days", InternalTraversal.dp_clauseelement),
    ]
    type = Date()

    def __init__(self, start: Any, days: Any) -> None:
        self.start = start
        self.days = days


@compiles(_WindowEnd, "sqlite")
def _window_end_on_sqlite(element: _WindowEnd, compiler: Any, **kw: Any) -> str:
    start, days = compiler.process(element.start, **kw), compiler.process(element.days, **kw)
    return f"date({start}, '+' || ({days} - 1) || ' days')"


@compiles(_WindowEnd)
def _window_end_elsewhere(element: _WindowEnd, compiler: Any, **kw: Any) -> str:
    # PostgreSQL: a date plus an integer is that many days later.
    start, days = compiler.process(element.start, **kw), compiler.process(element.days, **kw)
    return f"({start} + ({days} - 1))"


def ends_soon(start: Any, days: Any, today: Any, last: Any = None) -> ColumnElement[bool]:
    """A window ending from `today` to `last` (default: the ending-soon days); either may be a
    bound parameter (the dashboard's statement is built once)."""
    if last is None:
        last = today + timedelta(days=ENDING_SOON_DAYS - 1)
    end = _WindowEnd(start, days)
    return and_(start.is_not(None), days.is_not(None), end >= today, end <= last)


def one_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def usage_ends_soon(today: Any, last: Any = None) -> ColumnElement[bool]:
    """Paid usage (not perpetual) whose window ends within the ending-soon days."""
    return and_(
        Deal.usage_perpetual.is_(False), ends_soon(Deal.usage_start, Deal.usage_days, today, last)
    )


def whitelisting_ends_soon(today: Any, last: Any = None) -> ColumnElement[bool]:
    return ends_soon(Deal.whitelisting_start, Deal.whitelisting_days, today, last)


def exclusivity_ends_soon(today: Any, last: Any = None) -> ColumnElement[bool]:
    return ends_soon(Deal.exclusivity_start, Deal.exclusivity_days, today, last)


def any_window_ends_soon(today: date) -> ColumnElement[bool]:
    """A deal with at least one window ending within the ending-soon days."""
    return or_(usage_ends_soon(today), whitelisting_ends_soon(today), exclusivity_ends_soon(today))
