"""Demo brands: every status, contacts, notes, spread-out history; added once."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.brands import demo
from crm.brands.models import Brand, BrandStatus, Contact
from crm.brands.normalise import is_good_target
from crm.timeline.models import BrandActivity


def test_demo_brands_cover_every_status_with_contacts_and_history(session, user) -> None:
    assert demo.populate(session, user) is True
    brands = session.scalars(select(Brand).where(Brand.owner_id == user.id)).all()
    assert len(brands) == len(demo.demo_brands())
    assert {b.status for b in brands} == set(BrandStatus)
    assert any(is_good_target(b.tiktok_followers, b.runs_tiktok_ads) for b in brands)
    assert any(not is_good_target(b.tiktok_followers, b.runs_tiktok_ads) for b in brands)
    assert session.scalar(select(func.count(Contact.id))) >= 6
    oldest = session.scalar(select(func.min(BrandActivity.at)))
    newest = session.scalar(select(func.max(BrandActivity.at)))
    assert (newest - oldest).days >= 60
    notes = session.scalars(select(BrandActivity).where(BrandActivity.kind == "note")).all()
    assert notes


def test_demo_brands_are_added_only_once(session, user) -> None:
    demo.populate(session, user)
    count = session.scalar(select(func.count(Brand.id)))
    assert demo.populate(session, user) is False
    assert session.scalar(select(func.count(Brand.id))) == count


def test_demo_brand_pages_render(logged_in, session, user) -> None:
    demo.populate(session, user)
    session.commit()
    assert "Glow Theory Skincare" in logged_in.get("/brands/").get_data(as_text=True)
    for brand in session.scalars(select(Brand)):
        assert logged_in.get(f"/brands/{brand.id}").status_code == 200
