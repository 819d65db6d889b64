"""Income operations: checking and saving an entry, the rates a creator used before.

Every check lives here, not in the form, so the CLI and any import are held to the
same rules as the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from crm import creation_tokens, inputs, money
from crm.accounts.models import User
from crm.brands.models import Brand
from crm.brands.normalise import InvalidValue, name_key
from crm.creation_tokens import AlreadyCreated, CreatedOnce
from crm.errors import FieldError
from crm.income.models import AMOUNT_MAX_CENTS, Expense, IncomeEntry, IncomeStatus
from crm.market.facts import Market
from crm.ownership import get_owned, owned

NOTE_MAX = 500
PROGRAM_MAX = 80
BRAND_MAX = 200
AFFILIATE = "affiliate"


class IncomeError(FieldError):
    """A refused income change; `field` names the form field it belongs next to."""


def already_saved(what: str) -> Callable[[CreatedOnce], AlreadyCreated]:
    """The refusal of a second submit of a new-`what` form, pointing at the first record."""
    return lambda first: AlreadyCreated(first, f"That {what} was already saved; here it is.")


@dataclass(frozen=True)
class EntryData:
    earned_on: date
    amount_cents: int
    currency: str
    stream: str
    status: IncomeStatus = IncomeStatus.EXPECTED
    # Units of the reporting currency per unit of `currency`, in millionths; None when
    # the entry is in the reporting currency (a foreign one without it is refused).
    rate_millionths: int | None = None
    program: str = ""
    brand: str = ""  # the name of one of the creator's brands, or empty
    note: str = ""
    due_on: date | None = None
    paid_on: date | None = None


def check_entry(data: EntryData, reporting: str, today: date, market: Market) -> EntryData:
    """The entry as it will be stored (paid date filled in), or an IncomeError by its field."""
    for name in ("earned_on", "due_on", "paid_on"):
        day = getattr(data, name)
        problem = inputs.date_problem(day, today) if day is not None else None
        if problem:
            raise IncomeError(problem, field=name)
    check_money(data.amount_cents, data.currency, data.rate_millionths, reporting)
    if data.stream not in {s.key for s in market.streams}:
        raise IncomeError("Pick one of the income streams.", field="stream")
    if data.program and data.stream != AFFILIATE:
        raise IncomeError("Only affiliate income has a program; clear it.", field="program")
    for name, most in (("program", PROGRAM_MAX), ("note", NOTE_MAX), ("brand", BRAND_MAX)):
        if len(getattr(data, name)) > most:
            raise IncomeError(f"Keep it under {most} characters.", field=name)
    if data.due_on is not None and data.due_on < data.earned_on:
        raise IncomeError("The due date can't be before the entry's date.", field="due_on")
    return _check_paid(data, today)


def check_money(cents: int, currency: str, rate: int | None, reporting: str) -> int:
    """The amount in the reporting currency; refuses 0, over 10 million, a foreign
    currency without its rate (fields: amount, currency, rate)."""
    if cents <= 0:
        raise IncomeError("Enter an amount above 0.", field="amount")
    if cents > AMOUNT_MAX_CENTS:
        raise IncomeError("That's over 10 million: check for an extra digit.", field="amount")
    if currency not in money.CURRENCIES:
        raise IncomeError("Pick one of the currencies.", field="currency")
    if currency == reporting:
        return cents
    if not rate:
        raise IncomeError(
            f"Enter the rate: how many {reporting} one {currency} was worth that day.",
            field="rate",
        )
    converted = money.convert(cents, rate)
    if converted <= 0:
        raise IncomeError(f"At this rate that's 0 {reporting}: check the rate.", field="rate")
    if converted > AMOUNT_MAX_CENTS:
        raise IncomeError(
            f"At this rate that's over 10 million {reporting}: check the rate.", field="rate"
        )
    return converted


def _check_paid(data: EntryData, today: date) -> EntryData:
    if data.paid_on is not None and data.paid_on > today:
        raise IncomeError("The paid date can't be in the future.", field="paid_on")
    if data.status is not IncomeStatus.PAID:
        if data.paid_on is not None:
            raise IncomeError("Set the status to paid, or clear the paid date.", field="paid_on")
        return data
    if data.paid_on is None:
        # Marked paid without a day: the entry's own date, unless that is still ahead.
        return replace(data, paid_on=min(data.earned_on, today))
    return data


def find_brand(session: Session, owner_id: int, name: str) -> Brand | None:
    """The creator's brand called `name` (any case), None for an empty name.

    Another creator's brand is never found: the lookup is scoped to the owner.
    """
    if not name.strip():
        return None
    try:
        key = name_key(name)
    except InvalidValue as error:
        raise IncomeError(str(error), field="brand") from None
    found = session.scalars(
        owned(Brand, owner_id).where(Brand.name_key == key).order_by(Brand.id).limit(1)
    ).first()
    if found is None:
        raise IncomeError(
            f"You have no brand called {name.strip()!r}: add it on the Brands page first, "
            "or leave this empty.",
            field="brand",
        )
    return found


def save_entry(
    session: Session,
    owner: User,
    entry: IncomeEntry | None,
    data: EntryData,
    today: date,
    market: Market,
    token: str | None = None,
) -> IncomeEntry:
    """Create or update an income entry, converted to the profile's currency at its rate.

    A new entry's `token` is its form's one-time token: a second submit of that form
    raises AlreadyCreated with the first entry (crm.creation_tokens).
    """
    already = already_saved("income entry")
    if entry is None:
        creation_tokens.refuse_repeat(session, IncomeEntry, owner.id, token, already)
    reporting = owner.currency
    data = check_entry(data, reporting, today, market)
    brand = find_brand(session, owner.id, data.brand)
    rate = money.RATE_SCALE if data.currency == reporting else data.rate_millionths
    assert rate is not None  # check_entry refused a foreign amount without one
    new = entry is None
    entry = entry or IncomeEntry(owner_id=owner.id, creation_token=token or None)
    entry.earned_on = data.earned_on
    entry.amount_cents = data.amount_cents
    entry.currency = data.currency
    entry.rate_millionths = rate
    entry.reporting_cents = money.convert(data.amount_cents, rate)
    entry.reporting_currency = reporting
    entry.stream = data.stream
    entry.program = data.program.strip()
    entry.brand_id = brand.id if brand else None
    entry.note = data.note.strip()
    entry.status = data.status
    entry.due_on = data.due_on
    entry.paid_on = data.paid_on
    if new:
        creation_tokens.insert_once(session, entry, already)
    session.flush()
    return entry


def delete_entry(session: Session, entry: IncomeEntry) -> None:
    """Remove an income entry."""
    session.delete(entry)
    session.flush()


def get_entry(session: Session, owner_id: int, entry_id: int) -> IncomeEntry | None:
    """The creator's entry `entry_id`, or None."""
    return get_owned(session, IncomeEntry, entry_id, owner_id)


