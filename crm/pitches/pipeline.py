"""Reading pitches: the filtered list and the pipeline board, in a constant number of queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload

from crm.ownership import owned
from crm.pagination import COUNT_CAP, Key, Order, Page, keyset_page
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from crm.timeline.models import BrandActivity

# Board columns, in pipeline order.
BOARD_COLUMNS: tuple[PitchStatus, ...] = tuple(PitchStatus)
# Cards shown per column; the rest are one click away in the filtered list.
CARDS_PER_COLUMN = 30


@dataclass(frozen=True)
class PitchFilters:
    """The pitch list's filters; None means any."""

    status: PitchStatus | None = None
    kind: PitchKind | None = None
    brand_id: int | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as URL query arguments (for pagination links)."""
        args = {"status": self.status, "kind": self.kind}
        found = {key: value.value for key, value in args.items() if value is not None}
        if self.brand_id is not None:
            found["brand_id"] = str(self.brand_id)
        return found

    @property
    def active(self) -> bool:
        return bool(self.status or self.kind or self.brand_id)


# Loaded with the page's rows, whose ids come first: the join reads only the rows shown.
_SHOWN_WITH = (joinedload(Pitch.brand), joinedload(Pitch.contact))
# Most recently changed first; indexes (owner_id[, status | kind], updated_at, id) and
# (brand_id, updated_at, id) serve it with each filter.
LIST_ORDER = Order(
    "pitches", (Key(Pitch.updated_at, descending=True), Key(Pitch.id, descending=True))
)


def list_pitches(
    session: Session,
    owner_id: int,
    filters: PitchFilters,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
) -> Page[Pitch]:
    """One page of the owner's pitches from `cursor`, brand and contact loaded (five queries)."""
    statement = owned(Pitch, owner_id)
    if filters.status is not None:
        statement = statement.where(Pitch.status == filters.status)
    if filters.kind is not None:
        statement = statement.where(Pitch.kind == filters.kind)
    if filters.brand_id is not None:
        statement = statement.where(Pitch.brand_id == filters.brand_id)
    return keyset_page(
        session,
        statement,
        LIST_ORDER,
        cursor,
        size,
        options=_SHOWN_WITH,
        count_cap=count_cap,
    )


# A pitch's history, newest first; served by the index (pitch_id, at, id).
HISTORY_ORDER = Order(
    "pitch-history",
    (Key(BrandActivity.at, descending=True), Key(BrandActivity.id, descending=True)),
)


def pitch_history(
    session: Session, pitch: Pitch, cursor: str | None, size: int
) -> Page[BrandActivity]:
    """One page of the timeline lines about `pitch`, newest first."""
    statement = owned(BrandActivity, pitch.owner_id).where(BrandActivity.pitch_id == pitch.id)
    return keyset_page(session, statement, HISTORY_ORDER, cursor, size)


@dataclass
class Column:
    """One status column of the board: its cards, how many there are, and their value."""

    status: PitchStatus
    count: int = 0
    # (currency, total quoted cents), one entry per currency that has a quote.
    totals: list[tuple[str, int]] = field(default_factory=list)
    cards: list[Pitch] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def board(session: Session, owner_id: int) -> list[Column]:
    """The pipeline: a column per status with its total quoted value (two queries)."""
    columns = {status: Column(status) for status in BOARD_COLUMNS}
    sums = session.execute(
        owned(Pitch, owner_id, Pitch.status, Pitch.currency)
        .add_columns(func.count(Pitch.id), func.sum(Pitch.quoted_cents))
        .group_by(Pitch.status, Pitch.currency)
        .order_by(Pitch.status, Pitch.currency)
    ).all()
    for status, currency, count, total in sums:
        column = columns[status]
        column.count += count
        if total is not None:
            column.totals.append((currency, int(total)))
    for pitch in _board_cards(session, owner_id):
        columns[pitch.status].cards.append(pitch)
    return list(columns.values())


def _board_cards(session: Session, owner_id: int) -> Sequence[Pitch]:
    """The newest CARDS_PER_COLUMN pitches of each status, in one query (a window function)."""
    rank = (
        func.row_number()
        .over(partition_by=Pitch.status, order_by=(Pitch.updated_at.desc(), Pitch.id.desc()))
        .label("rank")
    )
    ranked = owned(Pitch, owner_id, Pitch.id, rank).subquery()
    return session.scalars(
        owned(Pitch, owner_id)
        .join(ranked, ranked.c.id == Pitch.id)
        .where(ranked.c.rank <= CARDS_PER_COLUMN)
        .options(joinedload(Pitch.brand))
        .order_by(Pitch.updated_at.desc(), Pitch.id.desc())
    ).all()
