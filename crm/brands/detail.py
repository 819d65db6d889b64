"""What a brand's page shows: contacts and a page of its timeline, newest first.

Its pitches come from the pitches area (the `brand_pitches` template global), so brands
need not know pitches; deals and invoices can add their sections the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.brands.models import Brand, Contact
from crm.brands.normalise import is_good_target
from crm.ownership import owned
from crm.pagination import Page, paginate
from crm.timeline.models import BrandActivity


@dataclass(frozen=True)
class BrandPage:
    brand: Brand
    contacts: list[Contact]
    timeline: Page[BrandActivity]
    good_target: bool


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
    return BrandPage(
        brand=brand,
        contacts=list(brand.contacts),
        timeline=timeline_page(session, brand, timeline_number, size),
        good_target=is_good_target(brand.tiktok_followers, brand.runs_tiktok_ads),
    )
