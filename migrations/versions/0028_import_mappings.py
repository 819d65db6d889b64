"""import_mappings: the columns a creator mapped for their own CSV, per header layout

Revision ID: 0028_import_mappings
Revises: 0027_imports
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import crm.database

revision: str = "0028_import_mappings"
down_revision: str | None = "0027_imports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("layout", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", crm.database.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_import_mappings_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("owner_id", "layout", name=op.f("uq_import_mappings_owner_id_layout")),
    )
    op.create_index(op.f("ix_import_mappings_owner_id"), "import_mappings", ["owner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_mappings_owner_id"), table_name="import_mappings")
    op.drop_table("import_mappings")
