"""Pitch counts and quoted totals per status and currency, read from the kept counters.

`pitch_totals` is written by database triggers (migration 0015_board_totals); this
module reads it, and recounts it from the pitches when asked (`crm pitches rebuild-totals`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from crm.kept_counts import Kept
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


PITCH_TOTALS = Kept(
    source="pitches",
    model=PitchTotal,
    columns=("owner_id", "status", "currency", "count", "quoted_count", "quoted_cents"),
    keys=3,
    counted=_counted,
    live=lambda: PitchTotal.count != 0,
)


def counted_from_pitches(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """{(owner, status, currency): (count, quoted_count, quoted_cents)} from the pitches."""
    return PITCH_TOTALS.expected(session, owner_id)


def kept_counters(session: Session, owner_id: int | None = None) -> dict[tuple, tuple]:
    """The same mapping read from `pitch_totals`, rows counted down to 0 left out."""
    return PITCH_TOTALS.kept(session, owner_id)


def rebuild_totals(session: Session) -> int:
    """Recount every counter from the pitches; returns how many were wrong (flushes only)."""
    return PITCH_TOTALS.rebuild(session)
