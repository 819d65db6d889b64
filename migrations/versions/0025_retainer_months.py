"""retainer_months: each month a retainer rolled, once per deal and month

Revision ID: 0025_retainer_months
Revises: 0024_deal_tokens
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_retainer_months"
down_revision: str | None = "0024_deal_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retainer_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"],
            ["deals.id"],
            name=op.f("fk_retainer_months_deal_id_deals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_retainer_months_invoice_id_invoices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_retainer_months_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retainer_months")),
        sa.UniqueConstraint("deal_id", "month", name=op.f("uq_retainer_months_deal_id_month")),
    )
    with op.batch_alter_table("retainer_months", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retainer_months_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("retainer_months", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retainer_months_owner_id"))
    op.drop_table("retainer_months")
