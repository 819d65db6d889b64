"""The rights page's rows: every usage, whitelisting and exclusivity window of the creator's deals.

The page is a keyset page of the deals that grant any right, newest first (a capped count,
the page's ids, its rows with the brand's name), headed on page one by every window ending
soon, read from each kind's index of last days (crm.deals.rights_sql). Windows come from
crm.deals.rights (ends are computed, never stored).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, union_all
from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.deals.models import Deal, DealStatus
from crm.deals.rights import ENDING_SOON_DAYS, RightsKind, RightsWindow, windows
from crm.deals.rights_sql import ending_count_query, ending_soon_last, ends_between, window_end
from crm.market.current import market
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page


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


def _sort_key(row: RightsRow) -> tuple[Any, ...]:
    """Soonest end first (windows ending soon all have an end)."""
    return ((row.window.end or date.max).toordinal(), row.deal_id, row.kind.value)


# Newest deals first: ids grow with time, and the owner index serves it.
RIGHTS_ORDER = Order("rights", (Key(Deal.id, descending=True),))


@dataclass(frozen=True)
class RightsPage:
    """The rights page: the windows ending soon (page one only: the soonest of the first
    `size` deals they belong to, and how many windows end soon in all), and one page of
    deals with rights, newest first, each with its windows."""

    ending_soon: list[RightsRow]
    ending_soon_total: int
    deals: Page[Any]
    rows: list[RightsRow]

    @property
    def more_ending_soon(self) -> int:
        return max(self.ending_soon_total - len(self.ending_soon), 0)


def _ending_soon(session: Session, owner_id: int, today: date, size: int) -> list[RightsRow]:
    """The windows ending within ENDING_SOON_DAYS of the `size` deals whose windows end
    soonest, however old the deal, soonest first: each kind's index range of last days (in
    the order of its last day), never a walk of the creator's deals."""
    last = ending_soon_last(today)
    soonest = union_all(*(_soonest_ids(owner_id, kind, today, last, size) for kind in RightsKind))
    deals = session.execute(
        deals_with_rights(owner_id).where(Deal.id.in_(select(soonest.subquery().c.id)))
    ).all()
    rows = [row for deal in deals for row in rows_of(deal, deal.brand_name, today)]
    return sorted((row for row in rows if row.ending_soon), key=_sort_key)[:size]


def _soonest_ids(owner_id: int, kind: RightsKind, first: date, last: date, size: int) -> Any:
    """The ids of the `size` deals whose `kind` window ends soonest from `first` to `last`."""
    ids = (
        owned(Deal, owner_id, Deal.id)
        .where(ends_between(kind, first, last))
        .order_by(window_end(kind), Deal.id)
        .limit(size)
        .subquery(f"{kind.value}_soonest")
    )
    return select(ids.c.id)


def rights_page(
    session: Session, owner_id: int, today: date, cursor: str | None, size: int
) -> RightsPage:
    """One page of the creator's deals with rights from `cursor` (with the windows ending
    soon on the first page): five statements on page one, three on the others, however
    many deals there are."""

    def rows_for(ids: list[int]) -> Sequence[Any]:
        return session.execute(deals_with_rights(owner_id).where(Deal.id.in_(ids))).all()

    deals = keyset_page(
        session,
        owned(Deal, owner_id).where(has_rights()),
        RIGHTS_ORDER,
        cursor,
        size,
        rows_for=rows_for,
    )
    # A deal's windows in the order they are listed: usage, whitelisting, exclusivity.
    rows = [row for deal in deals.items for row in rows_of(deal, deal.brand_name, today)]
    if deals.newer is not None:  # a later page: the windows ending soon head page one
        return RightsPage([], 0, deals, rows)
    soon = _ending_soon(session, owner_id, today, size)
    total = session.scalar(ending_count_query(owner_id, today, ending_soon_last(today))) or 0
    return RightsPage(soon, int(total), deals, rows)
