"""The dashboard's money and rights numbers from deals: invoices outstanding and overdue, per
currency, and rights ending within 14 days, in one statement.

Invoice totals are their lines' sums (CASE splits out the overdue ones); the rights count
computes each window's end in SQL (start + days - 1, as crm.deals.rights.window_end does)
so no deal is read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, and_, bindparam, case, func, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from crm.deals.models import Deal
from crm.deals.rights import ENDING_SOON_DAYS
from crm.deals.rights_rows import has_rights
from crm.ownership import owned


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


def _ends_soon(start: Any, days: Any, today: Any, last: Any) -> ColumnElement[bool]:
    end = _WindowEnd(start, days)
    return and_(start.is_not(None), days.is_not(None), end >= today, end <= last)


def _one_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def rights_ending_soon_query(owner_id: Any, today: Any, last: Any) -> Select[Any]:
    """How many windows (usage, whitelisting, exclusivity) end from `today` to `last`: one row."""
    usage = and_(
        Deal.usage_perpetual.is_(False),
        _ends_soon(Deal.usage_start, Deal.usage_days, today, last),
    )
    windows = (
        _one_if(usage)
        + _one_if(_ends_soon(Deal.whitelisting_start, Deal.whitelisting_days, today, last))
        + _one_if(_ends_soon(Deal.exclusivity_start, Deal.exclusivity_days, today, last))
    )
    return owned(Deal, owner_id, func.coalesce(func.sum(windows), 0)).where(has_rights())


@dataclass(frozen=True)
class InvoiceMoney:
    """Sent invoices not paid yet, and those of them past their due date, in one currency."""

    currency: str
    outstanding_count: int
    outstanding_cents: int
    overdue_count: int
    overdue_cents: int


@dataclass(frozen=True)
class DealNumbers:
    invoices: tuple[InvoiceMoney, ...]  # one per currency with sent invoices, by currency
    rights_ending_soon: int

    @property
    def outstanding_count(self) -> int:
        return sum(row.outstanding_count for row in self.invoices)

    @property
    def overdue_count(self) -> int:
        return sum(row.overdue_count for row in self.invoices)


def _invoice_totals(owner_id: Any, today: Any) -> Select[Any]:
    late = Invoice.due_on < today
    amount = InvoiceLine.quantity * InvoiceLine.unit_cents
    return (
        owned(
            Invoice,
            owner_id,
            Invoice.currency.label("currency"),
            func.count(func.distinct(Invoice.id)).label("outstanding_count"),
            func.coalesce(func.sum(amount), 0).label("outstanding_cents"),
            func.count(func.distinct(case((late, Invoice.id)))).label("overdue_count"),
            func.coalesce(func.sum(case((late, amount), else_=0)), 0).label("overdue_cents"),
        )
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(Invoice.status == InvoiceStatus.SENT)
        .group_by(Invoice.currency)
    )


def deal_numbers(session: Session, owner_id: int, today: date) -> DealNumbers:
    """Invoices outstanding and overdue per currency, and rights ending soon, in one query."""
    last = today + timedelta(days=ENDING_SOON_DAYS - 1)
    values = {"owner_id": owner_id, "today": today, "last": last}
    rows = session.execute(_deal_numbers_statement(), values).all()
    found = tuple(
        InvoiceMoney(
            row.currency,
            int(row.outstanding_count),
            int(row.outstanding_cents),
            int(row.overdue_count),
            int(row.overdue_cents),
        )
        for row in rows
        if row.currency is not None
    )
    return DealNumbers(found, int(rows[0].rights_soon or 0))


@cache
def _deal_numbers_statement() -> Select[Any]:
    """The dashboard's deals query, built once (building it cost more than running it); the
    owner, today and the last day of "ending soon" are bound parameters.

    The rights count is a scalar subquery on every row; the invoice totals are outer-joined
    to a one-row select, so an account with no sent invoice still gets its row.
    """
    owner_id = bindparam("owner_id", type_=Integer)
    today, last = bindparam("today", type_=Date), bindparam("last", type_=Date)
    totals = _invoice_totals(owner_id, today).subquery("invoice_totals")
    soon = rights_ending_soon_query(owner_id, today, last).scalar_subquery().label("rights_soon")
    return (
        select(soon, totals)
        .select_from(select(true().label("one")).subquery("one"))
        .outerjoin(totals, true())
        .order_by(totals.c.currency)
    )
