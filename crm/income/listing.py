"""The income list: filters, its totals (SQL sums), keyset pages and the CSV export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session, joinedload

from crm.brands.csvfile import EXPORT_BATCH, neutralise
from crm.brands.models import Brand
from crm.dates import month_days
from crm.downloads import csv_pieces
from crm.income.models import IncomeEntry, IncomeStatus
from crm.income.rows import IncomeRow, income_rows
from crm.income.sums import kept_totals
from crm.market.facts import Market
from crm.money import format_rate, to_major
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page

OVERDUE = "overdue"
UNPAID = "unpaid"
STATUS_FILTERS = [s.value for s in IncomeStatus] + [UNPAID, OVERDUE]
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """Text that is not a month like 2026-11."""


def parse_month(text: str) -> tuple[int, int]:
    """'2026-11' -> (2026, 11); MonthError for '2026-13', '26-1' or anything else."""
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12 or not 2000 <= int(found[1]) <= 2100:
        raise MonthError(f"{text!r} is not a month like 2026-11.")
    return int(found[1]), int(found[2])


@dataclass(frozen=True)
class IncomeFilters:
    month: tuple[int, int] | None = None
    stream: str = ""
    status: str = ""
    brand_id: int | None = None

    @property
    def month_text(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}" if self.month else ""

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (what the pager and export links keep)."""
        found = {
            "month": self.month_text or "all",
            "stream": self.stream,
            "status": self.status,
            "brand": self.brand_id,
        }
        return {key: value for key, value in found.items() if value}

    def args_but_brand(self) -> dict[str, Any]:
        """The arguments without the brand (what a row's "this brand's income" link keeps)."""
        return {key: value for key, value in self.args().items() if key != "brand"}


def unpaid() -> Any:
    """Not paid yet, said with the value written in so the unpaid partial index serves it."""
    return IncomeEntry.status != literal(IncomeStatus.PAID.value, literal_execute=True)


def overdue(today: date) -> Any:
    return and_(unpaid(), IncomeEntry.due_on.is_not(None), IncomeEntry.due_on < today)


def filtered(owner_id: int, filters: IncomeFilters, today: date) -> Select[Any]:
    """The creator's entries matching `filters` (unordered)."""
    statement = owned(IncomeEntry, owner_id)
    if filters.month:
        first, following = month_days(*filters.month)
        statement = statement.where(
            IncomeEntry.earned_on >= first, IncomeEntry.earned_on < following
        )
    if filters.stream:
        statement = statement.where(IncomeEntry.stream == filters.stream)
    if filters.status == OVERDUE:
        statement = statement.where(overdue(today))
    elif filters.status == UNPAID:
        statement = statement.where(unpaid())
    elif filters.status:
        statement = statement.where(IncomeEntry.status == IncomeStatus(filters.status))
    if filters.brand_id is not None:
        statement = statement.where(IncomeEntry.brand_id == filters.brand_id)
    return statement


@dataclass(frozen=True)
class Totals:
    """Sums in the reporting currency of the entries a filter matches."""

    count: int
    earned_cents: int
    paid_cents: int
    outstanding_cents: int
    overdue_cents: int
    # Entries saved under another profile currency: not in these sums (they can't be added).
    other_currency: int


