"""timeline: the kinds of a brand_activities line become a checked list

The timeline is its own area now (crm/timeline/); a typo in a kind written by any
area is refused by the database instead of landing as a line no page knows.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "note",
    "brand_created",
    "status_changed",
    "contact_added",
    "imported",
    "pitch_created",
    "pitch_status",
    "pitch_deleted",
    "followup_logged",
    "rates_sent",
    "email_sent",
)


def upgrade() -> None:
    listed = ", ".join(f"'{kind}'" for kind in KINDS)
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=sa.String(length=32),
            type_=sa.Enum(*KINDS, name="activity_kind", native_enum=False, length=20),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("activity_kind", f"kind IN ({listed})")


def downgrade() -> None:
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.drop_constraint("activity_kind", type_="check")
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum(*KINDS, name="activity_kind", native_enum=False, length=20),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
