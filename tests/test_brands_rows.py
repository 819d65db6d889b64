"""The brand list's plain rows (crm/brands/rows.py) hold what the ORM objects showed."""

from __future__ import annotations

from sqlalchemy import select

from crm.brands.listing import BrandFilters, list_brands
from crm.brands.models import Brand, BrandSource, BrandStatus
from crm.brands.normalise import is_good_target
from crm.brands.rows import BrandRow, brand_rows
from tests.factories_brands import make_brand, make_contact


def as_orm_showed(brand: Brand) -> BrandRow:
    """The row the list built from the ORM brand before: its tags, its primary contact."""
    primary = next((c for c in brand.contacts if c.is_primary), None)
    return BrandRow(
        id=brand.id,
        name=brand.name,
        tiktok_handle=brand.tiktok_handle,
        tiktok_followers=brand.tiktok_followers,
        runs_tiktok_ads=brand.runs_tiktok_ads,
        product_category=brand.product_category,
        source=brand.source,
        status=brand.status,
        tags=tuple(tag.name for tag in brand.tags),
        contact_name=primary.name if primary else None,
        contact_email=primary.email if primary else "",
    )


def test_rows_hold_what_the_orm_brands_showed(session, user, other_user, count_queries) -> None:
    tagged = make_brand(
        session,
        user,
        name="Glow Theory",
        tiktok_handle="glow_theory",
        tiktok_followers=3_800,
        tags="skincare, Q4, gifting",
        status=BrandStatus.IN_TALKS,
        source=BrandSource.AD_LIBRARY,
    )
    make_contact(session, user, tagged, name="Ana", email="ana@glow.example")
    # A second contact made primary: the row names only the primary one.
    make_contact(session, user, tagged, name="Bo", email="", is_primary=True)
    unknown = make_brand(session, user, name="No Followers Known", runs_tiktok_ads=True)
    zero = make_brand(session, user, name="Zero Followers", tiktok_followers=0)
    no_primary_email = make_brand(session, user, name="Mail-less")
    make_contact(session, user, no_primary_email, name="Cy", email="")
    theirs = make_brand(session, other_user, name="Theirs", tags="skincare")
    ids = [tagged.id, unknown.id, zero.id, no_primary_email.id]
    owner_id, their_id = user.id, theirs.id
    session.expire_all()
    brands = session.scalars(select(Brand).where(Brand.id.in_(ids))).all()
    expected = {brand.id: as_orm_showed(brand) for brand in brands}

    with count_queries() as counted:
        rows = {row.id: row for row in brand_rows(session, owner_id, [*ids, their_id])}

    assert len(counted) == 3  # brands, tags, primary contacts

    assert rows == expected  # another creator's brand is not read
    assert rows[tagged.id].tags == ("gifting", "q4", "skincare")
    assert (rows[tagged.id].contact_name, rows[tagged.id].contact_email) == ("Bo", "")
    assert rows[unknown.id].tiktok_followers is None
    assert rows[zero.id].tiktok_followers == 0
    assert (rows[unknown.id].contact_name, rows[unknown.id].contact_email) == (None, "")
    assert rows[no_primary_email.id].contact_name == "Cy"
    for row in rows.values():
        assert row.good_target == is_good_target(row.tiktok_followers, row.runs_tiktok_ads)
    assert [rows[i].good_target for i in ids] == [True, True, False, False]


def test_no_brands_read_no_tags_or_contacts(session, user, count_queries) -> None:
    with count_queries() as counted:
        assert brand_rows(session, user.id, []) == []
    assert len(counted) == 1


def test_the_list_shows_rows_in_its_order(session, user) -> None:
    first = make_brand(session, user, name="A", tags="eco")
    second = make_brand(session, user, name="B")
    page = list_brands(session, user.id, BrandFilters(sort="name"), None, 10)
    assert [(row.id, row.tags) for row in page.items] == [(first.id, ("eco",)), (second.id, ())]
