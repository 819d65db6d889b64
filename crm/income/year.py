"""The year summary: income by stream and by month, expenses and net, as a table and a CSV.

Two aggregate queries (income per day and stream, expenses per day and category), folded
into months here: a year has at most a few thousand such groups, whatever the entries.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.csvfile import neutralise
from crm.income.models import Expense, ExpenseCategory
from crm.income.sums import monthly_stream_sums
from crm.market.facts import Market
from crm.money import to_major
from crm.ownership import owned

YEAR_MIN, YEAR_MAX = 2000, 2100


@dataclass(frozen=True)
class MonthRow:
    month: int
    by_stream: dict[str, int]
    earned_cents: int
    paid_cents: int
    expenses_cents: int

    @property
    def net_cents(self) -> int:
        return self.earned_cents - self.expenses_cents


@dataclass(frozen=True)
class YearSummary:
    year: int
    currency: str
    months: tuple[MonthRow, ...]
    streams: dict[str, int]
    expenses_by_category: dict[str, int]

    @property
    def earned_cents(self) -> int:
        return sum(row.earned_cents for row in self.months)

    @property
    def paid_cents(self) -> int:
        return sum(row.paid_cents for row in self.months)

    @property
    def expenses_cents(self) -> int:
        return sum(row.expenses_cents for row in self.months)

    @property
    def net_cents(self) -> int:
        return self.earned_cents - self.expenses_cents


def year_summary(session: Session, user: User, year: int) -> YearSummary:
    """`user`'s year in the profile's currency (two queries)."""
    first, following = date(year, 1, 1), date(year + 1, 1, 1)
    income = monthly_stream_sums(session, user, first, following)
    by_month, paid_by_month, streams = _fold_income(income)
    expenses_by_month, categories = _fold_expenses(_daily_expenses(session, user, first, following))
    months = tuple(
        MonthRow(m, by_month[m], sum(by_month[m].values()), paid_by_month[m], expenses_by_month[m])
        for m in range(1, 13)
    )
    return YearSummary(year, user.currency, months, streams, categories)


def _daily_expenses(
    session: Session, user: User, first: date, following: date
) -> Sequence[Row[Any]]:
    """(day, category, cents) for each day and category with expenses in [first, following)."""
    return session.execute(
        owned(
            Expense, user.id, Expense.spent_on, Expense.category, func.sum(Expense.reporting_cents)
        )
        .where(
            Expense.spent_on >= first,
            Expense.spent_on < following,
            Expense.reporting_currency == user.currency,
        )
        .group_by(Expense.spent_on, Expense.category)
    ).all()


def _fold_income(
    income: Iterable[Sequence[Any]],
) -> tuple[dict[int, dict[str, int]], dict[int, int], dict[str, int]]:
    """((year, month), stream, cents, paid cents) into income per month and stream, paid per
    month, and the year per stream."""
    by_month: dict[int, dict[str, int]] = {m: {} for m in range(1, 13)}
    paid_by_month = dict.fromkeys(range(1, 13), 0)
    streams: dict[str, int] = {}
    for (_year, month), stream, cents, paid_cents in income:
        row = by_month[month]
        row[stream] = row.get(stream, 0) + int(cents)
        paid_by_month[month] += int(paid_cents)
        streams[stream] = streams.get(stream, 0) + int(cents)
    return by_month, paid_by_month, streams


def _fold_expenses(spent: Iterable[Sequence[Any]]) -> tuple[dict[int, int], dict[str, int]]:
    """Daily (day, category, cents) into expenses per month and the year per category."""
    by_month = dict.fromkeys(range(1, 13), 0)
    categories: dict[str, int] = {}
    for day, category, cents in spent:
        key = ExpenseCategory(category).value
        by_month[day.month] += int(cents)
        categories[key] = categories.get(key, 0) + int(cents)
    return by_month, categories


def year_csv(summary: YearSummary, market: Market) -> str:
    """The summary as CSV: a row a month and a total row; amounts in major units."""
    keys = [s.key for s in market.streams]
    keys += sorted(set(summary.streams) - set(keys))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["month", *(market.stream_label(k) for k in keys), "income", "paid", "expenses"]
    writer.writerow([neutralise(cell) for cell in [*header, "net", "currency"]])
    for row in summary.months:
        writer.writerow(
            [
                f"{summary.year:04d}-{row.month:02d}",
                *(str(to_major(row.by_stream.get(k, 0))) for k in keys),
                *(str(to_major(c)) for c in (row.earned_cents, row.paid_cents, row.expenses_cents)),
                str(to_major(row.net_cents)),
                summary.currency,
            ]
        )
    totals = (summary.earned_cents, summary.paid_cents, summary.expenses_cents, summary.net_cents)
    writer.writerow(
        [
            "total",
            *(str(to_major(summary.streams.get(k, 0))) for k in keys),
            *(str(to_major(c)) for c in totals),
            summary.currency,
        ]
    )
    return out.getvalue()
