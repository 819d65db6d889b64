"""Reading pitches: the filtered list and the pipeline board, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Integer, Select, String, bindparam, column, select, true, union_all, values
from sqlalchemy.orm import Session, joinedload

from crm.brands.models import Brand
from crm.config import DEFAULTS
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Key, Order, Page, keyset_page
from crm.pitches import totals
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from crm.timeline.models import BrandActivity

# Board columns, in pipeline order.
BOARD_COLUMNS: tuple[PitchStatus, ...] = tuple(PitchStatus)


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


@dataclass(frozen=True, slots=True)
class Card:
    """What a board card shows of a pitch (plain values: hundreds of cards, no ORM objects)."""

    id: int
    status: PitchStatus
    kind: PitchKind
    subject: str
    quoted_cents: int | None
    currency: str
    next_followup_on: date | None
    inbound: bool
    created_at: datetime  # an inbound card says when the inquiry came in
    brand_name: str


@dataclass
class Column:
    """One status column of the board: its newest cards, how many there are, their value."""

    status: PitchStatus
    count: int = 0
    # (currency, total quoted cents), one entry per currency that has a quote.
    totals: list[tuple[str, int]] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.count - len(self.cards)


def board(
    session: Session, owner_id: int, per_column: int = DEFAULTS["BOARD_CARDS_PER_COLUMN"]
) -> list[Column]:
    """The pipeline: a column per status, its count and quoted value, its newest
    `per_column` cards (two queries, whatever the number of pitches)."""
    columns = {status: Column(status) for status in BOARD_COLUMNS}
    for total in totals.status_totals(session, owner_id):
        column = columns[total.status]
        column.count += total.count
        if total.quoted_count:
            column.totals.append((total.currency, total.quoted_cents))
    for card in _board_cards(session, owner_id, per_column):
        columns[card.status].cards.append(card)
    return list(columns.values())


_CARD_COLUMNS = (
    Pitch.id,
    Pitch.status,
    Pitch.kind,
    Pitch.subject,
    Pitch.quoted_cents,
    Pitch.currency,
    Pitch.next_followup_on,
    Pitch.inbound,
    Pitch.created_at,
    Pitch.brand_id,
    Pitch.updated_at,
)


def _board_cards(session: Session, owner_id: int, per_column: int) -> list[Card]:
    """The newest `per_column` pitches of each status, in one query (see _cards_statement)."""
    statement = _cards_statement(session.get_bind().dialect.name, per_column)
    return [Card(*row) for row in session.execute(statement, {"owner_id": owner_id})]


@lru_cache(maxsize=8)
def _cards_statement(dialect: str, per_column: int) -> Select[tuple[object, ...]]:
    """The board's cards query, built once per database kind and column size.

    Each status is its own `ORDER BY updated_at DESC, id DESC LIMIT n`, read backwards
    from ix_pitches_owner_status_updated: a LATERAL join over the statuses on
    PostgreSQL, a UNION ALL of the per-status reads on SQLite (which has no LATERAL).
    Brands are joined for the cards shown only. Building this statement costs more than
    running it, hence the cache; the owner is a bound parameter.
    """
    owner_id = bindparam("owner_id", type_=Integer)
    newest = (Pitch.updated_at.desc(), Pitch.id.desc())
    if dialect == "postgresql":
        statuses = values(column("status", String), name="statuses").data(
            [(status.value,) for status in BOARD_COLUMNS]
        )
        per_status = (
            owned(Pitch, owner_id, *_CARD_COLUMNS)
            .where(Pitch.status == statuses.c.status)
            .order_by(*newest)
            .limit(per_column)
            .lateral("per_status")
        )
        shown = select(per_status).select_from(statuses).join(per_status, true()).subquery()
    else:
        shown = union_all(
            *(
                select(
                    owned(Pitch, owner_id, *_CARD_COLUMNS)
                    .where(Pitch.status == status)
                    .order_by(*newest)
                    .limit(per_column)
                    .subquery()
                )
                for status in BOARD_COLUMNS
            )
        ).subquery()
    return (
        select(*(shown.c[field.name] for field in fields(Card) if field.name != "brand_name"))
        .add_columns(Brand.name)
        .join(Brand, Brand.id == shown.c.brand_id)
        .where(Brand.owner_id == owner_id)
        .order_by(shown.c.updated_at.desc(), shown.c.id.desc())
    )
