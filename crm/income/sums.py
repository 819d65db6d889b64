"""Income summed per month and stream: the kept sums (income_month_sums) and their checks.

The year summary, the trends chart and the income list's totals read `income_month_sums`,
a row per (creator, month, stream, reporting currency) that database triggers keep in
step with every entry written (migration 0037), so a year costs at most twelve months of
a few streams, however many entries they hold. This module reads those rows, counts the
same sums from the entries themselves (tests compare the two), and recounts them when
asked (`crm income rebuild-sums`).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    case,
    func,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from crm.accounts.models import User
from crm.income.models import IncomeEntry, IncomeMonthSum, IncomeStatus
from crm.kept_counts import Kept
from crm.ownership import owned


class MonthOf(ColumnElement[str]):
    """A date column's month as text, '2026-11': the key of the kept sums.

    SQLite stores a date as ISO text (its first seven characters are the month);
    PostgreSQL formats it. The triggers of migration 0037 say the same in their SQL.
    """

    inherit_cache = True
    type = String()
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column


@compiles(MonthOf, "sqlite")
def _month_on_sqlite(element: MonthOf, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.column, **kw)}, 1, 7)"


@compiles(MonthOf)
def _month_elsewhere(element: MonthOf, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.column, **kw)}, 'YYYY-MM')"


def month_key(day: date) -> str:
    """The kept sums' month of a day: '2026-11'."""
    return f"{day.year:04d}-{day.month:02d}"


def _first_of_month(day: date) -> str:
    if day.day != 1:
        raise ValueError(f"the kept sums start and end on a month's first day, not {day}")
    return month_key(day)


def monthly_stream_sums(
    session: Session, user: User, first: date, following: date
) -> list[tuple[tuple[int, int], str, int, int]]:
    """((year, month), stream, earned cents, paid cents) for the months from `first` up to
    `following` (each the first day of a month), in the profile's currency only (entries
    saved under another one can't be added to it): one range of the kept sums."""
    values = {
        "owner_id": user.id,
        "currency": user.currency,
        "first": _first_of_month(first),
        "following": _first_of_month(following),
    }
    return [
        ((int(month[:4]), int(month[5:7])), stream, int(earned), int(paid))
        for month, stream, earned, paid in session.execute(_monthly_statement(), values)
    ]


@cache
def _monthly_statement() -> Select[Any]:
    return (
        owned(
            IncomeMonthSum,
            bindparam("owner_id", type_=Integer),
            IncomeMonthSum.month,
            IncomeMonthSum.stream,
            IncomeMonthSum.earned_cents,
            IncomeMonthSum.paid_cents,
        )
        .where(
            IncomeMonthSum.month >= bindparam("first", type_=String),
            IncomeMonthSum.month < bindparam("following", type_=String),
            IncomeMonthSum.reporting_currency == bindparam("currency", type_=String),
            IncomeMonthSum.entries > 0,
        )
        .order_by(IncomeMonthSum.month, IncomeMonthSum.stream)
    )


def kept_totals(
    owner_id: int, reporting: str, month: tuple[int, int] | None, stream: str
) -> Select[Any]:
    """One row from the kept sums: (entries in `reporting`, what they earned, entries in
    another currency), over one month or every one, one stream or all."""
    same = IncomeMonthSum.reporting_currency == reporting
    statement = owned(
        IncomeMonthSum,
        owner_id,
        func.coalesce(func.sum(case((same, IncomeMonthSum.entries), else_=0)), 0),
        func.coalesce(func.sum(case((same, IncomeMonthSum.earned_cents), else_=0)), 0),
        func.coalesce(func.sum(case((same, 0), else_=IncomeMonthSum.entries)), 0),
    )
    if month is not None:
        statement = statement.where(IncomeMonthSum.month == f"{month[0]:04d}-{month[1]:02d}")
    if stream:
        statement = statement.where(IncomeMonthSum.stream == stream)
    return statement


_KEY = (IncomeEntry.owner_id, MonthOf(IncomeEntry.earned_on), IncomeEntry.stream)


def _counted(owner_id: int | None) -> Select[Any]:
    paid = case((IncomeEntry.status == IncomeStatus.PAID, IncomeEntry.reporting_cents), else_=0)
    statement = select(
        *_KEY,
        IncomeEntry.reporting_currency,
        func.count(),
        func.sum(IncomeEntry.reporting_cents),
        func.sum(paid),
    ).group_by(*_KEY, IncomeEntry.reporting_currency)
    if owner_id is not None:
        statement = statement.where(IncomeEntry.owner_id == owner_id)
    return statement


MONTH_SUMS = Kept(
    source="income_entries",
    model=IncomeMonthSum,
    columns=(
        "owner_id",
        "month",
        "stream",
        "reporting_currency",
        "entries",
        "earned_cents",
        "paid_cents",
    ),
    keys=4,
    counted=_counted,
    live=lambda: IncomeMonthSum.entries != 0,
)


def counted_from_entries(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """{(owner, month, stream, currency): (entries, earned, paid)} from the entries."""
    return MONTH_SUMS.expected(session, owner_id)


def kept_sums(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """The same mapping read from `income_month_sums`, rows counted down to 0 left out."""
    return MONTH_SUMS.kept(session, owner_id)


def rebuild_sums(session: Session) -> int:
    """Recount every kept sum from the entries; returns how many were wrong (flushes only)."""
    return MONTH_SUMS.rebuild(session)
