"""Keyset pages: never overlap, never skip, under every sort, with ties and NULLs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from crm.brands.listing import SORTS, BrandFilters, list_brands
from crm.brands.models import Brand, BrandStatus
from crm.pagination import Cursor, decode_cursor
from crm.pitches import followups
from crm.pitches.models import Pitch, PitchStatus
from tests.factories_brands import make_brand
from tests.factories_pitches import brand_for
from tests.pager_links import pager_link, walk

BASE = datetime(2026, 3, 1, 12, tzinfo=UTC)
# Few distinct values, so that many rows tie on their sort key.
brand_rows = st.lists(
    st.tuples(
        st.sampled_from(["alpha", "Alpha", "beta", "gamma"]),
        st.one_of(st.none(), st.sampled_from([0, 500, 4_000])),
        st.integers(0, 3),
        st.booleans(),  # another creator's row
    ),
    max_size=24,
)
property_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _expected(brands: list[Brand], sort: str) -> list[int]:
    """The order the list promises, computed in Python."""
    keys = {
        "recent": lambda b: (-b.updated_at.timestamp(), -b.id),
        "name": lambda b: (b.name_key, b.id),
        "followers": lambda b: (
            b.tiktok_followers is None,
            -(b.tiktok_followers or 0),
            -b.id,
        ),
        "newest": lambda b: (-b.created_at.timestamp(), -b.id),
    }
    return [b.id for b in sorted(brands, key=keys[sort])]


def _walk(session, owner_id: int, sort: str, size: int) -> tuple[list, list]:
    """Pages from the first on through "older", then back from the last through "newer"."""
    filters = BrandFilters(sort=sort)
    pages = [list_brands(session, owner_id, filters, None, size)]
    while pages[-1].older and len(pages) < 60:
        pages.append(list_brands(session, owner_id, filters, pages[-1].older, size))
    back = [pages[-1]]
    while back[-1].newer and len(back) < 60:
        back.append(list_brands(session, owner_id, filters, back[-1].newer, size))
    return pages, back


@property_settings
@given(rows=brand_rows, size=st.integers(1, 5), sort=st.sampled_from(sorted(SORTS)))
def test_pages_cover_every_row_once_in_order_both_ways(
    session, user, other_user, rows, size, sort
) -> None:
    session.execute(delete(Brand).where(Brand.owner_id.in_([user.id, other_user.id])))
    mine = []
    for name, followers, minutes, theirs in rows:
        brand = Brand(
            owner_id=other_user.id if theirs else user.id,
            name=name,
            name_key=name.casefold(),
            tiktok_followers=followers,
            created_at=BASE + timedelta(minutes=minutes),
            updated_at=BASE - timedelta(minutes=minutes),
        )
        session.add(brand)
        if not theirs:
            mine.append(brand)
    session.commit()
    pages, back = _walk(session, user.id, sort, size)
    forward = [b.id for page in pages for b in page.items]
    assert forward == _expected(mine, sort)
    backward = [b.id for page in reversed(back) for b in page.items]
    assert backward == forward
    assert all(len(page.items) == size for page in pages[:-1])
    assert [page.start for page in pages] == [1 + size * n for n in range(len(pages))]
    assert back[-1].start == 1 and back[-1].newer is None


@property_settings
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 2))), max_size=15
    ),
    size=st.integers(1, 4),
)
def test_follow_ups_due_page_through_ties_and_missing_sent_dates(session, user, rows, size) -> None:
    session.execute(delete(Pitch).where(Pitch.owner_id == user.id))
    brand = brand_for(session, user)
    today = date(2026, 3, 10)
    made = []
    for days_late, sent_hours in rows:
        pitch = Pitch(
            owner_id=user.id,
            brand_id=brand.id,
            status=PitchStatus.SENT,
            next_followup_on=today - timedelta(days=days_late),
            sent_at=None if sent_hours is None else BASE + timedelta(hours=sent_hours),
        )
        session.add(pitch)
        made.append(pitch)
    session.commit()
    pages = [followups.due_followups(session, user.id, today, None, size)]
    while pages[-1].older and len(pages) < 40:
        pages.append(followups.due_followups(session, user.id, today, pages[-1].older, size))
    shown = [p.id for page in pages for p in page.items]
    # A NULL sent_at sorts where the database puts NULLs: the list only promises one order.
    nulls_high = session.get_bind().dialect.name == "postgresql"

    def key(p: Pitch):
        missing = p.sent_at is None
        return (p.next_followup_on, missing if nulls_high else not missing, p.sent_at or BASE, p.id)

    assert shown == [p.id for p in sorted(made, key=key)]


def test_a_cursor_survives_rows_added_and_removed(session, user) -> None:
    brands = [
        make_brand(session, user, name=f"Brand {n}", tiktok_followers=1_000 + n) for n in range(6)
    ]
    first = list_brands(session, user.id, BrandFilters(sort="followers"), None, 2)
    assert [b.name for b in first.items] == ["Brand 5", "Brand 4"]
    # Before "older" is clicked: a brand joins the top, one on page one and the next go.
    make_brand(session, user, name="Newcomer", tiktok_followers=9_999)
    session.delete(brands[5])
    session.delete(brands[3])
    session.commit()
    second = list_brands(session, user.id, BrandFilters(sort="followers"), first.older, 2)
    assert [b.name for b in second.items] == ["Brand 2", "Brand 1"]
    assert (second.start, second.newer is not None) == (3, True)


def test_tampered_cursors_give_the_first_page(session, user) -> None:
    order = SORTS["recent"][1]
    good = Cursor("recent", True, (BASE, 5), 3)
    assert decode_cursor(good.encode(), order) == good
    naive = Cursor("recent", True, ("2026-03-01T12:00:00", 5), 3).encode()
    wrong_types = [
        Cursor("recent", True, (5, "x"), 3).encode(),
        Cursor("recent", True, (True, 5), 3).encode(),
        Cursor("recent", True, (BASE, None), 3).encode(),
        Cursor("recent", True, (BASE, 5), 0).encode(),
        Cursor("name", True, ("a", 5), 3).encode(),
        naive,
    ]
    for text in [*wrong_types, good.encode()[:-3], "!!", "e30", "W10"]:
        assert decode_cursor(text, order) is None, text


@pytest.mark.parametrize(
    "path",
    [
        "/brands/",
        "/brands/?sort=followers",
        "/brands/?sort=name",
        "/pitches/",
        "/pitches/followups",
        "/stats/",
    ],
)
@pytest.mark.parametrize(
    "junk",
    ["cursor=@%25!", "cursor=WzEsMiwzXQ", "cursor=" + "A" * 3000, "page=-1", "page=abc"],
)
def test_garbled_cursors_and_old_page_links_never_fail(logged_in, session, user, path, junk):
    make_brand(session, user, name="Only brand")
    joiner = "&" if "?" in path else "?"
    assert logged_in.get(f"{path}{joiner}{junk}").status_code == 200


def test_brand_pages_keep_the_filters_and_never_show_another_creators(
    make_app, session, user, other_user
) -> None:
    client = make_app(PAGE_SIZE=2).test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    for n in range(5):
        make_brand(session, user, name=f"Glow {n}", status=BrandStatus.CONTACTED)
        make_brand(session, other_user, name=f"Glow theirs {n}", status=BrandStatus.CONTACTED)
    make_brand(session, user, name="Glow lead")
    pages = walk(client, "/brands/?q=glow&status=contacted&sort=name")
    assert len(pages) == 3
    for page in pages[:-1]:
        link = pager_link(page, "next")
        assert "q=glow" in link and "status=contacted" in link and "sort=name" in link
    text = "".join(pages)
    assert all(f"Glow {n}" in text for n in range(5))
    assert "theirs" not in text and "Glow lead" not in text
    # A-Z reads as positions, not time.
    assert "Next →" in pages[0] and "Older" not in pages[0]
    assert "Showing 1–2 of 5 matching brands" in pages[0]


HOSTILE_VALUES = [
    "9999-12-31T23:59:59-14:00",  # past the calendar once in UTC
    "0001-01-01T00:00:00+14:00",
    "2026-01-01",
    2**31,  # past PostgreSQL's integer (ids, follower counts)
    -(2**31) - 1,
    2**63,
    -(2**63) - 5,
    10**400,
    10**30,
    1e308,
    "a\u0000b",
    "\ud800",
    ["nested"],
    {"a": 1},
    True,
]


@pytest.mark.parametrize(
    ("path", "filler"),
    [
        ("/brands/", "brands"),
        ("/brands/?sort=name", "brands"),
        ("/brands/?sort=followers", "brands"),
        ("/brands/?sort=newest", "brands"),
        ("/pitches/", "pitches"),
        ("/pitches/followups", "pitches"),
        ("/stats/", "stats"),
        ("/brands/{brand_id}", "pitches"),
    ],
)
def test_well_formed_cursors_with_values_no_database_takes_give_the_first_page(
    make_app, session, user, path, filler
) -> None:
    """A cursor of the right shape whose values the database would refuse: page one, no 500."""
    import base64
    import json

    from tests import main_pages
    from tests.conftest import TEST_PASSWORD

    client = make_app(PAGE_SIZE=1).test_client()
    login = {"email": user.email, "password": TEST_PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    ids: dict[str, object] = {}
    for _ in range(3):
        getattr(main_pages, filler)(session, user, ids)
    url = path.format(**ids)
    first = client.get(url).get_data(as_text=True)
    link = pager_link(first, "next")
    assert link, f"{url} shows no next link: the test proves nothing"
    name, value = re.search(r"[?&]((?:\w+_)?cursor)=([^&#]+)", link).groups()
    raw = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    for position in range(2, len(raw)):  # the position, then each key value
        for hostile in HOSTILE_VALUES:
            doctored = list(raw)
            doctored[position] = hostile
            text = base64.urlsafe_b64encode(json.dumps(doctored).encode()).decode().rstrip("=")
            joiner = "&" if "?" in url else "?"
            response = client.get(f"{url}{joiner}{name}={text}")
            assert response.status_code == 200, (url, position, hostile)
