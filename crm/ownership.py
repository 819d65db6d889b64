"""Ownership in one place: every user-owned row carries its owner, every query is scoped here."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from sqlalchemy import Delete, ForeignKey, Select, delete, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column


class Owned:
    """Mixin for rows that belong to one creator."""

    @declared_attr
    def owner_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


OwnedT = TypeVar("OwnedT", bound=Owned)


def owned(model: type[OwnedT], owner_id: int, *columns: Any) -> Select[Any]:
    """A SELECT of `model` (or of `columns` from it) limited to rows of `owner_id`."""
    statement = select(*columns) if columns else select(model)
    return statement.where(model.owner_id == owner_id)


def owned_delete(model: type[OwnedT], owner_id: int) -> Delete:
    """A DELETE of `model` limited to rows of `owner_id` (add further conditions with .where)."""
    return delete(model).where(model.owner_id == owner_id)


def get_owned(
    session: Session, model: type[OwnedT], object_id: int, owner_id: int
) -> OwnedT | None:
    """The row `object_id` of `model` if `owner_id` owns it, else None."""
    return session.scalars(
        owned(model, owner_id).where(model.id == object_id)  # type: ignore[attr-defined]
    ).one_or_none()


def get_owned_or_404(
    session: Session, model: type[OwnedT], object_id: int, owner_id: int
) -> OwnedT:
    """The row `object_id` of `model` owned by `owner_id`; 404 for anyone else's or none."""
    found = get_owned(session, model, object_id, owner_id)
    if found is None:
        abort(404)
    return found
