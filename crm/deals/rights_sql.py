"""Rights windows in SQL: a window's last day and "ends within 14 days", computed in the
database (start + days - 1, as crm.deals.rights.window_end does) so no deal is read into Python.
The dashboard counts with it and the rights page finds older deals' windows ending soon with it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, or_
from sqlalchemy.sql.elements import ColumnElement

from crm.deals.models import Deal
from crm.deals.rights import ENDING_SOON_DAYS
from crm.deals.window_end_sql import WindowEnd


def ends_soon(start: Any, days: Any, today: Any, last: Any = None) -> ColumnElement[bool]:
    """A window ending from `today` to `last` (default: the ending-soon days); either may be a
    bound parameter (the dashboard's statement is built once)."""
    if last is None:
        last = today + timedelta(days=ENDING_SOON_DAYS - 1)
    end = WindowEnd(start, days)
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