def totals(
    session: Session, owner_id: int, filters: IncomeFilters, reporting: str, today: date
) -> Totals:
    """The filtered entries' totals, summed by the database (one query).

    Two parts in one statement: the count and what was earned, and the unpaid entries alone
    (the unpaid partial index) for what is outstanding and overdue; paid is earned less
    outstanding (an entry is paid or it is not). Filtered by month and stream only, the count
    and the earnings come from the kept month sums (crm.income.sums: at most a row per month
    and stream, however many entries); by status or brand, from the matching entries.
    """
    same = IncomeEntry.reporting_currency == reporting
    matching = filtered(owner_id, filters, today)
    if filters.status or filters.brand_id is not None:
        every = matching.with_only_columns(
            func.count().filter(same),
            func.coalesce(func.sum(IncomeEntry.reporting_cents).filter(same), 0),
            func.count().filter(IncomeEntry.reporting_currency != reporting),
            maintain_column_froms=True,
        ).subquery("every_entry")
    else:  # a month or all of them, a stream or all: the kept sums hold it
        every = kept_totals(owner_id, reporting, filters.month, filters.stream).subquery(
            "every_entry"
        )
    late = and_(IncomeEntry.due_on.is_not(None), IncomeEntry.due_on < today)
    owed = (
        matching.where(unpaid(), same)
        .with_only_columns(
            func.coalesce(func.sum(IncomeEntry.reporting_cents), 0),
            func.coalesce(func.sum(IncomeEntry.reporting_cents).filter(late), 0),
            maintain_column_froms=True,
        )
        .subquery("unpaid_entries")
    )
    # One row each: joined on nothing, they make the one row of totals.
    both = select(every, owed).join_from(every, owed, true())
    count, earned, other, outstanding, overdue_cents = (
        int(value or 0) for value in session.execute(both).one()
    )
    return Totals(count, earned, earned - outstanding, outstanding, overdue_cents, other)


# Newest first; the id breaks ties between entries of one day.
LIST_ORDER = Order(
    "income", (Key(IncomeEntry.earned_on, descending=True), Key(IncomeEntry.id, descending=True))
)


def brand_totals(
    session: Session, owner_id: int, brand_id: int, currency: str, today: date
) -> Totals:
    """What the creator earned from one brand in every month (the brand page's box)."""
    return totals(session, owner_id, IncomeFilters(month=None, brand_id=brand_id), currency, today)


def list_page(
    session: Session,
    owner_id: int,
    filters: IncomeFilters,
    today: date,
    cursor: str | None,
    size: int,
) -> Page[IncomeRow]:
    """One page of the filtered list, newest first, each row with its brand's name."""
    return keyset_page(
        session,
        filtered(owner_id, filters, today),
        LIST_ORDER,
        cursor,
        size,
        rows_for=lambda ids: income_rows(session, owner_id, ids),
    )


CSV_COLUMNS = [
    "date",
    "stream",
    "program",
    "brand",
    "amount",
    "currency",
    "rate",
    "reporting_amount",
    "reporting_currency",
    "status",
    "due",
    "paid",
    "overdue",
    "note",
]


def entry_cells(entry: IncomeEntry, today: date, market: Market) -> list[str]:
    """One CSV row: amounts in major units as typed (12.50), dates as ISO days."""
    return [
        entry.earned_on.isoformat(),
        market.stream_label(entry.stream),
        entry.program,
        entry.brand.name if entry.brand else "",
        str(to_major(entry.amount_cents)),
        entry.currency,
        format_rate(entry.rate_millionths),
        str(to_major(entry.reporting_cents)),
        entry.reporting_currency,
        entry.status.value,
        entry.due_on.isoformat() if entry.due_on else "",
        entry.paid_on.isoformat() if entry.paid_on else "",
        "yes" if entry.is_overdue(today) else "",
        entry.note,
    ]


def export_csv(
    session: Session, owner_id: int, filters: IncomeFilters, today: date, market: Market
) -> Iterator[str]:
    """The filtered entries as CSV text in pieces, oldest first, formulas neutralised."""
    entries = session.scalars(
        filtered(owner_id, filters, today)
        .order_by(IncomeEntry.earned_on, IncomeEntry.id)
        .options(joinedload(IncomeEntry.brand))
        .execution_options(yield_per=EXPORT_BATCH)
    )
    try:
        rows = (
            [neutralise(cell) for cell in entry_cells(entry, today, market)] for entry in entries
        )
        yield from csv_pieces(CSV_COLUMNS, rows, EXPORT_BATCH)
    finally:
        entries.close()  # a download dropped halfway: PostgreSQL's server-side cursor too


