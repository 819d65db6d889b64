"""The creator's add-on policy: their own uplift percentages, one row per add-on they set."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.ownership import Owned


class AddOnUplift(Owned, Base):
    """One add-on's percentage in a creator's policy; no row means the seed's default."""

    __tablename__ = "add_on_uplifts"
    __table_args__ = (
        UniqueConstraint("owner_id", "add_on"),
        CheckConstraint("percent >= 0 AND percent <= 500", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    add_on: Mapped[str] = mapped_column(String(32))
    percent: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
