"""income month sums: kept per (owner, month, stream, reporting currency) by triggers

The year summary, the trends chart and the income list's totals over every month summed
every entry of their range: a year of entries at 10,000 entries took 6 ms on SQLite and
grew with the account. `income_month_sums` holds one row per creator, month ('YYYY-MM'),
stream and reporting currency: how many entries, what they earned and what of it is paid,
in the reporting currency. Triggers on `income_entries` keep it in the same transaction as
each insert, update and delete, so every write path counts (the ORM, imports' bulk
inserts, backups restored, brand and account deletes cascading), as pitch_totals is kept
(0015). It is filled from the entries already there.

A batch migration that copies `income_entries` on SQLite must create these triggers again.

Revision ID: 0037_income_month_sums
Revises: 0036_kit_slug_holds
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_income_month_sums"
down_revision: str | None = "0036_kit_slug_holds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An update that moves an entry between sums, or changes what it adds to one.
_CHANGED = (
    "OLD.owner_id IS NOT NEW.owner_id OR OLD.earned_on IS NOT NEW.earned_on"
    " OR OLD.stream IS NOT NEW.stream OR OLD.reporting_currency IS NOT NEW.reporting_currency"
    " OR OLD.reporting_cents IS NOT NEW.reporting_cents OR OLD.status IS NOT NEW.status"
)
_COLUMNS = "owner_id, earned_on, stream, reporting_currency, reporting_cents, status"


def _sqlite_add(row: str) -> str:
    return f"""
    INSERT INTO income_month_sums
        (owner_id, month, stream, reporting_currency, entries, earned_cents, paid_cents)
    VALUES ({row}.owner_id, substr({row}.earned_on, 1, 7), {row}.stream,
            {row}.reporting_currency, 1, {row}.reporting_cents,
            CASE WHEN {row}.status = 'paid' THEN {row}.reporting_cents ELSE 0 END)
    ON CONFLICT (owner_id, month, stream, reporting_currency) DO UPDATE SET
        entries = entries + 1,
        earned_cents = earned_cents + excluded.earned_cents,
        paid_cents = paid_cents + excluded.paid_cents;"""


# Taking away is an UPDATE, never an insert: when an account is deleted, its sums may be
# gone (cascade) before its entries are, and there is nothing left to count down.
def _sqlite_take(row: str) -> str:
    return f"""
    UPDATE income_month_sums SET
        entries = entries - 1,
        earned_cents = earned_cents - {row}.reporting_cents,
        paid_cents = paid_cents
            - CASE WHEN {row}.status = 'paid' THEN {row}.reporting_cents ELSE 0 END
    WHERE owner_id = {row}.owner_id AND month = substr({row}.earned_on, 1, 7)
        AND stream = {row}.stream AND reporting_currency = {row}.reporting_currency;"""


SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER income_month_sums_insert AFTER INSERT ON income_entries
    BEGIN {_sqlite_add("NEW")} END""",
    f"""CREATE TRIGGER income_month_sums_delete AFTER DELETE ON income_entries
    BEGIN {_sqlite_take("OLD")} END""",
    f"""CREATE TRIGGER income_month_sums_update AFTER UPDATE OF {_COLUMNS} ON income_entries
    WHEN {_CHANGED}
    BEGIN {_sqlite_take("OLD")} {_sqlite_add("NEW")} END""",
)

