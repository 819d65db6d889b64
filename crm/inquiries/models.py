"""A brand's inquiry through the media kit: what it asked for, and whether the creator saw it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.brands.models import Brand
from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.inputs import BIG_COUNT
from crm.kit import rate_card
from crm.ownership import Owned
from crm.pitches.models import Pitch

NAME_MAX = 100
EMAIL_MAX = 254
COMPANY_MAX = 120
WEBSITE_MAX = 300
DELIVERABLES_MAX = 500
DATES_MAX = 200
MESSAGE_MAX = 3_000


class InquiryKind(enum.StrEnum):
    """What the brand wants: the rate card's kinds, or something else."""

    UGC_VIDEO = "ugc_video"
    SPONSORED_POST = "sponsored_post"
    PACKAGE = "package"
    RETAINER = "retainer"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The rate card's wording (what the brand just read on the kit), or "Something else"."""
        return rate_card.LABELS.get(self.value, "Something else")


class Inquiry(Owned, Base):
    """One inquiry; it landed as an inbound pitch (pitch_id) to a lead brand.

    The brand's words are also on the pitch's timeline line (which a backup keeps); this
    row holds them field by field for the inbox and the pitch page, and the unread mark.
    """

    __tablename__ = "inquiries"
    __table_args__ = (
        # The creator's unread count and their inquiries, newest first.
        Index("ix_inquiries_owner_seen", "owner_id", "seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pitch_id: Mapped[int] = mapped_column(
        ForeignKey("pitches.id", ondelete="CASCADE"), index=True, unique=True
    )
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    company: Mapped[str] = mapped_column(String(COMPANY_MAX))
    website: Mapped[str] = mapped_column(String(WEBSITE_MAX), default="")
    kind: Mapped[InquiryKind] = mapped_column(str_enum(InquiryKind, "inquiry_kind"))
    deliverables: Mapped[str] = mapped_column(String(DELIVERABLES_MAX), default="")
    dates: Mapped[str] = mapped_column(String(DATES_MAX), default="")
    # The brand's budget in the creator's currency, when it gave one.
    budget_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    pitch: Mapped[Pitch] = relationship()
    brand: Mapped[Brand] = relationship()
