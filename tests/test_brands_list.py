"""The brand list: search, filters, sorting, pagination, good targets, constant queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from crm.brands.listing import BrandFilters, list_brands
from crm.brands.models import BrandSource, BrandStatus
from crm.timeline.services import log_activity
from tests.factories_brands import make_brand, make_contact


def names(session, user, size: int = 50, cursor: str | None = None, **filters) -> list[str]:
    found = list_brands(session, user.id, BrandFilters(**filters), cursor, size)
    return [brand.name for brand in found.items]


def every_page(session, user, size: int, **filters) -> list:
    """Every page of the list, following the "older" cursors to the end."""
    pages = [list_brands(session, user.id, BrandFilters(**filters), None, size)]
    while pages[-1].older and len(pages) < 100:
        pages.append(list_brands(session, user.id, BrandFilters(**filters), pages[-1].older, size))
    return pages


@pytest.fixture
def brands(session, user, other_user):
    glow = make_brand(
        session,
        user,
        name="Glow Theory",
        tiktok_handle="glow_theory",
        product_category="beauty",
        source=BrandSource.AD_LIBRARY,
        tags="skincare, q4",
        tiktok_followers=3_800,
    )
    make_contact(session, user, glow, name="Dana", email="dana@glowtheory.com")
    crumb = make_brand(
        session,
        user,
        name="Crumb & Co",
        product_category="food",
        status=BrandStatus.CONTACTED,
        source=BrandSource.REFERRAL,
        tags="local",
        tiktok_followers=200,
    )
    make_contact(session, user, crumb, name="Marco", email="marco@crumb.example")
    make_brand(
        session,
        user,
        name="Lumen Lamps",
        product_category="tech",
        runs_tiktok_ads=True,
        status=BrandStatus.CLIENT,
        tiktok_followers=40_000,
        tags="q4",
    )
    make_brand(session, other_user, name="Glow Secret", tags="skincare")
    return {"glow": glow, "crumb": crumb}


def test_search_matches_name_handle_and_contact_email(session, user, brands) -> None:
    assert names(session, user, q="glow") == ["Glow Theory"]
    assert names(session, user, q="@glow_theory") == ["Glow Theory"]
    assert names(session, user, q="marco@crumb") == ["Crumb & Co"]
    assert names(session, user, q="  LUMEN ") == ["Lumen Lamps"]


def test_search_treats_like_wildcards_as_plain_text(session, user, brands) -> None:
    make_brand(session, user, name="100% Natural")
    assert names(session, user, q="0% n") == ["100% Natural"]
    assert names(session, user, q="w_t") == ["Glow Theory"]  # only the handle has an underscore
    # Shorter than three characters: names, handles and emails that start with it.
    make_brand(session, user, name="%off")
    assert names(session, user, q="%") == ["%off"]


def test_filters_by_status_category_source_and_tag(session, user, brands) -> None:
    assert names(session, user, status="contacted") == ["Crumb & Co"]
    assert names(session, user, category="tech") == ["Lumen Lamps"]
    assert names(session, user, source="ad_library") == ["Glow Theory"]
    assert sorted(names(session, user, tag="q4")) == ["Glow Theory", "Lumen Lamps"]
    assert names(session, user, tag="q4", status="client") == ["Lumen Lamps"]


def test_good_targets_filter_is_sweet_spot_or_ads(session, user, brands) -> None:
    assert sorted(names(session, user, good_only=True)) == ["Glow Theory", "Lumen Lamps"]


def test_another_creators_brands_never_show(session, user, brands) -> None:
    assert "Glow Secret" not in names(session, user)
    assert names(session, user, tag="skincare") == ["Glow Theory"]


def test_unknown_filter_values_are_ignored(session, user, brands) -> None:
    assert len(names(session, user, status="bogus", source="nope", sort="sideways")) == 3


def test_sorting(session, user, brands) -> None:
    assert names(session, user, sort="name") == ["Crumb & Co", "Glow Theory", "Lumen Lamps"]
    assert names(session, user, sort="followers") == ["Lumen Lamps", "Glow Theory", "Crumb & Co"]
    assert names(session, user, sort="newest")[0] == "Lumen Lamps"


def test_recent_activity_sort_follows_the_timeline(session, user, brands) -> None:
    log_activity(
        session, brands["crumb"], "note", "Visited.", at=datetime.now(UTC) + timedelta(days=1)
    )
    session.commit()
    assert names(session, user, sort="recent")[0] == "Crumb & Co"


def test_pages_split_the_list_without_overlap(session, user) -> None:
    for number in range(7):
        make_brand(session, user, name=f"Brand {number:02}")
    pages = every_page(session, user, 3, sort="name")
    assert [[b.name for b in p.items] for p in pages] == [
        ["Brand 00", "Brand 01", "Brand 02"],
        ["Brand 03", "Brand 04", "Brand 05"],
        ["Brand 06"],
    ]
    assert [(p.start, p.end, str(p.total)) for p in pages] == [
        (1, 3, "7"),
        (4, 6, "7"),
        (7, 7, "7"),
    ]
    assert pages[0].newer is None and pages[-1].older is None


def test_a_garbled_or_foreign_cursor_gives_the_first_page(session, user, brands) -> None:
    by_name = list_brands(session, user.id, BrandFilters(sort="name"), None, 2)
    first = ["Crumb & Co", "Glow Theory"]
    for cursor in ("", "x", "%%%", "bm90IGpzb24", "WzEsMiwzXQ", by_name.older + "A", "A" * 5000):
        assert names(session, user, size=2, sort="name", cursor=cursor) == first
    # A cursor of another sort would start anywhere: it starts at the top instead.
    assert names(session, user, size=2, sort="newest", cursor=by_name.older)[0] == "Lumen Lamps"


def test_the_count_stops_at_its_cap(app, session, user) -> None:
    for number in range(6):
        make_brand(session, user, name=f"Brand {number}")
    capped = list_brands(session, user.id, BrandFilters(), None, 2, count_cap=4)
    assert (capped.total.value, str(capped.total)) == (5, "4+")
    exact = list_brands(session, user.id, BrandFilters(), None, 2, count_cap=6)
    assert str(exact.total) == "6"
    with app.test_request_context():
        from flask import render_template_string

        text = render_template_string(
            '{% from "macros.html" import showing %}{{ showing(page, "brand", "brands") }}',
            page=capped,
        )
    assert text == "Showing 1–2 of 4+ brands"


def test_list_page_runs_the_same_number_of_queries_for_more_brands(
    app, logged_in, session, user, count_queries
) -> None:
    for number in range(3):
        brand = make_brand(session, user, tags="a, b")
        make_contact(session, user, brand, email=f"c{number}@x.example")
    with count_queries() as few:
        assert logged_in.get("/brands/?tag=a&q=x.example").status_code == 200
    for number in range(20):
        brand = make_brand(session, user, tags="a, c")
        make_contact(session, user, brand, email=f"d{number}@x.example")
    with count_queries() as many:
        assert logged_in.get("/brands/?tag=a&q=x.example").status_code == 200
    assert len(many) == len(few)


def test_search_and_tag_filter_look_up_contacts_and_tags_once_not_per_brand(session, user) -> None:
    from sqlalchemy.dialects import sqlite

    from crm.brands.listing import BrandFilters, filtered

    statement = filtered(user.id, BrandFilters(q="glow", tag="q4"))
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    if session.bind.dialect.name == "sqlite":
        plan = " ".join(str(row) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        # A correlated subquery scanned the owner's contacts once per brand: 8 s at 5,000.
        assert "CORRELATED" not in plan
    assert "brands.id IN (SELECT" in sql.replace("\n", " ")