def brand_name(session: Session, owner_id: int, brand_id: int | None) -> str | None:
    """The name of the creator's brand the list is filtered to (None: not theirs or none)."""
    if brand_id is None:
        return None
    return session.scalars(owned(Brand, owner_id, Brand.name).where(Brand.id == brand_id)).first()


# The brand filter lists the brands of the latest branded entries, not every brand the
# creator ever earned from: an account of 100,000 brands and 10,000 entries costs the same
# walk of a few hundred index rows as a new one. A brand page links to all its income.
BRANDS_SCANNED = 500
BRANDS_LISTED = 100


def brands_earned_from(session: Session, owner_id: int) -> list[tuple[int, str]]:
    """(id, name) of the brands the creator earned from lately, A-Z (one query)."""
    values = {"owner_id": owner_id, "scanned": BRANDS_SCANNED, "listed": BRANDS_LISTED}
    rows = session.execute(_brands_earned_statement(), values)
    return [(brand_id, name) for brand_id, name in rows]


@cache
def _brands_earned_statement() -> Select[Any]:
    """Built once (every income list runs it; building its subqueries cost more than its
    SQL on SQLite); the owner and the two limits are bound parameters."""
    owner_id = bindparam("owner_id", type_=Integer)
    latest = (
        owned(IncomeEntry, owner_id, IncomeEntry.brand_id, IncomeEntry.earned_on)
        .where(IncomeEntry.brand_id.is_not(None))
        .order_by(IncomeEntry.earned_on.desc(), IncomeEntry.id.desc())
        .limit(bindparam("scanned", type_=Integer))
        .subquery()
    )
    brands = (
        select(latest.c.brand_id)
        .group_by(latest.c.brand_id)
        .order_by(func.max(latest.c.earned_on).desc(), latest.c.brand_id.desc())
        .limit(bindparam("listed", type_=Integer))
        .subquery()
    )
    return (
        owned(Brand, owner_id, Brand.id, Brand.name)
        .join(brands, Brand.id == brands.c.brand_id)
        .order_by(Brand.name_key, Brand.id)
    )


def is_month(text: str) -> bool:
    """True for text like 2026-11 (a month parse_month takes)."""
    try:
        parse_month(text)
    except MonthError:
        return False
    return True


@dataclass(frozen=True)
class Owed:
    """What is still to come in, in any month: unpaid, and of that past its due date."""

    outstanding_cents: int
    overdue_cents: int
    overdue_count: int

    @property
    def not_due_cents(self) -> int:
        """Unpaid and not overdue (no due date, or not past it): owed, apart from overdue."""
        return self.outstanding_cents - self.overdue_cents


def owed(session: Session, owner_id: int, reporting: str, today: date) -> Owed:
    """Unpaid income of every month (one query over the unpaid partial index)."""
    values = {"owner_id": owner_id, "currency": reporting, "today": today}
    return owed_from(session.execute(owed_statement(), values).one())


def owed_from(row: Any) -> Owed:
    """A row holding owed_statement's columns (by their labels) as what is owed."""
    return Owed(int(row.owed_cents), int(row.owed_overdue_cents), int(row.owed_overdue_count))


@cache
def owed_statement() -> Select[Any]:
    """Built once (the dashboard runs it on every visit); bound parameters owner_id,
    currency and today. One row, its columns labelled for the dashboard's own select."""
    today = bindparam("today", type_=Date)
    late = and_(IncomeEntry.due_on.is_not(None), IncomeEntry.due_on < today)
    return owned(
        IncomeEntry,
        bindparam("owner_id", type_=Integer),
        func.coalesce(func.sum(IncomeEntry.reporting_cents), 0).label("owed_cents"),
        func.coalesce(func.sum(case((late, IncomeEntry.reporting_cents), else_=0)), 0).label(
            "owed_overdue_cents"
        ),
        func.count(case((late, 1))).label("owed_overdue_count"),
    ).where(unpaid(), IncomeEntry.reporting_currency == bindparam("currency", type_=String))
