"""A double submit of a new income entry, expense or LIVE saves one row: the second lands on
the first (the form's one-time token, as pitches have), and a race is settled by the index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import creation_tokens
from crm.accounts.models import User
from crm.creation_tokens import AlreadyCreated, new_token
from crm.income import expenses, live, services
from crm.income.models import Expense, ExpenseCategory, IncomeEntry, LiveFormat, LiveSession
from crm.market.seed import installed_market
from tests.factories_income import TODAY

MARKET = installed_market()
DAY = date(2026, 11, 3)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _save_entry(session: Session, user: User, token: str | None) -> Any:
    data = services.EntryData(earned_on=DAY, amount_cents=45_000, currency="USD", stream="ugc")
    return services.save_entry(session, user, None, data, TODAY, MARKET, token=token)


def _save_expense(session: Session, user: User, token: str | None) -> Any:
    data = expenses.ExpenseData(spent_on=DAY, amount_cents=4_999, currency="USD",
                                category=ExpenseCategory.SOFTWARE)  # fmt: skip
    return expenses.save_expense(session, user, None, data, TODAY, token=token)


def _save_live(session: Session, user: User, token: str | None) -> Any:
    data = live.SessionData(held_on=DAY, format=LiveFormat.QA, duration_minutes=45,
                            diamonds=4_000)  # fmt: skip
    return live.save_session(session, user, None, data, TODAY, MARKET, token=token)


@dataclass(frozen=True)
class Kind:
    model: type
    save: Callable[[Session, User, str | None], Any]
    path: str
    form: dict[str, str]
    edit: str  # the first record's page, with {id}


KINDS = {
    "entry": Kind(IncomeEntry, _save_entry, "/income/new", {
        "earned_on": "2026-11-03", "amount": "450.00", "currency": "USD", "stream": "ugc",
        "status": "expected",
    }, "/income/{id}/edit"),
    "expense": Kind(Expense, _save_expense, "/income/expenses/new", {
        "spent_on": "2026-11-03", "amount": "49.99", "currency": "USD", "category": "software",
    }, "/income/expenses/{id}/edit"),
    "live": Kind(LiveSession, _save_live, "/income/live/new", {
        "held_on": "2026-11-03", "format": "qa", "duration_minutes": "45", "diamonds": "4000",
    }, "/income/live/{id}/edit"),
}  # fmt: skip


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


@pytest.fixture
def valued(session: Session, user: User) -> User:
    """The creator with a diamond value, so a LIVE feeds an income entry."""
    user.diamond_value_micros = 5_000
    session.commit()
    return user


def test_the_same_token_twice_gives_back_the_first_row(session, valued, kind) -> None:
    first = kind.save(session, valued, "t" * 32)
    session.commit()
    with pytest.raises(AlreadyCreated) as again:
        kind.save(session, valued, "t" * 32)
    assert again.value.record.id == first.id
    session.rollback()
    assert _count(session, kind.model) == 1


def test_two_tokens_make_two_rows(session, valued, kind) -> None:
    kind.save(session, valued, "a" * 32)
    kind.save(session, valued, "b" * 32)
    assert _count(session, kind.model) == 2


def test_rows_without_a_token_are_never_taken_for_each_other(session, valued, kind) -> None:
    # A script, the demo and a LIVE's own entry save without one: NULLs never clash.
    kind.save(session, valued, None)
    kind.save(session, valued, None)
    assert _count(session, kind.model) == 2


def test_a_racing_second_submit_hits_the_unique_index_and_finds_the_first(
    session, valued, kind, monkeypatch
) -> None:
    first = kind.save(session, valued, "r" * 32)
    session.commit()
    entries = _count(session, IncomeEntry)
    # The second request looked before the first had written: the index decides.
    real = creation_tokens.find_by_token
    looked: list[bool] = []

    def late(*args: Any) -> Any:
        looked.append(True)
        return None if len(looked) == 1 else real(*args)

    monkeypatch.setattr(creation_tokens, "find_by_token", late)
    with pytest.raises(AlreadyCreated) as again:
        kind.save(session, valued, "r" * 32)
    assert again.value.record.id == first.id and len(looked) == 2
    session.commit()  # still usable: only the savepoint was rolled back
    assert _count(session, kind.model) == 1
    assert _count(session, IncomeEntry) == entries  # a LIVE's race adds no second entry


def test_tokens_are_per_creator(session, valued, other_user, kind) -> None:
    other_user.diamond_value_micros = 5_000
    kind.save(session, valued, "s" * 32)
    kind.save(session, other_user, "s" * 32)
    assert _count(session, kind.model) == 2


def test_the_same_form_posted_twice_saves_once_and_lands_on_the_first(
    logged_in, session, valued, kind
) -> None:
    form = {**kind.form, "token": new_token()}
    first = logged_in.post(kind.path, data=form)
    assert first.status_code == 302
    (row,) = session.scalars(select(kind.model)).all()
    again = logged_in.post(kind.path, data=form)
    assert again.status_code == 302
    assert again.headers["Location"].endswith(kind.edit.format(id=row.id))
    landed = logged_in.get(again.headers["Location"]).get_data(as_text=True)
    assert "already saved; here it is" in landed
    session.expire_all()
    assert _count(session, kind.model) == 1
    # One entry made, or fed by the one LIVE; none by an expense.
    assert _count(session, IncomeEntry) == (kind.model is not Expense)
    other = logged_in.post(kind.path, data={**kind.form, "token": new_token()})
    assert other.status_code == 302
    assert _count(session, kind.model) == 2


def test_a_new_form_without_its_token_is_refused_and_writes_nothing(
    logged_in, session, valued, kind
) -> None:
    response = logged_in.post(kind.path, data=kind.form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The form expired; submit it again." in page
    assert _count(session, kind.model) == 0
    # Submitting it again, as the message says, works: the page carries a fresh token.
    fresh = page.split('name="token"')[1].split('value="')[1].split('"')[0]
    again = logged_in.post(kind.path, data={**kind.form, "token": fresh})
    assert again.status_code == 302 and _count(session, kind.model) == 1


def test_the_new_form_carries_a_fresh_token_and_the_edit_form_none(
    logged_in, session, valued, kind
) -> None:
    pages = [logged_in.get(kind.path).get_data(as_text=True) for _ in range(2)]
    tokens = [page.split('name="token"')[1].split('value="')[1].split('"')[0] for page in pages]
    assert len(set(tokens)) == 2 and all(len(t) >= 16 for t in tokens)
    row = kind.save(session, valued, None)
    session.commit()
    edit = logged_in.get(kind.edit.format(id=row.id)).get_data(as_text=True)
    assert 'name="token"' not in edit
