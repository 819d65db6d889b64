"""Brand search: one function, one behaviour on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm).

A query of three characters or more finds brands whose name, TikTok handle (with or
without @), contact name or contact email contains it; a shorter one finds those where
one of these starts with it. Case and accents never matter (crm.brands.search_text).

The stored text lives in brand_search. Every write through the ORM refreshes it after
the flush (the listener at the bottom); bulk Core writes (the CSV import) call
`refresh_search` with the brands they wrote. `unsynced_brands` is the check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, delete, event, func, insert, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.sql.visitors import InternalTraversal

from crm.brands.models import Brand, BrandSearch, Contact
from crm.brands.search_text import brand_text, needle
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Count, count_at_most

# SQLite's full-text index over brand_search.search_text (migration 0014): not a model,
# SQLAlchemy cannot describe a virtual table. tests/test_migrations.py knows these names.
FTS_TABLE = "brand_search_fts"
FTS_SHADOW_TABLES = tuple(
    f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")
)
SQLITE_ONLY = (FTS_TABLE, *FTS_SHADOW_TABLES)
POSTGRESQL_ONLY = ("ix_brand_search_trigrams",)
# Brands refreshed per statement: IN lists stay short on both databases.
BATCH = 500


def outside_the_models(name: str | None, dialect: str) -> bool:
    """True for the search index's objects the models cannot describe on `dialect`.

    SQLite: the FTS5 table and its shadow tables. The GIN index is on the model but only
    PostgreSQL builds it. Schema comparisons (Alembic, tests) skip exactly these.
    """
    return name in (SQLITE_ONLY if dialect == "sqlite" else ()) or (
        dialect != "postgresql" and name in POSTGRESQL_ONLY
    )


def matching_brands(owner_id: int, q: str) -> Select[Any]:
    """A SELECT of the ids of `owner_id`'s brands that `q` finds (every brand for a blank q)."""
    statement = owned(BrandSearch, owner_id, BrandSearch.brand_id)
    wanted = needle(q)
    return statement.where(_Contains(wanted)) if wanted else statement


# A search the full-text index finds in this many brands or more (all creators together)
# is "common" ("brand", "gmail"): SQLite's FTS5 would hand back every one of them before
# the list could take its first page, so the list walks its own sort order instead and
# checks each row's stored text, stopping once the page is full.
COMMON_MATCHES = 2_000
# On PostgreSQL, a search this creator's brands match at most this often is handed to the
# list as their ids (read with the count), not as a second search.
ID_LIST_MAX = 200


@dataclass(frozen=True)
class ListSearch:
    """How the brand list applies a search: a condition, and the capped count when known."""

    condition: ColumnElement[bool]
    count: Count | None = None


def list_search(
    session: Session, owner_id: int, q: str, cap: int, counted: bool = True
) -> ListSearch:
    """The brand list's search condition for `q`, chosen for how common `q` is.

    One behaviour (the rows found are always those `matching_brands` finds); only the
    plan differs. A rare search goes through the text index. On SQLite a common one
    reads each row's stored text in the list's own order instead: the list then reads
    about a page of rows divided by how common the search is, never every match.
    `counted`: on PostgreSQL, count the matches too (up to `cap`, in the search table
    alone, which holds the owner: counting brands whose id is among them joined the two).
    """
    wanted = needle(q)
    matching = matching_brands(owner_id, q)
    index_plan = ListSearch(Brand.id.in_(matching))
    if not wanted:
        return index_plan
    if session.get_bind().dialect.name != "sqlite":
        # PostgreSQL's planner weighs the trigram index against the sort order itself.
        if not counted:
            return index_plan
        # One trigram search gives the count and, when the matches are few, their ids: the
        # list then reads those brands by id instead of searching a second time (two
        # searches of 1.4 ms each for a name and number at 100,000 brands).
        limited = matching.limit(cap + 1).subquery()
        total = func.count().over().label("total")
        found = session.execute(select(limited.c.brand_id, total).limit(ID_LIST_MAX + 1)).all()
        count = Count(found[0].total if found else 0, cap)
        if not count.capped and count.value <= ID_LIST_MAX:  # every match is in `found`
            return ListSearch(Brand.id.in_([row.brand_id for row in found]), count)
        return ListSearch(index_plan.condition, count)
    found = (
        select(sa.literal_column("rowid"))
        .select_from(sa.table(FTS_TABLE))
        .where(sa.literal_column(FTS_TABLE).op("MATCH")(_fts_phrase(wanted)))
    )
    ids = session.scalars(found.limit(COMMON_MATCHES)).all()
    if len(ids) < COMMON_MATCHES:
        # Rare: these are every match on the server; the list filters them by owner
        # without asking the text index a second time.
        return ListSearch(Brand.id.in_(ids))
    pattern = _like_pattern(wanted)
    mine = owned(BrandSearch, owner_id, BrandSearch.brand_id).where(
        BrandSearch.search_text.like(pattern, escape="\\")
    )
    count = Count(
        session.scalar(select(func.count()).select_from(mine.limit(cap + 1).subquery())) or 0,
        cap,
    )
    if not count.capped:
        # Common among all creators, not in this account: its few matches, read once.
        return ListSearch(Brand.id.in_(mine), count)
    # At least cap + 1 of this creator's brands match: a page is near in any order.
    text = (
        select(BrandSearch.search_text)
        .where(BrandSearch.brand_id == Brand.id)
        .correlate(Brand)
        .scalar_subquery()
    )
    return ListSearch(text.like(pattern, escape="\\"), count)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(text: str) -> str:
    # One FTS5 string: inside double quotes only a doubled quote means anything, so
    # AND, OR, NEAR, *, ( and : are searched for as typed.
    return '"' + text.replace('"', '""') + '"'


