"""Income summed per month and stream over a date range: the one query trends and the year share."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

from crm.accounts.models import User
from crm.income.models import IncomeEntry
from crm.ownership import owned


class MonthOf(ColumnElement[str]):
    """A date column's month as text, '2026-11': what the month sums group by.

    Grouped by day instead, a year of entries came back as some 1,500 rows (a day and a
    stream each) that Python folded into months, each with its date parsed: three times the
    cost of the SQL on SQLite. SQLite stores a date as ISO text (its first seven characters
    are the month); PostgreSQL formats it.
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


def monthly_stream_sums(
    session: Session, user: User, first: date, following: date, *extra: Any
) -> list[tuple[Any, ...]]:
    """((year, month), stream, cents, *extra) rows for first <= day < following, in the
    profile's currency only (entries saved under another one can't be added to it)."""
    month = MonthOf(IncomeEntry.earned_on)
    rows = session.execute(
        owned(
            IncomeEntry,
            user.id,
            month,
            IncomeEntry.stream,
            func.sum(IncomeEntry.reporting_cents),
            *extra,
        )
        .where(
            IncomeEntry.earned_on >= first,
            IncomeEntry.earned_on < following,
            IncomeEntry.reporting_currency == user.currency,
        )
        .group_by(month, IncomeEntry.stream)
    )
    return [((int(key[:4]), int(key[5:7])), *rest) for key, *rest in rows]
