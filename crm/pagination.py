"""Pages of a longer list: one count and one page query, whatever the page asked for."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list."""

    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def last_page_at_most(page: int, total: int, size: int) -> int:
    """`page` kept in range: the last page when past the end (a stale link after deletes)."""
    return max(1, min(page, math.ceil(total / size) or 1))


def paginate(
    session: Session,
    statement: Select[Any],
    page: int,
    size: int,
    *,
    order_by: Sequence[Any],
    options: Sequence[Any] = (),
) -> Page[Any]:
    """Count the rows of `statement`, keep `page` in range and load that page (two queries)."""
    counting = statement.with_only_columns(func.count(), maintain_column_froms=True)
    total = session.scalar(counting.order_by(None)) or 0
    number = last_page_at_most(page, total, size)
    items = session.scalars(
        statement.order_by(*order_by).options(*options).limit(size).offset((number - 1) * size)
    ).all()
    return Page(items=items, number=number, size=size, total=total)
