"""The dashboard's money and rights numbers from deals: invoices outstanding and overdue, per
currency, and rights ending within 14 days, in one statement.

Invoice totals are their kept lines totals (CASE splits out the overdue ones); the rights count
reads each kind of window's index range of last days (crm.deals.rights_sql), so no deal is
read into Python and no deal outside the range is read at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, Select, bindparam, case, func, select, true
from sqlalchemy.orm import Session

from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.rights import ENDING_SOON_DAYS
from crm.deals.rights_sql import ending_count_query
from crm.ownership import owned


def rights_ending_soon_query(owner_id: Any, today: Any, last: Any) -> Select[Any]:
    """How many windows (usage, whitelisting, exclusivity) end from `today` to `last`: one row,
    one index range (owner, last day) per kind."""
    return ending_count_query(owner_id, today, last)


@dataclass(frozen=True)
class InvoiceMoney:
    """Sent invoices not paid yet, and those of them past their due date, in one currency."""

    currency: str
    outstanding_count: int
    outstanding_cents: int
    overdue_count: int
    overdue_cents: int

    @property
    def not_due_count(self) -> int:
        """The outstanding ones not overdue: the dashboard's "due" card, apart from overdue."""
        return self.outstanding_count - self.overdue_count

    @property
    def not_due_cents(self) -> int:
        return self.outstanding_cents - self.overdue_cents


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

    @property
    def not_due_count(self) -> int:
        return sum(row.not_due_count for row in self.invoices)


def _invoice_totals(owner_id: Any, today: Any) -> Select[Any]:
    """Sent invoices per currency, and the overdue ones, from ix_invoices_owner_status_due
    alone: it holds each invoice's currency and kept lines total (no line is read)."""
    late = Invoice.due_on < today
    amount = Invoice.lines_total_cents
    return (
        owned(
            Invoice,
            owner_id,
            Invoice.currency.label("currency"),
            func.count().label("outstanding_count"),
            func.coalesce(func.sum(amount), 0).label("outstanding_cents"),
            func.count(case((late, 1))).label("overdue_count"),
            func.coalesce(func.sum(case((late, amount), else_=0)), 0).label("overdue_cents"),
        )
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
