"""The demo's media kit: on at /kit/maya-makes-home, with a bio, three videos, its two
clients."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, BrandStatus
from crm.kit import services
from crm.ownership import owned
from crm.stats.models import PortfolioVideo

DEMO_SLUG = "maya-makes-home"
DEMO_BIO = (
    "Small-space home videos from a 40 m\u00b2 flat: storage hacks, renter-friendly makeovers "
    "and honest product tests. My audience saves and shares what they plan to buy."
)


def populate(session: Session, user: User) -> bool:
    """Turn the demo's kit on unless the user has a kit already."""
    if services.kit_of(session, user.id) is not None:
        return False
    videos = session.scalars(
        owned(PortfolioVideo, user.id, PortfolioVideo.id)
        .order_by(PortfolioVideo.views.desc(), PortfolioVideo.id)
        .limit(3)
    )
    # Brands worked with: the clients.
    clients = session.scalars(
        owned(Brand, user.id, Brand.id)
        .where(Brand.status == BrandStatus.CLIENT)
        .order_by(Brand.id)
        .limit(2)
    )
    slug = DEMO_SLUG if services.slug_free(session, DEMO_SLUG, user.id) else f"demo-{user.id}"
    settings = services.KitSettings(
        enabled=True,
        slug=slug,
        bio=DEMO_BIO,
        videos_by_views=False,
        video_ids=tuple(videos),
        brand_ids=tuple(clients),
    )
    services.save_settings(session, user.id, settings)
    return True
