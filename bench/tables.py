"""Writing the fill's rows: one `add_<table>` function per table, bulk and fast.

Rows go in with bulk inserts in batches (executemany on SQLite, COPY on PostgreSQL) through
one function per table, so a derived column (a search key) is added in one place, and the
database's own triggers fire as they would for the app. Secondary indexes (and PostgreSQL's
foreign keys) are dropped during the fill and created again from their own DDL afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from crm.accounts.services import token_hash
from crm.approvals.models import ApprovalLink
from crm.approvals.services import LINK_DAYS_DEFAULT
from crm.brands.models import Brand, BrandSearch, BrandTag, Contact
from crm.brands.normalise import name_key
from crm.brands.search_text import brand_text
from crm.database import UTCDateTime, utcnow
from crm.deals.calendar_models import CalendarFeed
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceSettings
from crm.deals.models import Deal, Deliverable
from crm.deals.retainer_models import RetainerMonth
from crm.emails.models import PitchEmailTemplate
from crm.imports.models import Import
from crm.income.models import IncomeEntry
from crm.kit.models import KitBrand, MediaKit
from crm.pitches.models import Pitch
from crm.stats.models import PortfolioVideo, StatsSnapshot
from crm.timeline.models import BrandActivity

BATCH = 5_000


def batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _converter(column: sa.Column[Any], dialect: str) -> Any:
    """How one column's Python value goes to the driver, as the column type would send it."""
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        values = {member: member.value for member in kind.enum_class}
        return lambda value: values.get(value, value)
    if dialect != "sqlite":
        return None  # psycopg adapts aware datetimes, dates, booleans and None itself
    if isinstance(kind, UTCDateTime):
        # SQLAlchemy's SQLite DATETIME text of the UTC time (the fill's times are all UTC).
        return lambda value: None if value is None else value.isoformat(" ", "microseconds")[:26]
    if isinstance(kind, sa.Date):
        return lambda value: None if value is None else value.isoformat()
    if isinstance(kind, sa.Boolean):
        return lambda value: None if value is None else int(value)
    return None


