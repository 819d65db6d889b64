"""Pages of a longer list by keyset: a page starts after the sort keys of the row before it.

An OFFSET makes the database sort and skip every earlier row, so page 4,000 costs 4,000
pages. Here a cursor carries the sort key values of the edge row shown (and its position,
for "Showing 26-50"), and the next page is the rows after those values: one index range
whatever the depth, and no row skipped or shown twice when rows are added in between.

The rows' ids come first (a query an index answers alone), then the rows for those ids
only, with whatever the page loads alongside (brand, contact, tags). Counts stop at a cap.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    false,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal

T = TypeVar("T")

# Counting stops here: past it a list says "1,000+", which reads every bit as well.
COUNT_CAP = 1_000
# A cursor longer than this is not one of ours.
_MAX_CURSOR = 2_000


def unindexed(column: Any) -> ColumnElement[Any]:
    """`column`, kept from matching an index on SQLite (written `+column`, a no-op there).

    For a page read along its sort's index with each row checked: SQLite otherwise takes
    a filter's own index and sorts every match (crm.brands.listing). Elsewhere the column
    as it is: PostgreSQL's planner weighs the two from its statistics.
    """
    return _Unindexed(column)


class _Unindexed(ColumnElement[Any]):
    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed, "sqlite")
def _unindexed_on_sqlite(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


@compiles(_Unindexed)
def _unindexed_elsewhere(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@dataclass(frozen=True)
class Key:
    """One sort key: a column, its direction, and (first key only) NULLs after every value."""

    column: Any
    descending: bool = False
    nulls_last: bool = False
    # A later key that may be NULL: its NULLs sort where the database puts them (first on
    # SQLite, last on PostgreSQL), so that the index still serves the order on both.
    nullable: bool = False

    @property
    def kind(self) -> type:
        """How a value reads back from a cursor: int, str, date or datetime."""
        column_type = self.column.type
        # UTCDateTime and other decorators: the type they store.
        return getattr(column_type, "impl_instance", column_type).python_type

    @property
    def biggest(self) -> int:
        """The largest whole number the column stores (4 bytes unless it is a BigInteger)."""
        return _BIGGEST if isinstance(self.column.type, BigInteger) else _BIGGEST_INT4


@dataclass(frozen=True)
class Order:
    """A list's sort: its name (a cursor of another sort gives page one) and keys, id last."""

    name: str
    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if any(key.nulls_last for key in self.keys[1:]) or self.keys[0].nullable:
            raise ValueError("The first key starts the index range: only it may be nulls_last.")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (older) or before (newer) the row with these key values."""

    order: str
    older: bool
    values: tuple[Any, ...]
    # 1-based position of that row in the list when it was shown (for "Showing 26-50").
    position: int

    def encode(self) -> str:
        payload = [self.order, 1 if self.older else 0, self.position, *map(_dump, self.values)]
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _dump(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# The widest integers the databases store (PostgreSQL's integer and bigint): a cursor
# holding more is not ours. A list is never this long, so a position past it is forged too.
_BIGGEST = 2**63 - 1
_BIGGEST_INT4 = 2**31 - 1
_FURTHEST = 10**9


def _load(key: Key, value: Any) -> Any:
    """`value` from a cursor as `kind`; ValueError when it is anything else.

    Checked against what the databases take, not only the type: a well-formed cursor
    with a year-9999 time, a 20-digit number or a NUL in a name is as foreign as junk.
    """
    kind = key.kind
    if value is None:
        return None
    if kind is datetime and isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive time")
        return parsed.astimezone(UTC)  # OverflowError at the ends of the calendar
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is int and type(value) is int and -key.biggest <= value <= key.biggest:
        return value
    if kind is str and isinstance(value, str) and "\x00" not in value:
        value.encode()  # UnicodeEncodeError (a ValueError) for a lone surrogate
        return value
    raise ValueError(f"not a {kind.__name__}")


def decode_cursor(text: str | None, order: Order) -> Cursor | None:
    """The cursor `text` for `order`, or None for anything garbled, tampered or of another sort."""
    if not text or len(text) > _MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        name, older, position, *values = json.loads(raw)
        if name != order.name or older not in (0, 1) or len(values) != len(order.keys):
            return None
        if type(position) is not int or not 1 <= position <= _FURTHEST:
            return None
        pairs = zip(order.keys, values, strict=True)
        loaded = tuple(_load(key, value) for key, value in pairs)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, OverflowError):
        return None
    may_be_null = [key.nulls_last or key.nullable for key in order.keys]
    if any(v is None and not ok for v, ok in zip(loaded, may_be_null, strict=True)):
        return None
    return Cursor(order.name, bool(older), loaded, position)


@dataclass(frozen=True)
class Count:
    """How many rows a list has, counted up to a cap."""

    value: int
    cap: int

    @property
    def capped(self) -> bool:
        return self.value > self.cap

    def at_least(self, seen: int) -> str:
        """The count as a person says it, knowing `seen` rows exist: "1,234" or "5,000+"."""
        return f"{max(self.cap, seen):,}+" if self.capped else f"{self.value:,}"

    def __str__(self) -> str:
        return self.at_least(0)


def count_at_most(session: Session, statement: Select[Any], id_column: Any, cap: int) -> Count:
    """Count the rows of `statement`, reading no more than cap + 1 of them."""
    limited = statement.with_only_columns(id_column, maintain_column_froms=True)
    limited = limited.order_by(None).limit(cap + 1).subquery()
    return Count(session.scalar(select(func.count()).select_from(limited)) or 0, cap)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list, with cursors to the pages either side."""

    items: Sequence[T]
    # Position of the first item in the whole list (1-based).
    start: int
    total: Count
    newer: str | None = None
    older: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    @property
    def total_text(self) -> str:
        """How many rows the list has, never fewer than this page shows it reaching."""
        if self.older is None and self.total.capped:
            return f"{self.end:,}"  # the last page: the end is the count
        return self.total.at_least(self.end)

    @property
    def first(self) -> bool:
        return self.newer is None

    @property
    def single(self) -> bool:
        """Everything fits on this one page (no pager needed)."""
        return self.newer is None and self.older is None


