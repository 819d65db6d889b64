"""Income summed per day and stream over a date range: the one query trends and the year share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.income.models import IncomeEntry
from crm.ownership import owned


def daily_stream_sums(
    session: Session, user: User, first: date, following: date, *extra: Any
) -> Sequence[Row[Any]]:
    """(day, stream, cents, *extra) rows for first <= day < following, in the profile's
    currency only (entries saved under another one can't be added to it)."""
    return session.execute(
        owned(
            IncomeEntry,
            user.id,
            IncomeEntry.earned_on,
            IncomeEntry.stream,
            func.sum(IncomeEntry.reporting_cents),
            *extra,
        )
        .where(
            IncomeEntry.earned_on >= first,
            IncomeEntry.earned_on < following,
            IncomeEntry.reporting_currency == user.currency,
        )
        .group_by(IncomeEntry.earned_on, IncomeEntry.stream)
    ).all()
