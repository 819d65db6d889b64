"""Rows an import removes or overwrites, kept as JSON and put back by undo.

Rows are read and written through the tables (Core), in bulk: a year of days or 1,500 LTK
lines is a handful of statements, not a flush per row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Table, insert, select
from sqlalchemy.orm import Session

from crm.database import UTCDateTime
from crm.imports.models import DailyStats, FollowerShare, ImportReplaced
from crm.income.models import Expense, IncomeEntry

TABLES: dict[str, Table] = {
    "income": IncomeEntry.__table__,  # type: ignore[dict-item]
    "expense": Expense.__table__,  # type: ignore[dict-item]
    "day": DailyStats.__table__,  # type: ignore[dict-item]
    "audience": FollowerShare.__table__,  # type: ignore[dict-item]
}


def as_json(row: Any) -> dict[str, Any]:
    """A row (a Core mapping) as plain JSON values, without its id (restored rows get new
    ones: SQLite may have given the old id to a row made since)."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name == "id":
            continue
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        out[name] = value
    return out


def from_json(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The stored JSON back as the table's column values."""
    table = TABLES[kind]
    values: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in data:
            continue
        value = data[column.name]
        if value is not None and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        values[column.name] = value
    return values


def remember(
    session: Session, owner_id: int, import_id: int, kind: str, rows: Iterable[Any]
) -> int:
    """Keep `rows` (Core mappings with their import_id) for undoing import `import_id`."""
    kept = [
        {
            "owner_id": owner_id,
            "import_id": import_id,
            "from_import_id": row["import_id"],
            "kind": kind,
            "row": as_json(row),
        }
        for row in rows
    ]
    if kept:
        session.execute(insert(ImportReplaced), kept)
    return len(kept)


def kept_rows(session: Session, owner_id: int, import_id: int, kind: str) -> list[dict[str, Any]]:
    """What import `import_id` replaced of `kind`, as column values."""
    stored = session.scalars(
        select(ImportReplaced.row)
        .where(
            ImportReplaced.owner_id == owner_id,
            ImportReplaced.import_id == import_id,
            ImportReplaced.kind == kind,
        )
        .order_by(ImportReplaced.id)
    )
    return [from_json(kind, data) for data in stored]


@dataclass(frozen=True, slots=True)
class Kept:
    """One row an import keeps: its import_replaced id, kind, writer and column values."""

    id: int
    kind: str
    from_import_id: int | None
    values: dict[str, Any]


def kept_entries(session: Session, owner_id: int, import_id: int) -> list[Kept]:
    """Everything import `import_id` keeps (but videos), oldest first."""
    stored = session.execute(
        select(ImportReplaced.id, ImportReplaced.kind, ImportReplaced.from_import_id,
               ImportReplaced.row)
        .where(
            ImportReplaced.owner_id == owner_id,
            ImportReplaced.import_id == import_id,
            ImportReplaced.kind.in_(list(TABLES)),
        )
        .order_by(ImportReplaced.id)
    )  # fmt: skip
    return [Kept(id_, kind, writer, from_json(kind, data)) for id_, kind, writer, data in stored]


def insert_rows(session: Session, kind: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows of `kind` in one executemany."""
    if rows:
        session.execute(insert(TABLES[kind]), list(rows))
