"""imports: the record of each import, daily stats, audience shares, what an import replaced

income_entries and expenses get an `import_id` (NO ACTION: an import is never deleted, undo
removes its rows itself). On SQLite it is a plain ADD COLUMN with a named inline REFERENCES,
not a batch rebuild: with foreign keys on, dropping income_entries to rebuild it would clear
every LIVE's and invoice's link to its entry (see 0019). Going down, SQLite drops the column
in place (3.35+) once its index is gone.

Revision ID: 0027_imports
Revises: 0026_invoice_timeline
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import crm.database

revision: str = "0027_imports"
down_revision: str | None = "0026_invoice_timeline"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINKED = ("income_entries", "expenses")
LIVE_SQL = "undone_at IS NULL"


def _owned(table: str) -> list[Any]:
    """The id, owner and their named constraints every table here starts with."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f(f"fk_{table}_owner_id_users"), ondelete="CASCADE"
        ),
    ]


def _import_link(
    table: str, column: str = "import_id", nullable: bool = True, **kwargs: str
) -> list[Any]:
    return [
        sa.Column(column, sa.Integer(), nullable=nullable),
        sa.ForeignKeyConstraint(
            [column], ["imports.id"], name=op.f(f"fk_{table}_{column}_imports"), **kwargs
        ),
    ]


def _count(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=False)


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "imports",
        *_owned("imports"),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", crm.database.UTCDateTime(), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=True),
        _count("rows_read"),
        _count("rows_skipped"),
        _count("entries_written"),
        _count("entries_replaced"),
        sa.Column("undone_at", crm.database.UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "rows_read >= 0 AND rows_skipped >= 0 AND entries_written >= 0 "
            "AND entries_replaced >= 0",
            name=op.f("ck_imports_counts_not_negative"),
        ),
    )
    op.create_index("ix_imports_owner_created", "imports", ["owner_id", "created_at", "id"])
    op.create_index(
        "ix_imports_owner_sha256",
        "imports",
        ["owner_id", "sha256"],
        unique=True,
        sqlite_where=sa.text(LIVE_SQL),
        postgresql_where=sa.text(LIVE_SQL),
    )
    op.create_index(op.f("ix_imports_owner_id"), "imports", ["owner_id"])

    op.create_table(
        "daily_stats",
        *_owned("daily_stats"),
        sa.Column("day", sa.Date(), nullable=False),
        *(
            sa.Column(name, _big(), nullable=True)
            for name in ("views", "profile_views", "likes", "comments", "shares", "followers")
        ),
        *_import_link("daily_stats", ondelete="SET NULL"),
        sa.UniqueConstraint("owner_id", "day", name=op.f("uq_daily_stats_owner_id_day")),
    )
    op.create_index(op.f("ix_daily_stats_owner_id"), "daily_stats", ["owner_id"])
    op.create_index(op.f("ix_daily_stats_import_id"), "daily_stats", ["import_id"])

    op.create_table(
        "audience_shares",
        *_owned("audience_shares"),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("share_millionths", sa.Integer(), nullable=False),
        *_import_link("audience_shares", ondelete="SET NULL"),
        sa.UniqueConstraint(
            "owner_id", "dimension", "key", name=op.f("uq_audience_shares_owner_id_dimension_key")
        ),
        sa.CheckConstraint(
            "share_millionths >= 0 AND share_millionths <= 1000000",
            name=op.f("ck_audience_shares_share_in_range"),
        ),
    )
    op.create_index(op.f("ix_audience_shares_owner_id"), "audience_shares", ["owner_id"])
    op.create_index(op.f("ix_audience_shares_import_id"), "audience_shares", ["import_id"])

    op.create_table(
        "import_replaced",
        *_owned("import_replaced"),
        *_import_link("import_replaced", nullable=False, ondelete="CASCADE"),
        *_import_link("import_replaced", "from_import_id"),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("row", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('income', 'expense', 'day', 'audience')",
            name=op.f("ck_import_replaced_kind_known"),
        ),
    )
    for column in ("owner_id", "import_id", "from_import_id"):
        op.create_index(op.f(f"ix_import_replaced_{column}"), "import_replaced", [column])

    for table in LINKED:
        _add_link(table)


def _add_link(table: str) -> None:
    name = f"fk_{table}_import_id_imports"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN import_id INTEGER "
            f"CONSTRAINT {name} REFERENCES imports (id)"
        )
    else:
        op.add_column(table, sa.Column("import_id", sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, "imports", ["import_id"], ["id"])
    op.create_index(f"ix_{table}_import_id", table, ["import_id"])


def downgrade() -> None:
    for table in LINKED:
        op.drop_index(f"ix_{table}_import_id", table_name=table)
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(f"fk_{table}_import_id_imports", table, type_="foreignkey")
        op.execute(f"ALTER TABLE {table} DROP COLUMN import_id")
    op.drop_table("import_replaced")
    op.drop_table("audience_shares")
    op.drop_table("daily_stats")
    op.drop_table("imports")