class _Contains(ColumnElement[bool]):
    """brand_search.search_text contains `text` (already folded), through each database's index."""

    type = sa.Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition already: no "= 1" after it on SQLite
    _traverse_internals = [
        ("phrase", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, text: str) -> None:
        self.phrase = sa.bindparam(None, _fts_phrase(text), type_=sa.String())
        self.pattern = sa.bindparam(None, _like_pattern(text), type_=sa.String())


@compiles(_Contains, "sqlite")
def _contains_on_sqlite(element: _Contains, compiler: Any, **kw: Any) -> str:
    column = compiler.process(BrandSearch.brand_id, **kw)
    phrase = compiler.process(element.phrase, **kw)
    # Only compiled SQL and a bound parameter are joined here, never a value.
    return f"{column} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {phrase})"  # noqa: S608


@compiles(_Contains)
def _contains_elsewhere(element: _Contains, compiler: Any, **kw: Any) -> str:
    # PostgreSQL's default LIKE escape is the backslash; pg_trgm's GIN index serves it.
    column = compiler.process(BrandSearch.search_text, **kw)
    return f"{column} LIKE {compiler.process(element.pattern, **kw)}"


def stored_texts(connection: sa.Connection, brand_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """brand id -> (owner id, the search text its current name, handle and contacts give)."""
    brands = connection.execute(
        select(Brand.id, Brand.owner_id, Brand.name, Brand.tiktok_handle).where(
            Brand.id.in_(brand_ids)
        )
    ).all()
    contacts: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for brand_id, name, email in connection.execute(
        select(Contact.brand_id, Contact.name, Contact.email)
        .where(Contact.brand_id.in_(brand_ids))
        .order_by(Contact.brand_id, Contact.id)
    ):
        contacts[brand_id].append((name, email))
    return {
        brand_id: (owner_id, brand_text(name, handle, contacts[brand_id]))
        for brand_id, owner_id, name, handle in brands
    }


def refresh_search(connection: sa.Connection | Session, brand_ids: Iterable[int]) -> int:
    """Make the stored search text of `brand_ids` match their brands (gone brands: removed).

    Returns how many stored rows were missing, stale or orphaned (0 when all were right).
    """
    if isinstance(connection, Session):
        connection = connection.connection()
    ids = sorted({brand_id for brand_id in brand_ids if brand_id is not None})
    return sum(
        _refresh_batch(connection, ids[start : start + BATCH])
        for start in range(0, len(ids), BATCH)
    )


def refresh_everyone(session: Session) -> int:
    """Refresh every brand's search text, a batch at a time (after a change to the folding,
    or a table restored by hand); returns how many rows had drifted."""
    # Rows whose brand is gone (only possible with foreign keys off, say a hand restore).
    orphans = session.execute(
        delete(BrandSearch).where(~BrandSearch.brand_id.in_(select(Brand.id)))
    ).rowcount
    drifted, after = orphans or 0, 0
    while ids := session.scalars(
        select(Brand.id).where(Brand.id > after).order_by(Brand.id).limit(BATCH)
    ).all():
        drifted += refresh_search(session, ids)
        after = ids[-1]
    return drifted


def _refresh_batch(connection: sa.Connection, ids: list[int]) -> int:
    wanted = stored_texts(connection, ids)
    stored = dict(
        connection.execute(
            select(BrandSearch.brand_id, BrandSearch.search_text).where(
                BrandSearch.brand_id.in_(ids)
            )
        ).all()
    )
    gone = [brand_id for brand_id in stored if brand_id not in wanted]
    new = [
        {"brand_id": brand_id, "owner_id": owner_id, "search_text": text}
        for brand_id, (owner_id, text) in wanted.items()
        if brand_id not in stored
    ]
    changed = [
        {"b_id": brand_id, "b_text": text}
        for brand_id, (_owner_id, text) in wanted.items()
        if brand_id in stored and stored[brand_id] != text
    ]
    if gone:
        connection.execute(delete(BrandSearch).where(BrandSearch.brand_id.in_(gone)))
    if new:
        connection.execute(insert(BrandSearch), new)
    if changed:
        connection.execute(
            update(BrandSearch)
            .where(BrandSearch.brand_id == sa.bindparam("b_id"))
            .values(search_text=sa.bindparam("b_text")),
            changed,
        )
    return len(gone) + len(new) + len(changed)


def unsynced_brands(session: Session, owner_id: int) -> list[int]:
    """Ids of `owner_id`'s brands whose stored search text is missing, stale or orphaned."""
    connection = session.connection()
    ids = list(session.scalars(owned(Brand, owner_id, Brand.id)))
    wanted = {brand_id: text for brand_id, (_o, text) in stored_texts(connection, ids).items()}
    stored: dict[int, str] = {
        brand_id: search_text
        for brand_id, search_text in session.execute(
            owned(BrandSearch, owner_id, BrandSearch.brand_id, BrandSearch.search_text)
        )
    }
    return sorted(
        brand_id
        for brand_id in set(wanted) | set(stored)
        if wanted.get(brand_id) != stored.get(brand_id)
    )


_BRAND_FIELDS = ("name", "tiktok_handle")
_CONTACT_FIELDS = ("name", "email", "brand_id")


def _touched_brands(session: Session) -> set[int]:
    """Brands whose searched fields this flush wrote, from the pre-flush state."""
    touched: set[int] = set()
    for obj in chain(session.new, session.deleted, session.dirty):
        fields = _BRAND_FIELDS if isinstance(obj, Brand) else _CONTACT_FIELDS
        if not isinstance(obj, Brand | Contact):
            continue
        state = sa.inspect(obj)
        if obj in session.dirty and not any(
            state.attrs[name].history.has_changes() for name in fields
        ):
            continue
        if isinstance(obj, Brand):
            touched.add(obj.id)
        else:
            touched.add(obj.brand_id)
            touched.update(state.attrs.brand_id.history.deleted or ())
    return touched


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, _flush: UOWTransaction) -> None:
    touched = _touched_brands(session)
    if touched:
        refresh_search(session.connection(), touched)


# How many brands the new-pitch picker shows at once: a search narrows it further.
PICK_LIMIT = 20
# The brand list's search box takes as much (brands.forms.FilterForm).
QUERY_MAX = 100


@dataclass(frozen=True)
class BrandChoices:
    """Brands to pick from: the most recently active ones, those matching `q` when given.

    A search shows its matches A-Z (its most recently active `size`, not the first `size`
    names: the same plan whatever the words)."""

    q: str
    brands: list[Any]  # rows of (id, name, tiktok_handle)
    more: bool  # more brands match than are shown
    too_long: bool = False  # the search was longer than QUERY_MAX: refused, not cut
    # How many brands a search matches, counted up to COUNT_CAP ("1,000+"); None unsearched.
    total: Count | None = None


def brand_choices(session: Session, owner_id: int, q: str, size: int = PICK_LIMIT) -> BrandChoices:
    """At most `size` of the creator's brands for a picker: the same queries for any account."""
    if len(q) > QUERY_MAX:
        return BrandChoices(q=q, brands=[], more=False, too_long=True)
    statement = owned(Brand, owner_id, Brand.id, Brand.name, Brand.tiktok_handle, Brand.name_key)
    if not q.strip():
        # The most recently active first; one row past the page says whether there are
        # more, without counting them.
        rows = list(session.execute(_recent(statement, size + 1)))
        return BrandChoices(q=q, brands=rows[:size], more=len(rows) > size)
    search = list_search(session, owner_id, q, COUNT_CAP)
    matches = statement.where(search.condition)
    # Counted whichever plan the search took (a common one counts while planning), so the
    # picker asks the same number of questions of any account.
    total = search.count or count_at_most(session, matches, Brand.id, COUNT_CAP)
    # The brand named exactly as typed first, however long ago it was active; then the most
    # recently active matches, A-Z. Not the first matches in name order: a word that starts
    # names ("Glow ...") would make the database walk every name before it, while matches
    # are spread through the recent order, so a page of them is near whatever the words.
    named = statement.where(Brand.name_key == " ".join(q.split()).casefold())
    exact = list(session.execute(named.order_by(Brand.id).limit(size)))
    seen = {row.id for row in exact}
    recent = [row for row in session.execute(_recent(matches, size)) if row.id not in seen]
    shown = exact + sorted(recent[: size - len(exact)], key=lambda row: (row.name_key, row.id))
    return BrandChoices(q=q, brands=shown, more=total.value > len(shown), total=total)


def _recent(statement: Select[Any], limit: int) -> Select[Any]:
    return statement.order_by(Brand.updated_at.desc(), Brand.id.desc()).limit(limit)
