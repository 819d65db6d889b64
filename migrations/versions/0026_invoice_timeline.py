"""invoice timeline: "invoice sent" and "invoice paid" lines on the brand's timeline

Revision ID: 0026_invoice_timeline
Revises: 0025_retainer_months
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026_invoice_timeline"
down_revision: str | None = "0025_retainer_months"
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
    "deal_created",
    "deliverable_moved",
    "revision_requested",
)
INVOICE_KINDS = ("invoice_sent", "invoice_paid")


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _set_activity_kinds(kinds: tuple[str, ...]) -> None:
    # brand_activities is rebuilt on SQLite (batch mode); no table references it, so the
    # rebuild cascades into nothing.
    with op.batch_alter_table("brand_activities", schema=None) as batch_op:
        batch_op.drop_constraint("activity_kind", type_="check")
        batch_op.create_check_constraint("activity_kind", f"kind IN ({_listed(kinds)})")


def upgrade() -> None:
    _set_activity_kinds(KINDS + INVOICE_KINDS)


def downgrade() -> None:
    op.execute(f"DELETE FROM brand_activities WHERE kind IN ({_listed(INVOICE_KINDS)})")
    _set_activity_kinds(KINDS)
