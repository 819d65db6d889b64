"""A deal (work won from a brand: money, terms, rights) and the deliverables it owes."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.brands.models import Brand, Contact
from crm.creation_tokens import CreatedOnce
from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.deals.window_end_sql import WindowEnd
from crm.pitches.models import Pitch

# A rights window is 1 day to 10 years; longer is a typo, or should be perpetual.
WINDOW_DAYS_MAX = 3650
# A retainer of more videos a month than this is a typo.
VIDEOS_PER_MONTH_MAX = 100


class DealKind(enum.StrEnum):
    UGC = "ugc"
    SPONSORED_POST = "sponsored_post"
    AFFILIATE = "affiliate"
    RETAINER = "retainer"
    GIFTED = "gifted"

    @property
    def label(self) -> str:
        return {
            "ugc": "UGC",
            "sponsored_post": "Sponsored post",
            "affiliate": "Affiliate / TikTok Shop",
        }.get(self.value, self.value.title())


class PaymentTerms(enum.StrEnum):
    ON_DELIVERY = "on_delivery"
    NET_15 = "net_15"
    NET_30 = "net_30"
    NET_60 = "net_60"
    HALF_UPFRONT = "half_upfront"

    @property
    def label(self) -> str:
        return {
            "on_delivery": "On delivery",
            "net_15": "Net 15",
            "net_30": "Net 30",
            "net_60": "Net 60",
            "half_upfront": "50% upfront",
        }[self.value]


class DealStatus(enum.StrEnum):
    ACTIVE = "active"
    DELIVERED = "delivered"
    PAID = "paid"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return self.value.title()


def _days_in_range(column: str) -> str:
    return f"({column} IS NULL OR ({column} >= 1 AND {column} <= {WINDOW_DAYS_MAX}))"


class Deal(CreatedOnce, Base):
    """Work agreed with a brand: what it pays, on what terms, and the rights it grants.

    Cash (`amount_cents` in `currency`) and a gifted product's value (`gifted_value_cents`)
    are separate columns so no sum can mix them. A rights window's start stays NULL until
    the content is posted (crm.deals.services sets it then); its end is computed
    (crm.deals.rights), never stored.
    """

    __tablename__ = "deals"
    __table_args__ = (
        # The deal list by status, newest first (id last: keyset).
        Index("ix_deals_owner_status", "owner_id", "status", "id"),
        # The list filtered by kind; retainers to roll are kind = 'retainer'.
        Index("ix_deals_owner_kind", "owner_id", "kind", "id"),
        # A brand's deals (its page and timeline).
        Index("ix_deals_owner_brand", "owner_id", "brand_id", "id"),
        # One deal per won pitch; NULLs (a deal made directly) don't collide.
        UniqueConstraint("owner_id", "pitch_id"),
        # One deal per new-deal form: a second submit of the same form finds the first.
        Index("ix_deals_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint(
            "amount_cents >= 0 AND deposit_cents >= 0 AND gifted_value_cents >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint("deposit_cents <= amount_cents", name="deposit_within_amount"),
        CheckConstraint("kind != 'gifted' OR amount_cents = 0", name="gifted_without_cash"),
        CheckConstraint("revision_limit >= 0", name="revision_limit_not_negative"),
        CheckConstraint(
            " AND ".join(
                _days_in_range(c) for c in ("usage_days", "whitelisting_days", "exclusivity_days")
            ),
            name="window_days_in_range",
        ),
        CheckConstraint(
            "NOT (usage_perpetual AND usage_days IS NOT NULL)", name="usage_days_or_perpetual"
        ),
        CheckConstraint(
            f"videos_per_month IS NULL OR "
            f"(videos_per_month >= 1 AND videos_per_month <= {VIDEOS_PER_MONTH_MAX})",
            name="videos_per_month_in_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    # The won pitch the deal came from, if it came from one.
    pitch_id: Mapped[int | None] = mapped_column(
        ForeignKey("pitches.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[DealKind] = mapped_column(str_enum(DealKind, "deal_kind"), default=DealKind.UGC)
    title: Mapped[str] = mapped_column(String(200))
    # Cash, in minor units of `currency`; 0 for a gifted deal. A retainer's monthly fee.
    amount_cents: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # What a gifted product is worth (in `currency`): in kind, never added to cash.
    gifted_value_cents: Mapped[int] = mapped_column(default=0)
    payment_terms: Mapped[PaymentTerms] = mapped_column(
        str_enum(PaymentTerms, "payment_terms"), default=PaymentTerms.ON_DELIVERY
    )
    deposit_cents: Mapped[int] = mapped_column(default=0)
    revision_limit: Mapped[int] = mapped_column(default=2)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[DealStatus] = mapped_column(
        str_enum(DealStatus, "deal_status"), default=DealStatus.ACTIVE
    )
    # A retainer: N videos a month for the monthly fee, from the 1st of start_month.
    videos_per_month: Mapped[int | None]
    start_month: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    # Paid usage: for usage_days, or perpetual; the channels the brand may run it on.
    usage_days: Mapped[int | None]
    usage_perpetual: Mapped[bool] = mapped_column(default=False)
    usage_channels: Mapped[str] = mapped_column(String(200), default="")
    usage_start: Mapped[date | None] = mapped_column(Date)
    # Whitelisting / Spark Ads through the creator's account.
    whitelisting_days: Mapped[int | None]
    whitelisting_start: Mapped[date | None] = mapped_column(Date)
    # No work for the brand's competitors in this product category.
    exclusivity_category: Mapped[str] = mapped_column(String(80), default="")
    exclusivity_days: Mapped[int | None]
    exclusivity_start: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    brand: Mapped[Brand] = relationship()
    contact: Mapped[Contact | None] = relationship()
    pitch: Mapped[Pitch | None] = relationship()
    deliverables: Mapped[list[Deliverable]] = relationship(
        back_populates="deal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Deliverable.position, Deliverable.id)",
    )


# Each rights window's last day, per owner: "ends from today to today + 13" (the dashboard,
# the rights page) and the calendar's dates read a range of one of these. The expression is
# the queries' own (crm.deals.rights_sql), so the planner can match it; migration 0030.
Index("ix_deals_owner_usage_end", Deal.owner_id, WindowEnd(Deal.usage_start, Deal.usage_days))
Index(
    "ix_deals_owner_whitelisting_end",
    Deal.owner_id,
    WindowEnd(Deal.whitelisting_start, Deal.whitelisting_days),
)
Index(
    "ix_deals_owner_exclusivity_end",
    Deal.owner_id,
    WindowEnd(Deal.exclusivity_start, Deal.exclusivity_days),
)


class DeliverableType(enum.StrEnum):
    UGC_VIDEO = "ugc_video"
    SPONSORED_POST = "sponsored_post"
    STORY = "story"
    LIVE_MENTION = "live_mention"
    RAW_FOOTAGE = "raw_footage"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "ugc_video": "UGC video",
            "sponsored_post": "Sponsored post",
            "live_mention": "LIVE mention",
            "raw_footage": "Raw footage",
        }.get(self.value, self.value.title())


class DeliverableStatus(enum.StrEnum):
    BRIEFED = "briefed"
    SCRIPTING = "scripting"
    FILMING = "filming"
    EDITING = "editing"
    SUBMITTED = "submitted"
    REVISIONS = "revisions"
    APPROVED = "approved"
    POSTED = "posted"

    @property
    def label(self) -> str:
        return self.value.title()


# The "Due" index's condition as SQL text: a query it serves must say it with the value
# written in, as the pitches' follow-ups index does.
NOT_POSTED_SQL = "status != 'posted'"


class Deliverable(CreatedOnce, Base):
    """One piece of work a deal owes: a video, a story, raw footage, in its stage of work."""

    __tablename__ = "deliverables"
    __table_args__ = (
        # "Due": what is not posted yet, soonest first (id last: keyset).
        Index(
            "ix_deliverables_due",
            "owner_id",
            "due_on",
            "id",
            sqlite_where=text(NOT_POSTED_SQL),
            postgresql_where=text(NOT_POSTED_SQL),
        ),
        # A deal's deliverables in their order.
        Index("ix_deliverables_deal_position", "deal_id", "position", "id"),
        # A double submit of the new-deliverable form adds one (crm.creation_tokens).
        Index("ix_deliverables_owner_token", "owner_id", "creation_token", unique=True),
        CheckConstraint("revisions_used >= 0 AND position >= 0", name="counts_not_negative"),
        # A post date exactly when posted: moving back out of posted clears it.
        CheckConstraint(
            "(status = 'posted') = (posted_on IS NOT NULL)", name="posted_on_when_posted"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    type: Mapped[DeliverableType] = mapped_column(
        str_enum(DeliverableType, "deliverable_type"), default=DeliverableType.UGC_VIDEO
    )
    title: Mapped[str] = mapped_column(String(200))
    brief: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DeliverableStatus] = mapped_column(
        str_enum(DeliverableStatus, "deliverable_status"), default=DeliverableStatus.BRIEFED
    )
    revisions_used: Mapped[int] = mapped_column(default=0)
    draft_url: Mapped[str] = mapped_column(String(500), default="")
    live_url: Mapped[str] = mapped_column(String(500), default="")
    posted_on: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    deal: Mapped[Deal] = relationship(back_populates="deliverables")
