"""income: entries by stream and status, converted at their own date's rate; expenses; the goal

Revision ID: 0017_income
Revises: 0016_filter_covering_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_income"
down_revision: str | None = "0016_filter_covering_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("expected", "invoiced", "paid")
UNPAID = "status != 'paid'"
CATEGORIES = ("equipment", "software", "props", "travel", "fees", "other")
FORMATS = ("qa", "tutorial", "behind_the_scenes", "collab", "other")


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    listed = ", ".join(f"'{status}'" for status in STATUSES)
    op.create_table(
        "income_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", _big(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_millionths", _big(), nullable=False),
        sa.Column("reporting_cents", _big(), nullable=False),
        sa.Column("reporting_currency", sa.String(length=3), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("program", sa.String(length=80), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("status", sa.Enum(*STATUSES, name="income_status", native_enum=False,
                                    length=20), nullable=False),  # fmt: skip
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amount_cents >= 0 AND reporting_cents >= 0",
            name=op.f("ck_income_entries_amounts_not_negative"),
        ),
        sa.CheckConstraint("rate_millionths > 0", name=op.f("ck_income_entries_rate_positive")),
        sa.CheckConstraint(f"status IN ({listed})", name=op.f("ck_income_entries_income_status")),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
            name=op.f("fk_income_entries_brand_id_brands"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_income_entries_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_entries")),
    )
    op.create_index(
        "ix_income_entries_owner_earned", "income_entries", ["owner_id", "earned_on", "id"]
    )
    op.create_index(
        "ix_income_entries_unpaid",
        "income_entries",
        ["owner_id", "reporting_currency", "due_on", "reporting_cents"],
        sqlite_where=sa.text(UNPAID),
        postgresql_where=sa.text(UNPAID),
    )
    op.create_index(op.f("ix_income_entries_brand_id"), "income_entries", ["brand_id"])
    op.create_index(op.f("ix_income_entries_owner_id"), "income_entries", ["owner_id"])
    categories = ", ".join(f"'{category}'" for category in CATEGORIES)
    op.create_table(
        "expenses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount_cents", _big(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_millionths", _big(), nullable=False),
        sa.Column("reporting_cents", _big(), nullable=False),
        sa.Column("reporting_currency", sa.String(length=3), nullable=False),
        sa.Column("category", sa.Enum(*CATEGORIES, name="expense_category", native_enum=False,
                                      length=20), nullable=False),  # fmt: skip
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amount_cents >= 0 AND reporting_cents >= 0",
            name=op.f("ck_expenses_amounts_not_negative"),
        ),
        sa.CheckConstraint("rate_millionths > 0", name=op.f("ck_expenses_rate_positive")),
        sa.CheckConstraint(
            f"category IN ({categories})", name=op.f("ck_expenses_expense_category")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_expenses_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expenses")),
    )
    op.create_index("ix_expenses_owner_spent", "expenses", ["owner_id", "spent_on", "id"])
    op.create_index(op.f("ix_expenses_owner_id"), "expenses", ["owner_id"])
    # A plain ADD COLUMN, not batch mode: on SQLite batch mode would rebuild `users`, and
    # with foreign keys on, dropping it cascades into every owned row (as 0011 says).
    op.add_column("users", sa.Column("income_goal_cents", _big(), nullable=True))
    op.add_column("users", sa.Column("diamond_value_micros", _big(), nullable=True))
    formats = ", ".join(f"'{name}'" for name in FORMATS)
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("format", sa.Enum(*FORMATS, name="live_format", native_enum=False,
                                    length=20), nullable=False),  # fmt: skip
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("diamonds", _big(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "duration_minutes > 0 AND diamonds >= 0", name=op.f("ck_live_sessions_counts_in_range")
        ),
        sa.CheckConstraint(f"format IN ({formats})", name=op.f("ck_live_sessions_live_format")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["income_entries.id"],
            name=op.f("fk_live_sessions_entry_id_income_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_live_sessions_owner_id_users"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    op.create_index("ix_live_sessions_owner_held", "live_sessions", ["owner_id", "held_on", "id"])
    op.create_index(op.f("ix_live_sessions_entry_id"), "live_sessions", ["entry_id"])
    op.create_index(op.f("ix_live_sessions_owner_id"), "live_sessions", ["owner_id"])


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place; no table rebuild, no cascade.
    op.drop_index(op.f("ix_live_sessions_owner_id"), table_name="live_sessions")
    op.drop_index(op.f("ix_live_sessions_entry_id"), table_name="live_sessions")
    op.drop_index("ix_live_sessions_owner_held", table_name="live_sessions")
    op.drop_table("live_sessions")
    op.execute("ALTER TABLE users DROP COLUMN diamond_value_micros")
    op.execute("ALTER TABLE users DROP COLUMN income_goal_cents")
    op.drop_index(op.f("ix_expenses_owner_id"), table_name="expenses")
    op.drop_index("ix_expenses_owner_spent", table_name="expenses")
    op.drop_table("expenses")
    op.drop_index(op.f("ix_income_entries_owner_id"), table_name="income_entries")
    op.drop_index(op.f("ix_income_entries_brand_id"), table_name="income_entries")
    op.drop_index("ix_income_entries_unpaid", table_name="income_entries")
    op.drop_index("ix_income_entries_owner_earned", table_name="income_entries")
    op.drop_table("income_entries")
