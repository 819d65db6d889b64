"""The rights page's rows: every usage, whitelisting and exclusivity window of the creator's deals.

One statement reads the newest deals that grant any right (with the brand's name and how
many there are, counted up to a cap); a second reads the older deals with a window ending
soon, from each kind's index of last days (crm.deals.rights_sql). Windows
come from crm.deals.rights (ends are computed, never stored) and sort in Python: ending soon
first, then running, then not started, then ended.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.deals.models import Deal, DealStatus
from crm.deals.rights import ENDING_SOON_DAYS, RightsKind, RightsWindow, windows
from crm.deals.rights_sql import ending_ids, ending_soon_last
from crm.market.current import market
from crm.ownership import owned
from crm.pagination import Count

# Product policy: the page lists the rights of this many deals, newest first.
DEALS_SHOWN = 100


class WindowStatus(enum.StrEnum):
    ACTIVE = "active"
    NOT_STARTED = "not_started"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def has_rights() -> ColumnElement[bool]:
    """A deal that grants paid usage, whitelisting or exclusivity (cancelled deals don't)."""
    return or_(
        Deal.usage_perpetual.is_(True),
        Deal.usage_days.is_not(None),
        Deal.whitelisting_days.is_not(None),
        Deal.exclusivity_days.is_not(None),
    ) & (Deal.status != DealStatus.CANCELLED)


_COLUMNS = (
    Deal.id,
    Deal.title,
    Deal.brand_id,
    Brand.name.label("brand_name"),
    Deal.usage_days,
    Deal.usage_perpetual,
    Deal.usage_start,
    Deal.usage_channels,
    Deal.whitelisting_days,
    Deal.whitelisting_start,
    Deal.exclusivity_days,
    Deal.exclusivity_start,
    Deal.exclusivity_category,
    Deal.updated_at,
)


def deals_with_rights(owner_id: int) -> Select[Any]:
    """The creator's deals that grant a right, newest first, with the brand's name."""
    return (
        owned(Deal, owner_id, *_COLUMNS)
        .join(Brand, Brand.id == Deal.brand_id)
        .where(has_rights())
        .order_by(Deal.id.desc())
    )


def window_status(window: RightsWindow, today: date) -> WindowStatus:
    """Running, not started yet (or not posted yet), or over."""
    if window.start is None or today < window.start:
        return WindowStatus.NOT_STARTED
    if window.end is not None and window.end < today:
        return WindowStatus.ENDED
    return WindowStatus.ACTIVE


@dataclass(frozen=True)
class RightsRow:
    """One window of one deal, as the page and the calendar show it."""

    deal_id: int
    deal_title: str
    brand_id: int
    brand_name: str
    window: RightsWindow
    status: WindowStatus
    ending_soon: bool
    detail: str  # the channels of paid usage, the category of an exclusivity

    @property
    def kind(self) -> RightsKind:
        return self.window.kind

    def days_left(self, today: date) -> int | None:
        """Days from today to the last day (0: it ends today); None without an end."""
        return None if self.window.end is None else (self.window.end - today).days


def _detail(deal: Any, kind: RightsKind) -> str:
    if kind is RightsKind.USAGE:
        return str(deal.usage_channels)
    if kind is RightsKind.EXCLUSIVITY:  # a seed category's key, shown by its label
        return market().category_label(str(deal.exclusivity_category))
    return ""


def rows_of(deal: Any, brand_name: str, today: date) -> list[RightsRow]:
    """The windows of one deal (a Deal, or a row of `deals_with_rights`)."""
    found = []
    for window in windows(deal):
        found.append(
            RightsRow(
                deal_id=deal.id,
                deal_title=deal.title,
                brand_id=deal.brand_id,
                brand_name=brand_name,
                window=window,
                status=window_status(window, today),
                ending_soon=window.ending_within(today, ENDING_SOON_DAYS),
                detail=_detail(deal, window.kind),
            )
        )
    return found


_STATUS_ORDER = {WindowStatus.ACTIVE: 1, WindowStatus.NOT_STARTED: 2, WindowStatus.ENDED: 3}


def _sort_key(row: RightsRow) -> tuple[Any, ...]:
    end = row.window.end or date.max
    if row.ending_soon:
        return (0, end.toordinal(), row.deal_id)
    if row.status is WindowStatus.ENDED:
        return (3, -end.toordinal(), row.deal_id)  # the latest ended first
    return (_STATUS_ORDER[row.status], end.toordinal(), row.deal_id)


def sorted_rows(deals: Sequence[Any], today: date) -> list[RightsRow]:
    """Every window of `deals`: ending soon (soonest first), running, not started, ended."""
    return sorted(
        (row for deal in deals for row in rows_of(deal, deal.brand_name, today)), key=_sort_key
    )


@dataclass(frozen=True)
class RightsList:
    rows: list[RightsRow]
    deals_shown: int  # the newest deals with rights
    total: Count  # deals with rights in all
    older_ending_soon: int = 0  # older deals shown only because a window of theirs ends soon

    @property
    def more(self) -> str:
        """How many deals with rights are left off, as a person says it ("900+" past the cap)."""
        shown = self.deals_shown + self.older_ending_soon
        if self.total.capped:
            return f"{self.total.cap - shown:,}+"
        return f"{self.total.value - shown:,}"

    @property
    def has_more(self) -> bool:
        return self.total.value > self.deals_shown + self.older_ending_soon

    @property
    def ending_soon(self) -> list[RightsRow]:
        return [row for row in self.rows if row.ending_soon]


def rights_list(
    session: Session, owner_id: int, today: date, shown: int = DEALS_SHOWN
) -> RightsList:
    """The rights of the newest `shown` deals that grant any, plus older deals with a window
    ending soon (the dashboard counts those, so the page must list them), and how many deals
    with rights there are: two statements, however many deals the creator has."""
    cap = 10 * shown
    granting = owned(Deal, owner_id, Deal.id).where(has_rights())
    # The count reads ids alone, up to the cap (no brand joined: every deal has its brand).
    total = select(func.count()).select_from(granting.limit(cap + 1).subquery()).scalar_subquery()
    statement = deals_with_rights(owner_id)
    deals = session.execute(statement.add_columns(total.label("total")).limit(shown)).all()
    # Older than the newest `shown`: the boundary is in the SQL, so the second read does not
    # wait on the first one's rows (and finds nothing while there are fewer).
    newest = granting.order_by(Deal.id.desc()).limit(shown).subquery()
    older = Deal.id < select(func.min(newest.c.id)).scalar_subquery()
    # Each kind's index range of last days, however old the deal: never a walk of the rest.
    soon = ending_ids(owner_id, today, ending_soon_last(today), older)
    older_soon = session.execute(statement.where(older, Deal.id.in_(soon)).limit(shown)).all()
    count = Count(int(deals[0].total) if deals else 0, cap)
    return RightsList(sorted_rows([*deals, *older_soon], today), len(deals), count, len(older_soon))
