"""Brands, contacts and tags."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.ownership import Owned


class BrandStatus(enum.StrEnum):
    LEAD = "lead"
    CONTACTED = "contacted"
    IN_TALKS = "in_talks"
    CLIENT = "client"
    DORMANT = "dormant"
    NOT_A_FIT = "not_a_fit"

    @property
    def label(self) -> str:
        return {"in_talks": "In talks", "not_a_fit": "Not a fit"}.get(
            self.value, self.value.title()
        )


class BrandKind(enum.StrEnum):
    LOCAL = "local"
    DTC = "dtc"
    MID_SIZE = "mid_size"
    AGENCY = "agency"
    MARKETPLACE = "marketplace"

    @property
    def label(self) -> str:
        return {
            "local": "Local business",
            "dtc": "Direct-to-consumer",
            "mid_size": "Mid-size company",
            "agency": "Agency",
            "marketplace": "Marketplace",
        }[self.value]


class BrandSource(enum.StrEnum):
    AD_LIBRARY = "ad_library"
    BILLO = "billo"
    TREND = "trend"
    JOINBRANDS = "joinbrands"
    REFERRAL = "referral"
    INBOUND = "inbound"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "ad_library": "TikTok Ad Library",
            "billo": "Billo",
            "trend": "Trend",
            "joinbrands": "JoinBrands",
            "referral": "Referral",
            "inbound": "Inbound",
            "other": "Other",
        }[self.value]


class Brand(Owned, Base):
    """A brand: a lead at first, a UGC client once work is won; the same record."""

    __tablename__ = "brands"
    __table_args__ = (
        Index("ix_brands_owner_handle", "owner_id", "tiktok_handle"),
        Index("ix_brands_owner_domain", "owner_id", "website_domain"),
        # The brand list's sorts and filters (crm/brands/listing.py), id last for the keyset.
        # The good-target columns last (listing.good_target_clause): a list narrowed by
        # "good targets" walks this index without reading each brand's row (0016).
        Index(
            "ix_brands_owner_recent",
            "owner_id",
            "updated_at",
            "id",
            "runs_tiktok_ads",
            "tiktok_followers",
        ),
        Index("ix_brands_owner_name_id", "owner_id", "name_key", "id"),
        Index("ix_brands_owner_created", "owner_id", "created_at", "id"),
        Index("ix_brands_owner_followers", "owner_id", "tiktok_followers", "id"),
        Index("ix_brands_owner_status_recent", "owner_id", "status", "updated_at", "id"),
        Index(
            "ix_brands_owner_category_recent", "owner_id", "product_category", "updated_at", "id"
        ),
        Index("ix_brands_owner_source_recent", "owner_id", "source", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-cased name, for matching and case-insensitive sorting on any database.
    name_key: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(300), default="")
    # "glowco.com" from "https://www.GlowCo.com/shop": how imports recognise a brand.
    website_domain: Mapped[str] = mapped_column(String(255), default="")
    # Without the @, lower-cased.
    tiktok_handle: Mapped[str] = mapped_column(String(24), default="")
    tiktok_followers: Mapped[int | None]
    product_category: Mapped[str] = mapped_column(String(32), default="other")
    kind: Mapped[BrandKind] = mapped_column(
        str_enum(BrandKind, "brand_kind"), default=BrandKind.DTC
    )
    source: Mapped[BrandSource] = mapped_column(
        str_enum(BrandSource, "brand_source"), default=BrandSource.OTHER
    )
    runs_tiktok_ads: Mapped[bool] = mapped_column(default=False)
    status: Mapped[BrandStatus] = mapped_column(
        str_enum(BrandStatus, "brand_status"), default=BrandStatus.LEAD
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="brand",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Contact.is_primary.desc(), Contact.name)",
    )
    tags: Mapped[list[BrandTag]] = relationship(
        back_populates="brand",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="BrandTag.name",
    )


class Contact(Owned, Base):
    """A person at a brand; at most one per brand is the primary contact."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index(
            "ix_contacts_one_primary",
            "brand_id",
            unique=True,
            sqlite_where=sa.text("is_primary"),
            postgresql_where=sa.text("is_primary"),
        ),
        Index("ix_contacts_owner_email", "owner_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    is_primary: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    brand: Mapped[Brand] = relationship(back_populates="contacts")


class BrandTag(Owned, Base):
    """A free tag on a brand ("skincare", "q4"), lower-cased."""

    __tablename__ = "brand_tags"
    __table_args__ = (
        UniqueConstraint("brand_id", "name"),
        # brand_id last: the tag filter reads its brands from the index alone (0016).
        Index("ix_brand_tags_owner_name", "owner_id", "name", "brand_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40))

    brand: Mapped[Brand] = relationship(back_populates="tags")


class BrandSearch(Owned, Base):
    """A brand's name, handle and contacts folded into one text (crm.brands.search_text).

    A side table, so that keeping it in step never moves a brand's "recent activity".
    SQLite indexes it with the FTS5 table brand_search_fts (migration 0014, kept in step
    by triggers); PostgreSQL with the trigram index below.
    """

    __tablename__ = "brand_search"
    __table_args__ = (
        Index(
            "ix_brand_search_trigrams",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            # Written straight into the index: a pending list read on every search until
            # autovacuum merges it made searches ten times slower after a bulk import.
            postgresql_with={"fastupdate": "off"},
        ).ddl_if(dialect="postgresql"),
    )

    brand_id: Mapped[int] = mapped_column(
        ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    search_text: Mapped[str] = mapped_column(Text, default="")
