"""Pitch counts and quoted totals per status and currency, read from the kept counters.

`pitch_totals` is written by database triggers (migration 0015_board_totals); this
module reads it, and recounts it from the pitches when asked (`crm pitches rebuild-totals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from crm.pitches.models import Pitch, PitchStatus, PitchTotal


@dataclass(frozen=True)
class Total:
    """Pitches of one status in one currency: how many, how many quote, the quoted sum."""

    status: PitchStatus
    currency: str
    count: int
    quoted_count: int
    quoted_cents: int


def status_totals(session: Session, owner_id: int) -> list[Total]:
    """The owner's counters with pitches in them, by status then currency (one query)."""
    rows = session.execute(
        select(
            PitchTotal.status,
            PitchTotal.currency,
            PitchTotal.count,
            PitchTotal.quoted_count,
            PitchTotal.quoted_cents,
        )
        .where(PitchTotal.owner_id == owner_id, PitchTotal.count > 0)
        .order_by(PitchTotal.status, PitchTotal.currency)
    ).all()
    return [Total(*row) for row in rows]


def currency_totals(owner_id: int, statuses: Iterable[PitchStatus]) -> Select[tuple[str, int, int]]:
    """Per currency: the count and quoted sum of the owner's pitches in `statuses`."""
    return (
        select(
            PitchTotal.currency,
            func.sum(PitchTotal.count).label("count"),
            func.sum(PitchTotal.quoted_cents).label("quoted_cents"),
        )
        .where(
            PitchTotal.owner_id == owner_id,
            PitchTotal.status.in_(sorted(statuses)),
            PitchTotal.count > 0,
        )
        .group_by(PitchTotal.currency)
        .order_by(PitchTotal.currency)
    )


def _counted(owner_id: int | None) -> Select[tuple[int, PitchStatus, str, int, int, int]]:
    """The counters as the pitches say they should be (a GROUP BY over every pitch)."""
    statement = select(
        Pitch.owner_id,
        Pitch.status,
        Pitch.currency,
        func.count(),
        func.count(Pitch.quoted_cents),
        func.coalesce(func.sum(Pitch.quoted_cents), 0),
    ).group_by(Pitch.owner_id, Pitch.status, Pitch.currency)
    if owner_id is not None:
        statement = statement.where(Pitch.owner_id == owner_id)
    return statement


def counted_from_pitches(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """{(owner, status, currency): (count, quoted_count, quoted_cents)} from the pitches."""
    return {tuple(row[:3]): tuple(row[3:]) for row in session.execute(_counted(owner_id))}


def kept_counters(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """The same mapping read from `pitch_totals`, rows counted down to 0 left out."""
    statement = select(
        PitchTotal.owner_id,
        PitchTotal.status,
        PitchTotal.currency,
        PitchTotal.count,
        PitchTotal.quoted_count,
        PitchTotal.quoted_cents,
    ).where(PitchTotal.count != 0)
    if owner_id is not None:
        statement = statement.where(PitchTotal.owner_id == owner_id)
    return {tuple(row[:3]): tuple(row[3:]) for row in session.execute(statement)}


def rebuild_totals(session: Session) -> int:
    """Recount every counter from the pitches; returns how many were wrong (flushes only).

    On PostgreSQL the pitches are locked against writes (reads go on) until the caller
    commits, so no write lands between the count and the new counters; SQLite's write
    transaction already keeps other writers out.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql("LOCK TABLE pitches IN SHARE MODE")
    expected = counted_from_pitches(session)
    kept = kept_counters(session)
    wrong = sum(1 for key in expected.keys() | kept.keys() if expected.get(key) != kept.get(key))
    session.execute(delete(PitchTotal))
    session.execute(
        insert(PitchTotal).from_select(
            ["owner_id", "status", "currency", "count", "quoted_count", "quoted_cents"],
            _counted(None),
        )
    )
    return wrong
