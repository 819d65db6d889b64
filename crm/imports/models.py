"""What an import wrote and what it replaced, so it can be listed and undone.

An import is never deleted: undoing it sets `undone_at` and keeps the row as the record of
what happened. That is why the income entries and expenses it wrote point at it with a plain
(NO ACTION) foreign key: neither CASCADE nor SET NULL could lose them behind undo's back, and
deleting a whole account (both cascading from users) is checked at the statement's end.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.inputs import BIG_COUNT
from crm.ownership import Owned

# The partial unique index's condition: one live import of the same bytes per creator.
LIVE_SQL = "undone_at IS NULL"
SHARE_SCALE = 1_000_000


class Import(Owned, Base):
    """One uploaded file read into stats or income: what it was, what it covered, counts."""

    __tablename__ = "imports"
    __table_args__ = (
        # The list's keyset order, newest first.
        Index("ix_imports_owner_created", "owner_id", "created_at", "id"),
        # The same bytes twice change nothing; two confirms racing are settled here.
        Index(
            "ix_imports_owner_sha256",
            "owner_id",
            "sha256",
            unique=True,
            sqlite_where=text(LIVE_SQL),
            postgresql_where=text(LIVE_SQL),
        ),
        CheckConstraint(
            "rows_read >= 0 AND rows_skipped >= 0 AND entries_written >= 0 "
            "AND entries_replaced >= 0",
            name="counts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))  # the readers' source: "tiktok", "ltk"
    label: Mapped[str] = mapped_column(String(200))  # "TikTok Studio: Overview"
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)
    entries_written: Mapped[int] = mapped_column(default=0)
    entries_replaced: Mapped[int] = mapped_column(default=0)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DailyStats(Owned, Base):
    """One day of the account's figures; None is unknown (a file that never said), not 0."""

    __tablename__ = "daily_stats"
    __table_args__ = (UniqueConstraint("owner_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    views: Mapped[int | None] = mapped_column(BIG_COUNT)
    profile_views: Mapped[int | None] = mapped_column(BIG_COUNT)
    likes: Mapped[int | None] = mapped_column(BIG_COUNT)
    comments: Mapped[int | None] = mapped_column(BIG_COUNT)
    shares: Mapped[int | None] = mapped_column(BIG_COUNT)
    followers: Mapped[int | None] = mapped_column(BIG_COUNT)
    # The import that wrote the day last (each later file merges its fields in).
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL"), index=True
    )


class FollowerShare(Owned, Base):
    """A share of the followers by gender or territory, as the last file said."""

    __tablename__ = "audience_shares"
    __table_args__ = (
        UniqueConstraint("owner_id", "dimension", "key"),
        CheckConstraint(
            f"share_millionths >= 0 AND share_millionths <= {SHARE_SCALE}", name="share_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20))  # "gender", "territory"
    key: Mapped[str] = mapped_column(String(80))
    # Millionths of the followers (0.4213 -> 421_300): an integer, as exchange rates are, so
    # a share never passes through a float (SQLite has no decimal type).
    share_millionths: Mapped[int]
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL"), index=True
    )


class ImportReplaced(Owned, Base):
    """A row an import removed or overwrote, kept whole so undoing the import puts it back.

    One table for every kind, the row as JSON: it is only ever read back whole, by its
    import, never searched by a field; and a new kind of imported row needs no migration.
    `from_import_id` is the import that had written the row: undo puts the row back only
    while that import stands (crm.imports.committing), and an import undone while a later
    one owns the row hands what it kept of it to that later import (`import_id` changes).
    Kind "video" also notes the portfolio videos an import added (crm.imports.videos).
    """

    __tablename__ = "import_replaced"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('income', 'expense', 'day', 'audience', 'video')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    from_import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    row: Mapped[dict[str, Any]] = mapped_column(JSON)


class ColumnMappingKept(Owned, Base):
    """The columns a creator mapped for their own CSV, remembered per header layout, so the
    next file of the same layout imports without mapping it again."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("owner_id", "layout"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    layout: Mapped[str] = mapped_column(String(64))  # crm.imports.readers.mapped.layout_key
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)  # a ColumnMapping's fields
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