def _strictly_after(key: Key, value: Any, older: bool, nulls_high: bool) -> ColumnElement[bool]:
    ascending = key.descending != older
    if not key.nullable:
        return key.column > value if ascending else key.column < value
    # NULLs come after every value when they sort high and we walk upwards, or the reverse.
    nulls_after = nulls_high == ascending
    if value is None:
        return false() if nulls_after else key.column.is_not(None)
    beyond = key.column > value if ascending else key.column < value
    return or_(beyond, key.column.is_(None)) if nulls_after else beyond


def _equal(key: Key, value: Any) -> ColumnElement[bool]:
    return key.column.is_(None) if value is None else key.column == value


def _after(
    keys: Sequence[Key], values: Sequence[Any], older: bool, nulls_high: bool
) -> ColumnElement[bool]:
    """Rows after `values` in the order of `keys` (before them when not `older`).

    The expanded OR form (not a row-value comparison) so that mixed ASC/DESC orders work;
    the leading `>=` gives the database an index range to start from.
    """
    if not keys:
        return true()
    terms = []
    for index, key in enumerate(keys):
        equal = [_equal(k, v) for k, v in zip(keys[:index], values[:index], strict=True)]
        terms.append(and_(*equal, _strictly_after(key, values[index], older, nulls_high)))
    first, value = keys[0], values[0]
    ascending = first.descending != older
    leading = first.column >= value if ascending else first.column <= value
    return and_(leading, or_(*terms))


def _order_by(keys: Sequence[Key], older: bool) -> list[Any]:
    return [key.column.desc() if key.descending == older else key.column.asc() for key in keys]


