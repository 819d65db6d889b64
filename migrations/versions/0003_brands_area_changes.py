"""brands area changes: indexes for the brand list's category and source filters

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.create_index(
            "ix_brands_owner_category", ["owner_id", "product_category"], unique=False
        )
        batch_op.create_index("ix_brands_owner_source", ["owner_id", "source"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("brands", schema=None) as batch_op:
        batch_op.drop_index("ix_brands_owner_source")
        batch_op.drop_index("ix_brands_owner_category")
