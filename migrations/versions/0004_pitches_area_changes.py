"""pitches area changes: pitch list indexes and the new-pitch form's one-time token

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creation_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            "uq_pitches_owner_id_creation_token", ["owner_id", "creation_token"]
        )
        batch_op.create_index("ix_pitches_owner_kind", ["owner_id", "kind"], unique=False)
        batch_op.create_index("ix_pitches_owner_updated", ["owner_id", "updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pitches", schema=None) as batch_op:
        batch_op.drop_index("ix_pitches_owner_updated")
        batch_op.drop_index("ix_pitches_owner_kind")
        batch_op.drop_constraint("uq_pitches_owner_id_creation_token", type_="unique")
        batch_op.drop_column("creation_token")
