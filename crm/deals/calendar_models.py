"""A creator's calendar feed: the secret URL a calendar app subscribes to, stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.inputs import BIG_COUNT


class CalendarFeed(Base):
    """One feed per creator; only the SHA-256 of its token is kept (the URL is shown once)."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # How many writes have touched the rows the feed's events are read from: kept by the
    # triggers of migration 0039 (never written from Python), it changes the feed's ETag.
    changes: Mapped[int] = mapped_column(BIG_COUNT, server_default=text("0"))
