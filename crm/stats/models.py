"""Stats snapshots and portfolio videos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.inputs import BIG_COUNT
from crm.ownership import Owned


class StatsSnapshot(Owned, Base):
    """The account's numbers on one day: followers now, and totals over the last `period_days`."""

    __tablename__ = "stats_snapshots"
    __table_args__ = (
        UniqueConstraint("owner_id", "taken_on"),
        # The history list's keyset order (newest first, id last).
        Index("ix_stats_snapshots_owner_taken", "owner_id", "taken_on", "id"),
        CheckConstraint(
            "followers >= 0 AND video_views >= 0 AND likes >= 0 AND comments >= 0"
            " AND shares >= 0 AND posts >= 0",
            name="counts_not_negative",
        ),
        CheckConstraint("period_days > 0", name="period_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taken_on: Mapped[date] = mapped_column(Date)
    period_days: Mapped[int] = mapped_column(default=7)
    # Counts pass two billion (a viral account's views): 8-byte columns.
    followers: Mapped[int] = mapped_column(BIG_COUNT)
    video_views: Mapped[int] = mapped_column(BIG_COUNT)
    likes: Mapped[int] = mapped_column(BIG_COUNT)
    comments: Mapped[int] = mapped_column(BIG_COUNT)
    shares: Mapped[int] = mapped_column(BIG_COUNT)
    # Videos posted in the period; None when not given (unknown, not zero).
    posts: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Built from imported days (crm.stats.weeks), rebuilt by every import and undo; a typed
    # snapshot (False) is never replaced by one, and editing a derived one makes it typed.
    derived: Mapped[bool] = mapped_column(default=False, server_default=false())


class PortfolioVideo(Owned, Base):
    """A sample video a pitch can link to, with its product category and results."""

    __tablename__ = "portfolio_videos"
    __table_args__ = (
        # One row per video: a double submit or a second paste of a link adds nothing.
        UniqueConstraint("owner_id", "url"),
        CheckConstraint("views >= 0 AND likes >= 0", name="counts_not_negative"),
        # The kit's best videos and its settings' choices, most viewed first (read backwards).
        Index("ix_portfolio_videos_owner_views", "owner_id", "views", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(200))
    product_category: Mapped[str] = mapped_column(String(32), default="other")
    views: Mapped[int] = mapped_column(BIG_COUNT, default=0)
    likes: Mapped[int] = mapped_column(BIG_COUNT, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The import that added the video or last updated its figures (crm.imports.videos);
    # editing it on the portfolio page clears it, so undoing that import leaves it alone.
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL"), index=True
    )
