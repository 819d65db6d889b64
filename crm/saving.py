"""The one commit edge of a view: commit what the block changed, or roll back and say why.

    with saving(form) as saved:
        brand = services.save_brand(session, owner_id, brand, data)
    if saved:
        flash(...)
        return redirect(...)

A refused change (a FieldError from a service) rolls the transaction back and is shown
beside its field (or flashed when no field fits); anything else propagates to the error
pages, whose request teardown rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.database import db_session
from crm.errors import FieldError
from crm.forms import show_error


@dataclass
class Saved:
    """How the block ended: true once committed; a refusal as shown (`error`) and as raised."""

    committed: bool = False
    error: FieldError | None = None
    refusal: Exception | None = None

    def __bool__(self) -> bool:
        return self.committed


@contextmanager
def saving(
    form: object | None = None,
    *,
    refusals: tuple[type[Exception], ...] = (),
    show: bool = True,
    unshown: tuple[type[Exception], ...] = (),
    session: Session | None = None,
) -> Iterator[Saved]:
    """Commit once when the block succeeds; roll back a refusal and show it unless `show` is off.

    Besides FieldErrors, `refusals` are exceptions that mean "refused" and carry a
    `message` (a refused pitch move, a mail server saying no); `unshown` ones the view
    answers itself (a double-submitted pitch redirects to the first one).
    """
    session = session or db_session()
    outcome = Saved()
    try:
        yield outcome
    except (FieldError, *refusals) as error:
        session.rollback()
        refused = error if isinstance(error, FieldError) else FieldError(_message(error))
        outcome.error, outcome.refusal = refused, error
        if show and not isinstance(error, unshown):
            show_error(form, refused)
    else:
        session.commit()
        outcome.committed = True


def _message(error: Exception) -> str:
    return str(getattr(error, "message", None) or error)


def before_slow_work(session: Session | None = None) -> None:
    """Commit what the request wrote so far (the login check's last-seen step), so the slow
    reading that follows (a big CSV, an export) holds no write lock; the next query begins a
    new transaction. The only other commit edge of a view besides `saving`."""
    (session or db_session()).commit()
