"""Expenses: what the work cost, by category, for the net figures and the year summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from crm import creation_tokens, inputs, money
from crm.accounts.models import User
from crm.income.listing import month_days
from crm.income.models import Expense, ExpenseCategory
from crm.income.services import NOTE_MAX, IncomeError, already_saved, check_money
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page


@dataclass(frozen=True)
class ExpenseData:
    spent_on: date
    amount_cents: int
    currency: str
    category: ExpenseCategory = ExpenseCategory.OTHER
    rate_millionths: int | None = None
    note: str = ""


def save_expense(
    session: Session,
    owner: User,
    expense: Expense | None,
    data: ExpenseData,
    today: date,
    token: str | None = None,
) -> Expense:
    """Create or update an expense, converted to the profile's currency at its rate; a
    second submit of a new-expense form (same `token`) raises AlreadyCreated."""
    already = already_saved("expense")
    if expense is None:
        creation_tokens.refuse_repeat(session, Expense, owner.id, token, already)
    problem = inputs.date_problem(data.spent_on, today)
    if problem:
        raise IncomeError(problem, field="spent_on")
    if data.spent_on > today:
        raise IncomeError("An expense can't be in the future.", field="spent_on")
    reporting = owner.currency
    converted = check_money(data.amount_cents, data.currency, data.rate_millionths, reporting)
    if len(data.note) > NOTE_MAX:
        raise IncomeError(f"Keep it under {NOTE_MAX} characters.", field="note")
    new = expense is None
    expense = expense or Expense(owner_id=owner.id, creation_token=token or None)
    expense.spent_on = data.spent_on
    expense.amount_cents = data.amount_cents
    expense.currency = data.currency
    expense.rate_millionths = (
        money.RATE_SCALE if data.currency == reporting else data.rate_millionths or 0
    )
    expense.reporting_cents = converted
    expense.reporting_currency = reporting
    expense.category = data.category
    expense.note = data.note.strip()
    if new:
        creation_tokens.insert_once(session, expense, already)
    session.flush()
    return expense


def delete_expense(session: Session, expense: Expense) -> None:
    """Remove an expense."""
    session.delete(expense)
    session.flush()


EXPENSE_ORDER = Order(
    "expenses", (Key(Expense.spent_on, descending=True), Key(Expense.id, descending=True))
)


def expense_page(
    session: Session,
    owner_id: int,
    month: tuple[int, int] | None,
    cursor: str | None,
    size: int,
) -> Page[Expense]:
    """One page of the creator's expenses (of `month` when given), newest first."""
    statement = owned(Expense, owner_id)
    if month:
        first, following = month_days(*month)
        statement = statement.where(Expense.spent_on >= first, Expense.spent_on < following)
    return keyset_page(session, statement, EXPENSE_ORDER, cursor, size)