def _insert(connection: sa.Connection, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
    """Batches of rows as the column types would store them: executemany on SQLite, COPY on
    PostgreSQL (Core's per-row type processing would be most of a fill's time)."""
    dialect = connection.dialect.name
    for batch in batches(rows):
        names = list(batch[0])
        columns = []
        for name in names:
            values = [row[name] for row in batch]
            convert = _converter(table.c[name], dialect)
            columns.append(values if convert is None else list(map(convert, values)))
        records = list(zip(*columns, strict=True))
        listed = ", ".join(names)
        if dialect == "postgresql":
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table.name} ({listed}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
        else:
            marks = ", ".join("?" for _ in names)
            sql = f"INSERT INTO {table.name} ({listed}) VALUES ({marks})"
            connection.exec_driver_sql(sql, records)


# One function per table: derived columns are computed here, and only here.
def add_brands(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    def derived(row: dict[str, Any]) -> dict[str, Any]:
        row["name_key"] = name_key(row["name"])
        return row

    _insert(connection, Brand.__table__, (derived(row) for row in rows))


def add_contacts(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Contact.__table__, rows)


def add_brand_search(
    connection: sa.Connection, brands: list[dict[str, Any]], contacts: list[dict[str, Any]]
) -> None:
    """The search text of each brand, as crm.brands.search.refresh_search stores it."""
    people: dict[int, list[tuple[str, str]]] = {}
    for contact in sorted(contacts, key=lambda row: row["id"]):
        people.setdefault(contact["brand_id"], []).append((contact["name"], contact["email"]))
    rows = (
        {
            "brand_id": brand["id"],
            "owner_id": brand["owner_id"],
            "search_text": brand_text(
                brand["name"], brand.get("tiktok_handle", ""), people.get(brand["id"], [])
            ),
        }
        for brand in brands
    )
    _insert(connection, BrandSearch.__table__, rows)


def add_tags(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, BrandTag.__table__, rows)


def add_pitches(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Pitch.__table__, rows)


def add_activities(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, BrandActivity.__table__, rows)


def add_snapshots(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, StatsSnapshot.__table__, rows)


def add_videos(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, PortfolioVideo.__table__, rows)


def add_income(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, IncomeEntry.__table__, rows)


def add_imports(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Import.__table__, rows)


def add_templates(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, PitchEmailTemplate.__table__, rows)


def add_deals(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Deal.__table__, rows)


def add_deliverables(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Deliverable.__table__, rows)


def add_invoices(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, Invoice.__table__, rows)


def add_invoice_lines(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, InvoiceLine.__table__, rows)


def add_retainer_months(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, RetainerMonth.__table__, rows)


def add_invoice_settings(connection: sa.Connection, rows: Iterable[dict[str, Any]]) -> None:
    _insert(connection, InvoiceSettings.__table__, rows)


def add_calendar_feed(connection: sa.Connection, owner_id: int, token: str) -> None:
    """The creator's feed, stored as the app stores it: only the token's hash."""
    row = {"owner_id": owner_id, "token_hash": token_hash(token), "created_at": utcnow()}
    _insert(connection, CalendarFeed.__table__, [row])


def add_approval_link(connection: sa.Connection, owner_id: int, deal_id: int, token: str) -> None:
    """A link for all the deal's open deliverables, stored as the app stores it (hashed)."""
    now = utcnow()
    row = {
        "owner_id": owner_id,
        "deal_id": deal_id,
        "deliverable_id": None,
        "token_hash": token_hash(token),
        "created_at": now,
        "expires_at": now + timedelta(days=LINK_DAYS_DEFAULT),
    }
    _insert(connection, ApprovalLink.__table__, [row])


def add_media_kit(
    connection: sa.Connection, owner_id: int, slug: str, brand_ids: list[int]
) -> None:
    """The creator's kit, turned on, its videos picked by views, `brand_ids` ticked."""
    now = utcnow()
    kit = {
        "owner_id": owner_id, "enabled": True, "slug": slug, "bio": "Cosy home videos.",
        "hidden_blocks": "", "videos_by_views": True, "created_at": now, "updated_at": now,
    }  # fmt: skip
    _insert(connection, MediaKit.__table__, [kit])
    ticked = [{"owner_id": owner_id, "brand_id": brand_id} for brand_id in brand_ids]
    _insert(connection, KitBrand.__table__, ticked)


# The tables whose rows the fill numbers itself.
NUMBERED = (
    Brand,
    Contact,
    BrandTag,
    Pitch,
    BrandActivity,
    StatsSnapshot,
    Deal,
    Deliverable,
    Invoice,
    InvoiceLine,
    RetainerMonth,
)


class Ids:
    """The next free id of each table (explicit ids: nothing is read back)."""

    def __init__(self, connection: sa.Connection) -> None:
        self._next: dict[str, int] = {}
        for table in NUMBERED:
            name = table.__tablename__
            top = connection.scalar(sa.select(sa.func.max(table.__table__.c.id)))
            self._next[name] = (top or 0) + 1

    def take(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value


FILLED_TABLES = (
    "brands",
    "brand_search",
    "contacts",
    "brand_tags",
    "pitches",
    "brand_activities",
    "stats_snapshots",
    "portfolio_videos",
    "pitch_email_templates",
    "deals",
    "deliverables",
    "invoices",
    "invoice_lines",
    "retainer_months",
)


def _secondary_indexes(connection: sa.Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each filled table's index that no constraint owns."""
    if connection.dialect.name == "sqlite":
        # Indexes of PRIMARY KEY and UNIQUE constraints have no SQL of their own.
        query = sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN :tables"
        )
    else:
        query = sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename IN :tables AND indexname NOT IN"
            " (SELECT conname FROM pg_constraint WHERE conindid <> 0)"
        )
    query = query.bindparams(sa.bindparam("tables", expanding=True))
    return [(name, sql) for name, sql in connection.execute(query, {"tables": FILLED_TABLES})]


@contextmanager
def indexes_built_after(connection: sa.Connection) -> Iterator[None]:
    """Drop the secondary indexes, fill, then create them again from their own DDL.

    Building an index once over the rows is many times faster than growing it row by row
    (a GIN or FTS index most of all); the schema afterwards is the migrations' exactly,
    and row triggers still fire for every insert. A failed fill leaves no cache key, so
    the next run starts from an empty database.
    """
    found = _secondary_indexes(connection)
    keys = _foreign_keys(connection)
    for table, name, _definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in found:
        connection.exec_driver_sql(sql)
    for table, name, definition in keys:
        connection.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _foreign_keys(connection: sa.Connection) -> list[tuple[str, str, str]]:
    """PostgreSQL: (table, name, definition) of each filled table's foreign key.

    PostgreSQL checks a foreign key with a lookup per inserted row; adding the constraint
    back checks every row in one pass, so the rows are proven as consistent either way.
    (SQLite's checks cost little here and cannot be dropped: they stay on.)
    """
    if connection.dialect.name != "postgresql":
        return []
    query = sa.text(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text IN :tables"
    ).bindparams(sa.bindparam("tables", expanding=True))
    return [tuple(row) for row in connection.execute(query, {"tables": FILLED_TABLES})]


def finish(connection: sa.Connection) -> None:
    """Sequences past the explicit ids (PostgreSQL), then fresh planner statistics."""
    if connection.dialect.name == "postgresql":
        for table in NUMBERED:
            name = table.__tablename__
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT max(id) FROM {name}))"
            )