POSTGRES_FUNCTIONS = (
    # sign 1 adds an entry, -1 takes it away (an UPDATE only: see _sqlite_take).
    """CREATE FUNCTION income_month_sums_add(
        row_owner integer, row_month varchar, row_stream varchar, row_currency varchar,
        row_cents bigint, row_paid boolean, sign integer
    ) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF sign > 0 THEN
            INSERT INTO income_month_sums AS s
                (owner_id, month, stream, reporting_currency, entries, earned_cents, paid_cents)
            VALUES (row_owner, row_month, row_stream, row_currency, 1, row_cents,
                    CASE WHEN row_paid THEN row_cents ELSE 0 END)
            ON CONFLICT (owner_id, month, stream, reporting_currency) DO UPDATE SET
                entries = s.entries + 1,
                earned_cents = s.earned_cents + excluded.earned_cents,
                paid_cents = s.paid_cents + excluded.paid_cents;
        ELSE
            UPDATE income_month_sums AS s SET
                entries = s.entries - 1,
                earned_cents = s.earned_cents - row_cents,
                paid_cents = s.paid_cents - CASE WHEN row_paid THEN row_cents ELSE 0 END
            WHERE s.owner_id = row_owner AND s.month = row_month AND s.stream = row_stream
                AND s.reporting_currency = row_currency;
        END IF;
    END $$""",
    # An update touches two sums rows; taking them in key order means two moves in
    # opposite directions at once wait for each other instead of deadlocking.
    """CREATE FUNCTION income_month_sums_track() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        new_month varchar;
        old_month varchar;
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            new_month := to_char(NEW.earned_on, 'YYYY-MM');
        END IF;
        IF TG_OP <> 'INSERT' THEN
            old_month := to_char(OLD.earned_on, 'YYYY-MM');
        END IF;
        IF TG_OP = 'INSERT' THEN
            PERFORM income_month_sums_add(NEW.owner_id, new_month, NEW.stream,
                NEW.reporting_currency, NEW.reporting_cents, NEW.status = 'paid', 1);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM income_month_sums_add(OLD.owner_id, old_month, OLD.stream,
                OLD.reporting_currency, OLD.reporting_cents, OLD.status = 'paid', -1);
        ELSIF (NEW.owner_id, new_month, NEW.stream, NEW.reporting_currency)
            < (OLD.owner_id, old_month, OLD.stream, OLD.reporting_currency)
        THEN
            PERFORM income_month_sums_add(NEW.owner_id, new_month, NEW.stream,
                NEW.reporting_currency, NEW.reporting_cents, NEW.status = 'paid', 1);
            PERFORM income_month_sums_add(OLD.owner_id, old_month, OLD.stream,
                OLD.reporting_currency, OLD.reporting_cents, OLD.status = 'paid', -1);
        ELSE
            PERFORM income_month_sums_add(OLD.owner_id, old_month, OLD.stream,
                OLD.reporting_currency, OLD.reporting_cents, OLD.status = 'paid', -1);
            PERFORM income_month_sums_add(NEW.owner_id, new_month, NEW.stream,
                NEW.reporting_currency, NEW.reporting_cents, NEW.status = 'paid', 1);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER income_month_sums_insert_delete AFTER INSERT OR DELETE ON income_entries
    FOR EACH ROW EXECUTE FUNCTION income_month_sums_track()""",
    f"""CREATE TRIGGER income_month_sums_update AFTER UPDATE OF {_COLUMNS} ON income_entries
    FOR EACH ROW WHEN ({_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")})
    EXECUTE FUNCTION income_month_sums_track()""",
)


def _backfill(month: str) -> str:
    return f"""
    INSERT INTO income_month_sums
        (owner_id, month, stream, reporting_currency, entries, earned_cents, paid_cents)
    SELECT owner_id, {month}, stream, reporting_currency, count(*), sum(reporting_cents),
        sum(CASE WHEN status = 'paid' THEN reporting_cents ELSE 0 END)
    FROM income_entries GROUP BY owner_id, {month}, stream, reporting_currency"""


def upgrade() -> None:
    op.create_table(
        "income_month_sums",
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("reporting_currency", sa.String(length=3), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column(
            "earned_cents", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "paid_cents", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_income_month_sums_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "owner_id", "month", "stream", "reporting_currency", name=op.f("pk_income_month_sums")
        ),
    )
    # Triggers first, then the backfill: on PostgreSQL CREATE TRIGGER holds off entry
    # writes until this transaction commits, so no write falls between the two.
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_FUNCTIONS:
            op.execute(statement)
        op.execute(_backfill("to_char(earned_on, 'YYYY-MM')"))
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute(_backfill("substr(earned_on, 1, 7)"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER income_month_sums_update ON income_entries")
        op.execute("DROP TRIGGER income_month_sums_insert_delete ON income_entries")
        op.execute("DROP FUNCTION income_month_sums_track()")
        op.execute(
            "DROP FUNCTION income_month_sums_add("
            "integer, varchar, varchar, varchar, bigint, boolean, integer)"
        )
    else:
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER income_month_sums_{name}")
    op.drop_table("income_month_sums")
