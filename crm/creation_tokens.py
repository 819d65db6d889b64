"""One-time creation tokens: a second submit of the same "new" form finds the first record.

Why a token and not only redirect-after-POST: a double click sends two POSTs before the
first redirect arrives. The page puts a fresh token in the form; the record stores it
under a unique (owner, token) constraint, so this holds across processes and hosts. The
service looks the token up first (the resubmit after a slow answer), and the constraint
settles two submits racing each other (the double click).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from crm.errors import FieldError
from crm.ownership import Owned, owned

# The column's width: a longer token is not one a page made.
TOKEN_MAX = 64
TOKEN_MIN = 16


class CreatedOnce(Owned):
    """Mixin for owned rows a form creates; pair it with a unique (owner_id, creation_token)
    constraint or index in the model's __table_args__."""

    # The one-time token of the form that created the row (None: made by a script or demo).
    creation_token: Mapped[str | None] = mapped_column(String(TOKEN_MAX))


CreatedT = TypeVar("CreatedT", bound=CreatedOnce)


class AlreadyCreated(FieldError):
    """The form was submitted twice; `record` is what the first submit made."""

    def __init__(self, record: CreatedOnce, message: str = "That was already saved.") -> None:
        super().__init__(message)
        self.record = record


def new_token() -> str:
    """A fresh token for a form that creates a record."""
    return secrets.token_urlsafe(24)


def find_by_token(
    session: Session, model: type[CreatedT], owner_id: int, token: str
) -> CreatedT | None:
    """The `model` row a form with this one-time token created, if any."""
    return session.scalars(owned(model, owner_id).where(model.creation_token == token)).first()


def refuse_repeat(
    session: Session,
    model: type[CreatedT],
    owner_id: int,
    token: str | None,
    already: Callable[[CreatedT], Exception],
) -> None:
    """Raise `already(first)` when a form with `token` already created a row."""
    if token and (existing := find_by_token(session, model, owner_id, token)) is not None:
        raise already(existing)


def insert_once(session: Session, row: CreatedT, already: Callable[[CreatedT], Exception]) -> None:
    """Add `row` in a savepoint; losing a double-submit race raises `already(first)` and
    leaves the session usable."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        token = row.creation_token
        existing = find_by_token(session, type(row), row.owner_id, token) if token else None
        if existing is None:
            raise
        raise already(existing) from None
