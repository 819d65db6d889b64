"""rights ends: an index on each rights window's last day, per owner

The dashboard's "rights ending soon", the rights page and the calendar feed ask for windows
whose last day (start + days - 1) falls in a range; without these they walked every deal of
the creator. An expression index serves a query only when the query says the same
expression, so each dialect gets the text crm.deals.window_end_sql.WindowEnd compiles to
(written out here: a migration must not change when the app's code does).

Revision ID: 0031_rights_ends
Revises: 0030_import_videos
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_rights_ends"
down_revision: str | None = "0030_import_videos"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WINDOWS = ("usage", "whitelisting", "exclusivity")


def _end(dialect: str, window: str) -> str:
    start, days = f"{window}_start", f"{window}_days"
    if dialect == "sqlite":
        return f"date({start}, '+' || ({days} - 1) || ' days')"
    return f"({start} + ({days} - 1))"


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for window in WINDOWS:
        op.create_index(
            f"ix_deals_owner_{window}_end", "deals", ["owner_id", sa.text(_end(dialect, window))]
        )


def downgrade() -> None:
    for window in WINDOWS:
        op.drop_index(f"ix_deals_owner_{window}_end", table_name="deals")
