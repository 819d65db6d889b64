"""rates area changes: the creator's add-on policy (add_on_uplifts)

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "add_on_uplifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("add_on", sa.String(length=32), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "percent >= 0 AND percent <= 500", name=op.f("ck_add_on_uplifts_percent_range")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_add_on_uplifts_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_add_on_uplifts")),
        sa.UniqueConstraint("owner_id", "add_on", name=op.f("uq_add_on_uplifts_owner_id_add_on")),
    )
    with op.batch_alter_table("add_on_uplifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_add_on_uplifts_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("add_on_uplifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_add_on_uplifts_owner_id"))
    op.drop_table("add_on_uplifts")
