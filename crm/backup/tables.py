"""What a backup holds: the tables in the order they restore, and what is left out and why.

Export and restore are driven by this list and are generic over the columns, so a column
added to a listed table is carried without a line here. A new table that belongs to a
creator must be added to BACKED_UP or to EXCLUDED_TABLES (tests/test_backup_tables.py
walks the metadata and fails until it is): nothing a creator owns is forgotten silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from crm.approvals.services import LINK_DAYS_MAX, LINK_DAYS_MIN
from crm.database import Base
from crm.income.models import AMOUNT_MAX_CENTS
from crm.money import MAX_CENTS


@dataclass(frozen=True)
class BackedUp:
    """One table in a backup; `through` names the owned table a row hangs off (no owner_id)."""

    name: str
    through: tuple[str, str] | None = None  # (this table's column, the owned table it points at)
    cents_max: int = AMOUNT_MAX_CENTS  # the largest amount the table's service accepts


# The creator's own row: the profile and settings kept on it (see PROFILE_COLUMNS).
PROFILE = "users"

# Dependency order: a row's foreign keys point at tables earlier in the list.
BACKED_UP: tuple[BackedUp, ...] = (
    BackedUp(PROFILE),
    BackedUp("add_on_uplifts"),
    BackedUp("invoice_settings"),
    BackedUp("income_targets"),
    BackedUp("pitch_email_templates"),
    BackedUp("stats_snapshots"),
    BackedUp("brands"),
    BackedUp("brand_tags"),
    BackedUp("contacts"),
    BackedUp("pitches", cents_max=MAX_CENTS),
    BackedUp("brand_activities"),
    BackedUp("inquiries", cents_max=MAX_CENTS),
    BackedUp("deals", cents_max=MAX_CENTS),
    BackedUp("deliverables"),
    BackedUp("imports"),
    BackedUp("portfolio_videos"),  # after imports: the import that wrote a video's figures
    BackedUp("daily_stats"),
    BackedUp("audience_shares"),
    BackedUp("income_entries"),
    BackedUp("expenses"),
    BackedUp("live_sessions"),
    BackedUp("invoices"),
    BackedUp("invoice_lines", through=("invoice_id", "invoices")),
    BackedUp("retainer_months"),
    # Restored turned off, its slug kept only if free on this server (crm.backup.kit).
    BackedUp("media_kits", cents_max=MAX_CENTS),
    BackedUp("media_kit_brands"),
    BackedUp("media_kit_videos"),
)


@dataclass(frozen=True)
class SameAs:
    """A rule linking two rows of one account that the services keep and a file could break:
    the row `pointer` leads to has the same `shared` column as the row itself (a pitch's
    contact is a contact of the pitch's brand)."""

    table: str
    pointer: str
    shared: str


# Every pair of pointers a table shares with the row it points at is one of these, or is in
# MAY_DIFFER with a reason (tests/test_backup_tables.py derives the pairs from the metadata).
SAME_AS: tuple[SameAs, ...] = (
    SameAs("pitches", "contact_id", "brand_id"),
    SameAs("brand_activities", "pitch_id", "brand_id"),
    SameAs("inquiries", "pitch_id", "brand_id"),
    SameAs("deals", "contact_id", "brand_id"),
    SameAs("deals", "pitch_id", "brand_id"),
    SameAs("retainer_months", "invoice_id", "deal_id"),
)
MAY_DIFFER: dict[tuple[str, str, str], str] = {
    ("deals", "pitch_id", "contact_id"): "a deal's contact can be changed from its pitch's",
}


EXCLUDED_TABLES: dict[str, str] = {
    "throttle_counts": "login throttling counters of the server, nobody's data",
    "login_sessions": "secret: the devices logged in to this server",
    "password_resets": "secret: one-time links of this server",
    "calendar_feeds": "secret: the calendar link's token; make a new link after a restore",
    "approval_links": "secret: the approval links' tokens; send new links after a restore",
    "approval_answers": "unread marks of brands' answers through approval links; the answers "
    "themselves are on the brand's timeline and in the deliverables' status",
    "brand_search": "derived from brands and contacts; rebuilt on restore",
    "pitch_totals": "derived from pitches by database triggers; rebuilt as pitches restore",
    "income_month_sums": "derived from income entries by database triggers; rebuilt as entries "
    "restore",
    "import_mappings": "a CSV layout's remembered columns (JSON): a convenience, asked again on "
    "the first import of that layout after a restore",
    "kit_slug_holds": "kit addresses this server keeps for an account after it changed "
    "them, against this server's other creators; a restored kit takes only an address "
    "nobody else has or holds (crm.backup.kit)",
    "import_replaced": "what each import replaced, kept for its undo, as rows with this "
    "server's ids; a restored import that replaced anything can't be undone (it says so)",
}

# The profile and settings on the account's own row; the rest of it is the login.
PROFILE_COLUMNS = (
    "display_name",
    "tiktok_handle",
    "niche",
    "followers",
    "ugc_experience",
    "currency",
    "turnaround_days",
    "posts_per_week",
    "followup_cadence",
    "timezone",
    "income_goal_cents",
    "diamond_value_micros",
    "approval_link_days",
)

# Columns left out of every table that has them.
EXCLUDED_COLUMNS: dict[str, str] = {
    "owner_id": "the account restored into owns every row; a file cannot name another",
    "creation_token": "a form's double-submit guard, meaningless after the submit",
    "lines_total_cents": "an invoice's lines summed by database triggers; summed again as "
    "its lines restore",
}

# Text columns whose service takes less than the column's type would hold.
TEXT_MAX: dict[str, int] = {
    "brands.notes": 5_000,
    "brand_activities.text": 5_000,
    "pitches.body": 20_000,
    "pitch_email_templates.body": 20_000,
    "deals.notes": 5_000,
    "deliverables.brief": 5_000,
}
# Any other unbounded text column.
LONG_TEXT_MAX = 20_000

# Whole numbers whose service takes a narrower range than the column's type would hold.
INT_RANGES: dict[str, tuple[int, int]] = {
    "users.approval_link_days": (LINK_DAYS_MIN, LINK_DAYS_MAX),
}


def table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


def columns(spec: BackedUp) -> list[sa.Column]:
    """The columns of `spec`'s table a backup carries, in table order."""
    found = table(spec.name).columns
    if spec.name == PROFILE:
        return [found[name] for name in PROFILE_COLUMNS]
    return [column for column in found if column.name not in EXCLUDED_COLUMNS]


def references(column: sa.Column) -> str | None:
    """The backed-up table `column` points at (its ids are remapped), or None."""
    for key in column.foreign_keys:
        return key.column.table.name
    return None


def model(name: str) -> Any:
    """The mapped class of table `name` (the ownership helpers take classes)."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is table(name):
            return mapper.class_
    raise LookupError(name)


def spec_named(name: str) -> BackedUp | None:
    return next((spec for spec in BACKED_UP if spec.name == name), None)
