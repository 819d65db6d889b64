"""kit_slug_holds: a media kit address its creator gave up lately, held for them

A changed slug is held for its previous owner (CRM_KIT_SLUG_HOLD_DAYS) so the links in
pitch emails sent earlier don't open another creator's kit; one row per address.

Revision ID: 0036_kit_slug_holds
Revises: 0035_kit_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_kit_slug_holds"
down_revision: str | None = "0035_kit_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kit_slug_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_kit_slug_holds_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_slug_holds")),
        sa.UniqueConstraint("slug", name=op.f("uq_kit_slug_holds_slug")),
    )
    op.create_index(op.f("ix_kit_slug_holds_owner_id"), "kit_slug_holds", ["owner_id"])


def downgrade() -> None:
    op.drop_table("kit_slug_holds")
