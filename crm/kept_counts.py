"""Tables database triggers keep from another, and the recount each of them offers.

`pitch_totals` (from pitches, migration 0015) and `income_month_sums` (from income entries,
0037) are written only by triggers, in the same transaction as every write to the table they
count. Each is described here once as a `Kept`: what the counts should be (a GROUP BY over
the source), what the table holds, and a recount that puts it right and says how many rows
were wrong (`crm pitches rebuild-totals`, `crm income rebuild-sums`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, insert, select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Kept:
    source: str  # the table the triggers count: locked against writes while recounting
    model: Any  # the kept table's model
    columns: tuple[str, ...]  # its columns, in the order `counted` selects them
    keys: int  # how many of the leading columns are the key
    counted: Callable[[int | None], Select[Any]]  # the GROUP BY over the source (one owner)
    live: Callable[[], ColumnElement[bool]]  # a kept row that still counts (not down to 0)

    def _owned(self, statement: Select[Any], owner_id: int | None) -> Select[Any]:
        return statement if owner_id is None else statement.where(self.model.owner_id == owner_id)

    def _mapping(self, session: Session, statement: Select[Any]) -> dict[tuple, tuple]:
        return {
            tuple(row[: self.keys]): tuple(int(value) for value in row[self.keys :])
            for row in session.execute(statement)
        }

    def expected(self, session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
        """{key: counts} as the source rows say they should be."""
        return self._mapping(session, self.counted(owner_id))

    def kept(self, session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
        """The same mapping read from the kept table, rows counted down to 0 left out."""
        statement = select(*(getattr(self.model, name) for name in self.columns))
        return self._mapping(session, self._owned(statement.where(self.live()), owner_id))

    def rebuild(self, session: Session) -> int:
        """Recount every kept row from the source; returns how many were wrong (flushes only).

        On PostgreSQL the source is locked against writes (reads go on) until the caller
        commits, so no write lands between the count and the new rows; SQLite's write
        transaction already keeps other writers out.
        """
        if session.get_bind().dialect.name == "postgresql":
            session.connection().exec_driver_sql(f"LOCK TABLE {self.source} IN SHARE MODE")
        expected, kept = self.expected(session), self.kept(session)
        wrong = sum(
            1 for key in expected.keys() | kept.keys() if expected.get(key) != kept.get(key)
        )
        session.execute(delete(self.model))
        session.execute(insert(self.model).from_select(list(self.columns), self.counted(None)))
        session.flush()
        return wrong
