"""A pitch: one outreach to a brand, moving through an explicit state machine."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.brands.models import Brand, Contact
from crm.creation_tokens import CreatedOnce
from crm.database import Base, UTCDateTime, str_enum, utcnow


class PitchKind(enum.StrEnum):
    UGC = "ugc"
    SPONSORSHIP = "sponsorship"
    AFFILIATE = "affiliate"
    RETAINER = "retainer"

    @property
    def label(self) -> str:
        return {"ugc": "UGC"}.get(self.value, self.value.title())


class PitchChannel(enum.StrEnum):
    EMAIL = "email"
    DM = "dm"
    MARKETPLACE = "marketplace"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {"dm": "DM", "in_person": "In person"}.get(self.value, self.value.title())


class PitchStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    REPLIED = "replied"
    NEGOTIATING = "negotiating"
    WON = "won"
    LOST = "lost"
    GHOSTED = "ghosted"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.title()


# The follow-ups partial index's condition, as SQL text: a query it serves must say
# `status = 'sent'` with the value written in (see crm.pitches.followups.IS_SENT).
SENT_SQL = "status = 'sent'"


class Pitch(CreatedOnce, Base):
    """Outreach to a brand: what was offered, how, and where it stands."""

    __tablename__ = "pitches"
    __table_args__ = (
        # The board: the newest cards of one status, read backwards from the index.
        Index("ix_pitches_owner_status_updated", "owner_id", "status", "updated_at", "id"),
        # Follow-ups due: sent pitches only, in the order the follow-ups list shows them.
        Index(
            "ix_pitches_followups_due",
            "owner_id",
            "next_followup_on",
            "sent_at",
            "id",
            sqlite_where=text(SENT_SQL),
            postgresql_where=text(SENT_SQL),
        ),
        # Waiting to be ghosted: the cadence ran out (few pitches at a time, whatever the
        # number of follow-ups due).
        Index(
            "ix_pitches_followups_expired",
            "owner_id",
            "followups_sent",
            "next_followup_on",
            sqlite_where=text(SENT_SQL),
            postgresql_where=text(SENT_SQL),
        ),
        Index("ix_pitches_owner_followup", "owner_id", "next_followup_on"),
        Index("ix_pitches_brand_created", "brand_id", "created_at"),
        # The pitch list sorts by last change, filtered by kind or brand (id last: keyset).
        Index("ix_pitches_owner_recent", "owner_id", "updated_at", "id"),
        Index("ix_pitches_owner_kind_recent", "owner_id", "kind", "updated_at", "id"),
        Index("ix_pitches_brand_recent", "brand_id", "updated_at", "id"),
        # One pitch per new-pitch form: a second submit of the same form finds the first.
        UniqueConstraint("owner_id", "creation_token"),
        CheckConstraint("quoted_cents IS NULL OR quoted_cents >= 0", name="quote_not_negative"),
        CheckConstraint("followups_sent >= 0", name="followups_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[PitchKind] = mapped_column(
        str_enum(PitchKind, "pitch_kind"), default=PitchKind.UGC
    )
    channel: Mapped[PitchChannel] = mapped_column(
        str_enum(PitchChannel, "pitch_channel"), default=PitchChannel.EMAIL
    )
    quoted_cents: Mapped[int | None]
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PitchStatus] = mapped_column(
        str_enum(PitchStatus, "pitch_status"), default=PitchStatus.DRAFT
    )
    followups_sent: Mapped[int] = mapped_column(default=0)
    # The brand wrote first, through the creator's media kit (crm.inquiries).
    inbound: Mapped[bool] = mapped_column(default=False, server_default=false())
    next_followup_on: Mapped[date | None] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    brand: Mapped[Brand] = relationship()
    contact: Mapped[Contact | None] = relationship()


class PitchTotal(Base):
    """How many pitches an owner has per status and currency, and what they quote.

    Written only by database triggers on `pitches` (migration 0015_board_totals), in the
    same transaction as the pitch write, so every path (the ORM, bulk inserts, brand and
    account deletes cascading) keeps it right; `crm pitches rebuild-totals` recounts it.
    A row whose count went back to 0 stays (readers skip it).
    """

    __tablename__ = "pitch_totals"

    owner_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[PitchStatus] = mapped_column(
        str_enum(PitchStatus, "pitch_status"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    # Pitches with a quote, so a column of quotes of 0 still shows a total of 0.
    quoted_count: Mapped[int] = mapped_column(default=0)
    quoted_cents: Mapped[int] = mapped_column(BigInteger, default=0)
