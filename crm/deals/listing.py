"""The deal list: one page newest first, each deal's next deliverable due, the active totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, text
from sqlalchemy.orm import Session, selectinload

from crm.deals.models import NOT_POSTED_SQL, Deal, DealKind, DealStatus, Deliverable
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Key, Order, Page, keyset_page

# Newest first: ids grow with time, and every (owner, status|kind, id) index serves it.
LIST_ORDER = Order("deals", (Key(Deal.id, descending=True),))


@dataclass(frozen=True)
class DealFilters:
    status: DealStatus | None = None
    kind: DealKind | None = None

    def args(self) -> dict[str, str]:
        """The filters as query arguments (for the pager's links)."""
        found = {"status": self.status, "kind": self.kind}
        return {name: value.value for name, value in found.items() if value is not None}


@dataclass(frozen=True)
class ActiveTotal:
    """Active deals in one currency: the cash agreed, and gifted products' worth apart."""

    currency: str
    count: int
    cash_cents: int
    gifted_cents: int


def list_deals(
    session: Session,
    owner_id: int,
    filters: DealFilters,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
) -> Page[Deal]:
    """One page of the creator's deals from `cursor`, newest first, brands loaded."""
    statement = owned(Deal, owner_id)
    if filters.status is not None:
        statement = statement.where(Deal.status == filters.status)
    if filters.kind is not None:
        statement = statement.where(Deal.kind == filters.kind)
    return keyset_page(
        session,
        statement,
        LIST_ORDER,
        cursor,
        size,
        options=(selectinload(Deal.brand),),
        count_cap=count_cap,
    )


def next_due(session: Session, owner_id: int, deal_ids: list[int]) -> dict[int, date]:
    """Each deal's soonest due date among its deliverables not posted yet (one query)."""
    if not deal_ids:
        return {}
    statement = (
        owned(Deliverable, owner_id, Deliverable.deal_id, func.min(Deliverable.due_on))
        .where(Deliverable.deal_id.in_(deal_ids), text(NOT_POSTED_SQL))
        .group_by(Deliverable.deal_id)
    )
    return {deal_id: due for deal_id, due in session.execute(statement) if due is not None}


def active_totals(session: Session, owner_id: int, kind: DealKind | None) -> list[ActiveTotal]:
    """The active deals' cash and gifted worth, summed in SQL per currency (never together)."""
    statement = (
        owned(
            Deal,
            owner_id,
            Deal.currency,
            func.count(Deal.id),
            func.coalesce(func.sum(Deal.amount_cents), 0),
            func.coalesce(func.sum(Deal.gifted_value_cents), 0),
        )
        .where(Deal.status == DealStatus.ACTIVE)
        .group_by(Deal.currency)
        .order_by(Deal.currency)
    )
    if kind is not None:
        statement = statement.where(Deal.kind == kind)
    return [ActiveTotal(*row) for row in session.execute(statement)]
