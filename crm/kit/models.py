"""A creator's media kit: its public address, bio, hidden blocks, own prices, picks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.inputs import BIG_COUNT
from crm.ownership import Owned

BIO_MAX = 600
SLUG_MAX = 40
# The kinds of work the rate card prices, each with its own "from" price column.
PRICE_KINDS = ("ugc_video", "sponsored_post", "package", "retainer")


class MediaKit(Owned, Base):
    """One kit per creator; off until the creator turns it on (the slug is then its address)."""

    __tablename__ = "media_kits"
    __table_args__ = (
        UniqueConstraint("owner_id"),
        # One address per kit across the server: a changed slug frees the old one (404).
        UniqueConstraint("slug"),
        CheckConstraint(
            "(ugc_video_cents IS NULL OR ugc_video_cents >= 0)"
            " AND (sponsored_post_cents IS NULL OR sponsored_post_cents >= 0)"
            " AND (package_cents IS NULL OR package_cents >= 0)"
            " AND (retainer_cents IS NULL OR retainer_cents >= 0)",
            name="prices_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    slug: Mapped[str | None] = mapped_column(String(SLUG_MAX))
    bio: Mapped[str] = mapped_column(String(BIO_MAX), default="", server_default="")
    # Block keys (crm.kit.blocks.BLOCKS) the creator hid, comma-separated.
    hidden_blocks: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # True: the app shows the most viewed videos; False: the ones ticked in media_kit_videos.
    videos_by_views: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The creator's own "from" prices in their currency; None: the rates service's figure.
    ugc_video_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    sponsored_post_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    package_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    retainer_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class KitSlugHold(Owned, Base):
    """A kit address its creator gave up lately, held for them (CRM_KIT_SLUG_HOLD_DAYS).

    Links in pitch emails sent earlier carry the old address: until the hold ends nobody
    else may take it (it answers "Page not found" meanwhile), and its creator may take it
    back. One row per address: released again, the row is overwritten.
    """

    __tablename__ = "kit_slug_holds"
    __table_args__ = (UniqueConstraint("slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    released_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class KitBrand(Owned, Base):
    """A brand the creator ticked to show on the kit (brands worked with)."""

    __tablename__ = "media_kit_brands"
    __table_args__ = (UniqueConstraint("owner_id", "brand_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)


class KitVideo(Owned, Base):
    """A portfolio video the creator picked for the kit."""

    __tablename__ = "media_kit_videos"
    __table_args__ = (UniqueConstraint("owner_id", "video_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    video_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_videos.id", ondelete="CASCADE"), index=True
    )
