"""The income list's rows as plain values: what a row shows, read as columns, not ORM objects.

Each row was an IncomeEntry with its Brand joined in as ORM objects (identity map, attribute
instrumentation, a Brand per row); the list shows ten of their columns, read here in the
same one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_
from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.income.models import IncomeEntry, IncomeStatus
from crm.ownership import owned


@dataclass(frozen=True, slots=True)
class IncomeRow:
    """One income entry as the list shows it, with its brand's name."""

    id: int
    earned_on: date
    note: str
    stream: str
    program: str
    amount_cents: int
    currency: str
    rate_millionths: int
    reporting_cents: int
    reporting_currency: str
    status: IncomeStatus
    due_on: date | None
    paid_on: date | None
    # None when the entry has no brand.
    brand_id: int | None
    brand_name: str | None

    def is_overdue(self, today: date) -> bool:
        """Unpaid and past its due date (as IncomeEntry.is_overdue)."""
        return (
            self.status is not IncomeStatus.PAID and self.due_on is not None and self.due_on < today
        )


_SHOWN = (
    IncomeEntry.id,
    IncomeEntry.earned_on,
    IncomeEntry.note,
    IncomeEntry.stream,
    IncomeEntry.program,
    IncomeEntry.amount_cents,
    IncomeEntry.currency,
    IncomeEntry.rate_millionths,
    IncomeEntry.reporting_cents,
    IncomeEntry.reporting_currency,
    IncomeEntry.status,
    IncomeEntry.due_on,
    IncomeEntry.paid_on,
    Brand.id,
    Brand.name,
)


def income_rows(session: Session, owner_id: int, ids: Sequence[int]) -> list[IncomeRow]:
    """The rows of the creator's entries `ids` (any order), brand joined: one query."""
    statement = (
        owned(IncomeEntry, owner_id, *_SHOWN)
        .outerjoin(Brand, and_(Brand.id == IncomeEntry.brand_id, Brand.owner_id == owner_id))
        .where(IncomeEntry.id.in_(ids))
    )
    return [IncomeRow(*row) for row in session.execute(statement)]
