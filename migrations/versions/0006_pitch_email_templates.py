"""emails area: the creator's own email templates (pitch_email_templates)

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pitch_email_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_pitch_email_templates_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitch_email_templates")),
        sa.UniqueConstraint(
            "owner_id", "kind", name=op.f("uq_pitch_email_templates_owner_id_kind")
        ),
    )
    with op.batch_alter_table("pitch_email_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pitch_email_templates_owner_id"), ["owner_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pitch_email_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pitch_email_templates_owner_id"))
    op.drop_table("pitch_email_templates")
