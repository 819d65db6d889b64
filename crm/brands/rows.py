"""The brand list's rows as plain values: what a row shows, read as columns, not ORM objects.

Building a Brand with its tags and contacts as ORM objects (identity map, collections,
attribute instrumentation) cost a 25-row page more than its SQL did; these rows carry only
what the list shows, in the same three statements (brands, tags, primary contacts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from crm.brands.models import Brand, BrandSource, BrandStatus, BrandTag, Contact
from crm.brands.normalise import is_good_target
from crm.ownership import owned


@dataclass(frozen=True, slots=True)
class BrandRow:
    """One brand as the list shows it: its columns, its tag names and its primary contact."""

    id: int
    name: str
    tiktok_handle: str
    tiktok_followers: int | None
    runs_tiktok_ads: bool
    product_category: str
    source: BrandSource
    status: BrandStatus
    # Sorted by name, as Brand.tags is.
    tags: tuple[str, ...]
    # The primary contact's name and email; None when the brand has no primary contact.
    contact_name: str | None
    contact_email: str

    @property
    def good_target(self) -> bool:
        return is_good_target(self.tiktok_followers, self.runs_tiktok_ads)


_SHOWN = (
    Brand.id,
    Brand.name,
    Brand.tiktok_handle,
    Brand.tiktok_followers,
    Brand.runs_tiktok_ads,
    Brand.product_category,
    Brand.source,
    Brand.status,
)


def brand_rows(session: Session, owner_id: int, ids: Sequence[int]) -> list[BrandRow]:
    """The rows of the creator's brands `ids` (any order): three statements, two if none."""
    brands = session.execute(owned(Brand, owner_id, *_SHOWN).where(Brand.id.in_(ids))).all()
    if not brands:
        return []  # as the ORM path: no brand loaded, no tags or contacts asked for
    found = [brand.id for brand in brands]
    tags: defaultdict[int, list[str]] = defaultdict(list)
    tagged = owned(BrandTag, owner_id, BrandTag.brand_id, BrandTag.name)
    for brand_id, name in session.execute(
        tagged.where(BrandTag.brand_id.in_(found)).order_by(BrandTag.brand_id, BrandTag.name)
    ):
        tags[brand_id].append(name)
    primary = owned(Contact, owner_id, Contact.brand_id, Contact.name, Contact.email).where(
        Contact.brand_id.in_(found), Contact.is_primary
    )
    contacts = {brand_id: (name, email) for brand_id, name, email in session.execute(primary)}
    return [
        BrandRow(
            *brand,
            tags=tuple(tags.get(brand.id, ())),
            contact_name=contacts[brand.id][0] if brand.id in contacts else None,
            contact_email=contacts[brand.id][1] if brand.id in contacts else "",
        )
        for brand in brands
    ]
