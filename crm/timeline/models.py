"""A line on a brand's timeline, and the kinds of line there are."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.ownership import Owned


class ActivityKind(enum.StrEnum):
    """What a timeline line records; a new area adds its kinds here (and a migration)."""

    NOTE = "note"
    BRAND_CREATED = "brand_created"
    STATUS_CHANGED = "status_changed"
    CONTACT_ADDED = "contact_added"
    IMPORTED = "imported"
    PITCH_CREATED = "pitch_created"
    PITCH_STATUS = "pitch_status"
    PITCH_DELETED = "pitch_deleted"
    FOLLOWUP_LOGGED = "followup_logged"
    RATES_SENT = "rates_sent"
    EMAIL_SENT = "email_sent"
    DEAL_CREATED = "deal_created"
    DELIVERABLE_MOVED = "deliverable_moved"
    REVISION_REQUESTED = "revision_requested"
    INVOICE_SENT = "invoice_sent"
    INVOICE_PAID = "invoice_paid"
    INQUIRY = "inquiry"


class BrandActivity(Owned, Base):
    """One line of a brand's timeline: a note, a status change, a pitch event."""

    __tablename__ = "brand_activities"
    __table_args__ = (
        # A brand's timeline and a pitch's history, newest first (keyset: id last).
        Index("ix_brand_activities_brand_at_id", "brand_id", "at", "id"),
        Index("ix_brand_activities_pitch_at", "pitch_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    # Set when the line is about one pitch (its creation, a status change, a follow-up).
    pitch_id: Mapped[int | None] = mapped_column(ForeignKey("pitches.id", ondelete="CASCADE"))
    kind: Mapped[ActivityKind] = mapped_column(str_enum(ActivityKind, "activity_kind"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