def _id_queries(
    statement: Select[Any], order: Order, cursor: Cursor | None, limit: int, nulls_high: bool
) -> Select[Any]:
    """The ids and key values of the next `limit` rows after `cursor` (or of the first page)."""
    older = cursor is None or cursor.older
    keys = order.keys
    columns = [key.column for key in keys]
    base = statement.with_only_columns(*columns, maintain_column_froms=True).order_by(None)
    if not keys[0].nulls_last:
        bound = _after(keys, cursor.values, older, nulls_high) if cursor else true()
        return base.where(bound).order_by(*_order_by(keys, older)).limit(limit)
    # NULLs last: the valued rows and the NULL rows are two index ranges, read one after the
    # other (a single OR would make the database sort every row of the account).
    first, rest = keys[0], keys[1:]
    valued = base.where(first.column.is_not(None))
    blank = base.where(first.column.is_(None))
    if cursor is None:
        pass
    elif cursor.values[0] is not None:
        valued = valued.where(_after(keys, cursor.values, older, nulls_high))
        blank = blank if older else blank.where(false())
    else:
        blank = blank.where(_after(rest, cursor.values[1:], older, nulls_high))
        valued = valued.where(false()) if older else valued
    parts = [
        part.order_by(*_order_by(keys, older)).limit(limit).subquery().select()
        for part in (valued, blank)
    ]
    both = union_all(*parts).subquery()
    nulls = both.c[0].is_(None)
    outer = [nulls if older else nulls.desc()]
    outer += _order_by([Key(both.c[i], k.descending) for i, k in enumerate(keys)], older)
    return select(*both.c).order_by(*outer).limit(limit)


def page_ids_query(
    session: Session, statement: Select[Any], order: Order, cursor_text: str | None, size: int
) -> Select[Any]:
    """The SELECT of one page's key values and ids (for plan tests and benchmarks)."""
    nulls_high = session.get_bind().dialect.name == "postgresql"
    return _id_queries(statement, order, decode_cursor(cursor_text, order), size + 1, nulls_high)


def keyset_page(
    session: Session,
    statement: Select[Any],
    order: Order,
    cursor_text: str | None,
    size: int,
    *,
    options: Sequence[Any] = (),
    count_cap: int = COUNT_CAP,
    count: Count | None = None,
    walk: Select[Any] | None = None,
    load: Select[Any] | None = None,
    rows_for: Callable[[list[int]], Sequence[T]] | None = None,
) -> Page[Any]:
    """One page of `statement`'s entity in `order`, starting at the cursor (page one if none).

    `statement` selects one entity, filtered (owner first) and unordered; its id must be the
    last key of `order`. Three queries: a capped count, the page's ids, the page's rows (plus
    one per `options` selectinload).

    `walk`, when given, is the same rows as `statement` written for reading the page's ids
    (say, to walk the sort's index and check each row), and `load` the statement the rows
    are loaded from by those ids (the owner's rows, without filters read again).
    `rows_for`, when given, reads the page's rows for those ids instead of `load` and
    `options` (any order; each with an `id`): plain rows rather than ORM objects.
    """
    cursor = decode_cursor(cursor_text, order)
    id_column = order.keys[-1].column
    # `count`: the caller counted already (capped the same way), e.g. while planning a search.
    total = count if count is not None else count_at_most(session, statement, id_column, count_cap)
    # PostgreSQL sorts NULL above every value, SQLite below.
    nulls_high = session.get_bind().dialect.name == "postgresql"
    paged = statement if walk is None else walk
    rows = session.execute(_id_queries(paged, order, cursor, size + 1, nulls_high)).all()
    if not rows and cursor is not None and total.value:
        # A stale link past the end (its rows deleted since): the first page, not "none".
        cursor = None
        rows = session.execute(_id_queries(paged, order, None, size + 1, nulls_high)).all()
    more = len(rows) > size
    rows = rows[:size]
    if cursor is not None and not cursor.older:
        rows.reverse()
    ids = [row[-1] for row in rows]
    if rows_for is not None:
        loaded: Any = rows_for(ids)
    else:
        loaded = session.scalars(
            (statement if load is None else load).where(id_column.in_(ids)).options(*options)
        )
    by_id = {item.id: item for item in loaded}
    items = [by_id[i] for i in ids if i in by_id]
    start, has_newer, has_older = _edges(cursor, len(items), more)
    newer = older = None
    if items and has_newer:
        newer = Cursor(order.name, False, tuple(rows[0]), start).encode()
    if items and has_older:
        older = Cursor(order.name, True, tuple(rows[-1]), start + len(items) - 1).encode()
    return Page(items=items, start=start, total=total, newer=newer, older=older)


def _edges(cursor: Cursor | None, shown: int, more: bool) -> tuple[int, bool, bool]:
    """Where the page starts, and whether there are newer and older pages."""
    if cursor is None:
        return 1, False, more
    if cursor.older:
        return cursor.position + 1, True, more
    # Going back: without more rows before, this is the first page, whatever was counted.
    if not more:
        return 1, False, True
    return max(cursor.position - shown, 2), True, True
