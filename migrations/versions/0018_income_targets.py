"""income targets: the creator's own monthly target per stream, for 10,000 followers and up

Revision ID: 0018_income_targets
Revises: 0017_income
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_income_targets"
down_revision: str | None = "0017_income"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AMOUNT_MAX_CENTS = 10_000_000 * 100  # crm.income.models.AMOUNT_MAX_CENTS when written


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "income_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=32), nullable=False),
        sa.Column("amount_cents", _big(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            f"amount_cents > 0 AND amount_cents <= {AMOUNT_MAX_CENTS}",
            name=op.f("ck_income_targets_amount_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_income_targets_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_targets")),
        sa.UniqueConstraint("owner_id", "stream", name=op.f("uq_income_targets_owner_id_stream")),
    )
    op.create_index(op.f("ix_income_targets_owner_id"), "income_targets", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_income_targets_owner_id"), table_name="income_targets")
    op.drop_table("income_targets")
