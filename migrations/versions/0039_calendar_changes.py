"""calendar changes: a count, kept by triggers, of the writes a creator's feed is made of

A calendar app polls its feed every few minutes to hours, and nearly every poll finds it
unchanged. The feed's ETag was a hash of every row the feed is built from, so each poll
read up to 400 events' rows (4.4 ms at 100k on SQLite, most of it reading them) only to
find nothing had changed. `calendar_feeds.changes` counts the writes to the five tables
the events are read from (brands, pitches, deals, deliverables, invoices; an invoice's
lines reach it through `invoices.lines_total_cents`, 0038). Triggers keep it in the same
transaction as each write, whatever made it (the ORM, imports' bulk inserts, backups
restored, deletes cascading), so the ETag is the count and the day, read with the token:
an unchanged feed is one indexed read.

SQLite: a row trigger per table and kind of write. PostgreSQL: a statement trigger with
its transition table, so a bulk insert of 10,000 brands updates the feed's row once, not
10,000 times. A creator with no feed has no row: their writes update nothing.

A batch migration that copies one of these tables on SQLite must create its triggers again
(tests/test_calendar_changes.py checks that every one is there at the head).

Revision ID: 0039_calendar_changes
Revises: 0038_invoice_lines_total
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039_calendar_changes"
down_revision: str | None = "0038_invoice_lines_total"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables the feed's events are read from (crm.deals.calendar), each with its owner_id.
TABLES = ("brands", "pitches", "deals", "deliverables", "invoices")
WRITES = ("insert", "update", "delete")


def trigger_name(table: str, write: str) -> str:
    return f"calendar_changes_{table}_{write}"


def _sqlite_trigger(table: str, write: str) -> str:
    # An update counts for the owner before and after (owners never change, but a write
    # that did would still be seen by both feeds).
    owners = {"insert": "NEW.owner_id", "delete": "OLD.owner_id"}.get(
        write, "OLD.owner_id, NEW.owner_id"
    )
    return f"""CREATE TRIGGER {trigger_name(table, write)} AFTER {write.upper()} ON {table}
    BEGIN
        UPDATE calendar_feeds SET changes = changes + 1 WHERE owner_id IN ({owners});
    END"""


POSTGRES_FUNCTIONS = (
    """CREATE FUNCTION calendar_changes_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE calendar_feeds SET changes = changes + 1
        WHERE owner_id IN (SELECT owner_id FROM written_rows);
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION calendar_changes_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE calendar_feeds SET changes = changes + 1
        WHERE owner_id IN (
            SELECT owner_id FROM written_rows UNION SELECT owner_id FROM earlier_rows
        );
        RETURN NULL;
    END $$""",
)


def _postgres_trigger(table: str, write: str) -> str:
    referencing = {
        "insert": "NEW TABLE AS written_rows",
        "delete": "OLD TABLE AS written_rows",
        "update": "OLD TABLE AS earlier_rows NEW TABLE AS written_rows",
    }[write]
    function = "calendar_changes_count_update" if write == "update" else "calendar_changes_count"
    return f"""CREATE TRIGGER {trigger_name(table, write)} AFTER {write.upper()} ON {table}
    REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"""


def upgrade() -> None:
    op.add_column(
        "calendar_feeds",
        sa.Column(
            "changes",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        for statement in POSTGRES_FUNCTIONS:
            op.execute(statement)
    for table in TABLES:
        for write in WRITES:
            make = _postgres_trigger if postgresql else _sqlite_trigger
            op.execute(make(table, write))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in TABLES:
        for write in WRITES:
            op.execute(
                f"DROP TRIGGER {trigger_name(table, write)}"
                + (f" ON {table}" if postgresql else "")
            )
    if postgresql:
        op.execute("DROP FUNCTION calendar_changes_count_update()")
        op.execute("DROP FUNCTION calendar_changes_count()")
    # SQLite drops an unindexed column in place (3.35 and later): no batch copy.
    op.execute("ALTER TABLE calendar_feeds DROP COLUMN changes")
