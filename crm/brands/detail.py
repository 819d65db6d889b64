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
from crm.pagination import Key, Order, Page, keyset_page
from crm.timeline.models import BrandActivity


@dataclass(frozen=True)
class BrandPage:
    brand: Brand
    contacts: list[Contact]
    timeline: Page[BrandActivity]
    good_target: bool


# Newest first; served by the index (brand_id, at, id).
TIMELINE_ORDER = Order(
    "timeline", (Key(BrandActivity.at, descending=True), Key(BrandActivity.id, descending=True))
)


def timeline_page(
    session: Session, brand: Brand, cursor: str | None, size: int
) -> Page[BrandActivity]:
    """One page of everything that happened with `brand`, newest first."""
    statement = owned(BrandActivity, brand.owner_id).where(BrandActivity.brand_id == brand.id)
    return keyset_page(session, statement, TIMELINE_ORDER, cursor, size)


def brand_page(session: Session, brand: Brand, timeline_cursor: str | None, size: int) -> BrandPage:
    """Everything the brand page needs, in a constant number of queries."""
    return BrandPage(
        brand=brand,
        contacts=list(brand.contacts),
        timeline=timeline_page(session, brand, timeline_cursor, size),
        good_target=is_good_target(brand.tiktok_followers, brand.runs_tiktok_ads),
    )
