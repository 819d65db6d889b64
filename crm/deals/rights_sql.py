"""Rights windows in SQL: a window's last day and "ends from this day to that", computed in
the database (start + days - 1, as crm.deals.rights.window_end does) so no deal is read into
Python.

Each kind of window is its own range of its own index (ix_deals_owner_<kind>_end: owner,
last day): "ends soon" is three ranges, never an OR that walks every deal. The dashboard
counts with them, the rights page finds older deals' windows ending soon with them and the
calendar feed reads its rights events from them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, union_all

from crm.deals.models import Deal, DealStatus
from crm.deals.rights import ENDING_SOON_DAYS, RightsKind
from crm.deals.window_end_sql import WindowEnd
from crm.ownership import owned

# Each kind's start and days columns, in the order crm.deals.rights.windows lists them.
WINDOW_COLUMNS: dict[RightsKind, tuple[Any, Any]] = {
    RightsKind.USAGE: (Deal.usage_start, Deal.usage_days),
    RightsKind.WHITELISTING: (Deal.whitelisting_start, Deal.whitelisting_days),
    RightsKind.EXCLUSIVITY: (Deal.exclusivity_start, Deal.exclusivity_days),
}


def window_end(kind: RightsKind) -> ColumnElement[Any]:
    """The last day of the deal's `kind` window as SQL: the expression its index holds."""
    start, days = WINDOW_COLUMNS[kind]
    return WindowEnd(start, days)


def ends_between(kind: RightsKind, first: Any, last: Any) -> ColumnElement[bool]:
    """A `kind` window of a deal not cancelled whose last day is from `first` to `last` (either
    may be a bound parameter: the dashboard's statement is built once)."""
    end = window_end(kind)
    condition = and_(end >= first, end <= last, Deal.status != DealStatus.CANCELLED)
    if kind is RightsKind.USAGE:  # perpetual usage has no days, so no end: said anyway
        condition = and_(condition, Deal.usage_perpetual.is_(False))
    return condition


def ending_soon_last(today: Any) -> Any:
    """The last day of "ending soon" counted from `today` (a date)."""
    return today + timedelta(days=ENDING_SOON_DAYS - 1)


def ending_ids(owner_id: Any, first: Any, last: Any, *where: Any) -> Select[Any]:
    """The ids of the creator's deals with a window ending from `first` to `last`: one
    index range per kind, UNION ALL (a deal with two such windows comes twice)."""
    return union_all(
        *(
            owned(Deal, owner_id, Deal.id).where(ends_between(kind, first, last), *where)
            for kind in WINDOW_COLUMNS
        )
    )


def ending_count(owner_id: Any, first: Any, last: Any) -> ColumnElement[int]:
    """How many windows (usage, whitelisting, exclusivity) end from `first` to `last`: the
    sum of one indexed count per kind."""
    counts = [
        owned(Deal, owner_id, func.count()).where(ends_between(kind, first, last)).scalar_subquery()
        for kind in WINDOW_COLUMNS
    ]
    return counts[0] + counts[1] + counts[2]


def ending_count_query(owner_id: Any, first: Any, last: Any) -> Select[Any]:
    """`ending_count` as a one-row select."""
    return select(ending_count(owner_id, first, last))
