"""Factories for the income area; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.income import expenses, live, services
from crm.income.models import (
    Expense,
    ExpenseCategory,
    IncomeEntry,
    IncomeStatus,
    LiveFormat,
    LiveSession,
)
from crm.market.seed import installed_market

_counter = itertools.count(1)
# The creator's "today" in these tests, unless a test says otherwise.
TODAY = date(2026, 11, 20)


def make_income(session: Session, owner: User, **overrides: Any) -> IncomeEntry:
    """An entry saved through the service (so its conversion and checks are the real ones)."""
    values: dict[str, Any] = {
        "earned_on": TODAY - timedelta(days=next(_counter) % 15),
        "amount_cents": 15_000,
        "currency": owner.currency,
        "stream": "ugc",
        "status": IncomeStatus.EXPECTED,
    }
    values.update(overrides)
    today = values.pop("today", TODAY)
    entry = services.save_entry(
        session, owner, None, services.EntryData(**values), today, installed_market()
    )
    session.commit()
    return entry


ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {"entry_id": make_income}


def make_expense(session: Session, owner: User, **overrides: Any) -> Expense:
    """An expense saved through the service."""
    values: dict[str, Any] = {
        "spent_on": TODAY - timedelta(days=next(_counter) % 15),
        "amount_cents": 4_999,
        "currency": owner.currency,
        "category": ExpenseCategory.SOFTWARE,
    }
    values.update(overrides)
    today = values.pop("today", TODAY)
    expense = expenses.save_expense(session, owner, None, expenses.ExpenseData(**values), today)
    session.commit()
    return expense


ID_FACTORIES["expense_id"] = make_expense


def make_live(session: Session, owner: User, **overrides: Any) -> LiveSession:
    """A LIVE session saved through the service (its entry too, when a value is set)."""
    values: dict[str, Any] = {
        "held_on": TODAY - timedelta(days=next(_counter) % 15),
        "format": LiveFormat.QA,
        "duration_minutes": 60,
        "diamonds": 2_000,
    }
    values.update(overrides)
    today = values.pop("today", TODAY)
    found = live.save_session(
        session, owner, None, live.SessionData(**values), today, installed_market()
    )
    session.commit()
    return found


ID_FACTORIES["live_id"] = make_live
