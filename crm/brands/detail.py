"""What a brand's page shows: contacts, pitches and a page of its timeline, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.brands.models import Brand, BrandActivity, Contact
from crm.brands.normalise import is_good_target
from crm.ownership import owned
from crm.pagination import Page, paginate
from crm.pitches.models import Pitch

PITCHES_SHOWN = 50


@dataclass(frozen=True)
class BrandPage:
    brand: Brand
    contacts: list[Contact]
    pitches: list[Pitch]
    pitch_total: int
    timeline: Page[BrandActivity]
    good_target: bool


def brand_pitches(session: Session, brand: Brand) -> tuple[list[Pitch], int]:
    """The brand's newest pitches and how many it has in all."""
    statement = owned(Pitch, brand.owner_id).where(Pitch.brand_id == brand.id)
    total = session.scalar(statement.with_only_columns(func.count(Pitch.id))) or 0
    pitches = session.scalars(
        statement.order_by(Pitch.created_at.desc(), Pitch.id.desc()).limit(PITCHES_SHOWN)
    ).all()
    return list(pitches), total


def timeline_page(session: Session, brand: Brand, page: int, size: int) -> Page[BrandActivity]:
    """One page of everything that happened with `brand`, newest first."""
    statement = owned(BrandActivity, brand.owner_id).where(BrandActivity.brand_id == brand.id)
    return paginate(
        session,
        statement,
        page,
        size,
        order_by=(BrandActivity.at.desc(), BrandActivity.id.desc()),
    )


def brand_page(session: Session, brand: Brand, timeline_number: int, size: int) -> BrandPage:
    """Everything the brand page needs, in a constant number of queries."""
    pitches, pitch_total = brand_pitches(session, brand)
    return BrandPage(
        brand=brand,
        contacts=list(brand.contacts),
        pitches=pitches,
        pitch_total=pitch_total,
        timeline=timeline_page(session, brand, timeline_number, size),
        good_target=is_good_target(brand.tiktok_followers, brand.runs_tiktok_ads),
    )