def last_rates(session: Session, owner_id: int, reporting: str) -> dict[str, int]:
    """The rate the creator used last for each other currency, on income or an expense.

    One query: for each currency, the latest income entry and the latest expense (each a
    backward walk of its owner-and-date index, stopped at the first match); of the two,
    the later day wins, then the later saved.
    """
    parts = [
        owned(model, owner_id, model.currency, model.rate_millionths, day, model.created_at)
        .where(model.currency == code, model.reporting_currency == reporting)
        .order_by(day.desc(), model.id.desc())
        .limit(1)
        .subquery()
        .select()
        for code in money.CURRENCIES
        if code != reporting
        for model, day in ((IncomeEntry, IncomeEntry.earned_on), (Expense, Expense.spent_on))
    ]
    if not parts:
        return {}
    latest: dict[str, tuple[date, datetime, int]] = {}
    for currency, rate, on, saved_at in session.execute(union_all(*parts)).all():
        if currency not in latest or (on, saved_at) > latest[currency][:2]:
            latest[currency] = (on, saved_at, rate)
    return {currency: rate for currency, (_, _, rate) in latest.items()}


def programs_used(session: Session, owner_id: int, limit: int = 20) -> list[str]:
    """The affiliate programs the creator typed before (their own beside the seed's)."""
    return list(
        session.scalars(
            select(IncomeEntry.program)
            .where(
                IncomeEntry.owner_id == owner_id,
                IncomeEntry.stream == AFFILIATE,
                IncomeEntry.program != "",
            )
            .group_by(IncomeEntry.program)
            .order_by(IncomeEntry.program)
            .limit(limit)
        )
    )


def set_goal(session: Session, owner: User, goal_cents: int | None) -> None:
    """Set (or clear, with None) the creator's monthly income goal."""
    if goal_cents is not None and not 0 < goal_cents <= AMOUNT_MAX_CENTS:
        raise IncomeError("Enter a goal above 0 and under 10 million.", field="goal")
    owner.income_goal_cents = goal_cents
    session.flush()
