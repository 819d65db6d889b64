"""invoice lines total: each invoice's sum of its lines, kept by triggers, in its due index

The dashboard's money card summed the lines of every sent invoice (a join and two
count(DISTINCT) over them: 5 ms on SQLite at 800 sent invoices, and a scan of every line on
PostgreSQL). `invoices.lines_total_cents` holds the sum of the invoice's lines, kept by
triggers on `invoice_lines` in the same transaction as each line written, changed or
deleted, whatever wrote it (the invoice form, a backup restored); and the index the
dashboard and the calendar read sent invoices by (owner, status, due day) now carries the
currency and that total, so the sums come from the index alone.

Revision ID: 0038_invoice_lines_total
Revises: 0037_income_month_sums
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038_invoice_lines_total"
down_revision: str | None = "0037_income_month_sums"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _change(row: str, sign: str) -> str:
    return f"""
    UPDATE invoices
    SET lines_total_cents = lines_total_cents {sign} {row}.quantity * {row}.unit_cents
    WHERE id = {row}.invoice_id;"""


_CHANGED = (
    "OLD.invoice_id IS NOT NEW.invoice_id OR OLD.quantity IS NOT NEW.quantity"
    " OR OLD.unit_cents IS NOT NEW.unit_cents"
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER invoice_lines_total_insert AFTER INSERT ON invoice_lines
    BEGIN {_change("NEW", "+")} END""",
    f"""CREATE TRIGGER invoice_lines_total_delete AFTER DELETE ON invoice_lines
    BEGIN {_change("OLD", "-")} END""",
    f"""CREATE TRIGGER invoice_lines_total_update
    AFTER UPDATE OF invoice_id, quantity, unit_cents ON invoice_lines WHEN {_CHANGED}
    BEGIN {_change("OLD", "-")} {_change("NEW", "+")} END""",
)

POSTGRES_FUNCTIONS = (
    f"""CREATE FUNCTION invoice_lines_total_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {_change("OLD", "-")}
        END IF;
        IF TG_OP <> 'DELETE' THEN {_change("NEW", "+")}
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER invoice_lines_total_insert_delete AFTER INSERT OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoice_lines_total_track()""",
    f"""CREATE TRIGGER invoice_lines_total_update
    AFTER UPDATE OF invoice_id, quantity, unit_cents ON invoice_lines
    FOR EACH ROW WHEN ({_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")})
    EXECUTE FUNCTION invoice_lines_total_track()""",
)

BACKFILL = """
UPDATE invoices SET lines_total_cents = (
    SELECT coalesce(sum(quantity * unit_cents), 0) FROM invoice_lines
    WHERE invoice_lines.invoice_id = invoices.id
)"""


def upgrade() -> None:
    op.add_column(
        "invoices",
        sa.Column(
            "lines_total_cents",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            server_default=sa.text("0"),
            nullable=False,
        ),
    )
    # Triggers first, then the backfill: on PostgreSQL CREATE TRIGGER holds off line
    # writes until this transaction commits, so no write falls between the two.
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_FUNCTIONS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    op.execute(BACKFILL)
    op.drop_index("ix_invoices_owner_status_due", table_name="invoices")
    op.create_index(
        "ix_invoices_owner_status_due",
        "invoices",
        ["owner_id", "status", "due_on", "currency", "lines_total_cents"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_invoices_owner_status_due", table_name="invoices")
    op.create_index(
        "ix_invoices_owner_status_due", "invoices", ["owner_id", "status", "due_on"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER invoice_lines_total_update ON invoice_lines")
        op.execute("DROP TRIGGER invoice_lines_total_insert_delete ON invoice_lines")
        op.execute("DROP FUNCTION invoice_lines_total_track()")
    else:
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER invoice_lines_total_{name}")
    # SQLite drops an unindexed column in place (3.35 and later): no batch copy of invoices.
    op.execute("ALTER TABLE invoices DROP COLUMN lines_total_cents")
