"""Pages stay fast as data grows: the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import TEST_PASSWORD
from tests.factories import make_snapshot, make_video
from tests.main_pages import MAIN_PAGES, MainPage, page_id

# Any page more than this is doing per-row work somewhere.
MAX_QUERIES = 15


def _queries(count_queries, client, path: str) -> int:
    with count_queries() as statements:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    return len(statements)


def _add_rows(session, user, first_day: int, count: int) -> None:
    for day in range(first_day, first_day + count):
        make_snapshot(session, user, taken_on=date(2026, 1, 1) + timedelta(days=day))
        make_video(session, user)


# Two rows a page: two rounds of data fill more than two pages of every list.
SMALL_PAGES = {"PAGE_SIZE": 2}


@pytest.mark.parametrize("page", MAIN_PAGES, ids=page_id)
def test_query_count_does_not_grow_with_data(
    make_app, session, user, count_queries, page: MainPage
) -> None:
    client = make_app(**SMALL_PAGES).test_client()
    if not page.public:
        login = {"email": user.email, "password": TEST_PASSWORD}
        assert client.post("/login", data=login).status_code == 302
    ids: dict[str, object] = {}
    for _ in range(2):
        page.fill(session, user, ids)
    url = page.resolve(client, ids)
    client.get(url)  # anything a first visit does once
    # Both counts follow a write: a page that serves a kept copy while nothing changed
    # (the calendar feed) is counted building it each time, not kept once and built once.
    page.fill(session, user, ids)
    some = _queries(count_queries, client, url)
    for _ in range(3):
        page.fill(session, user, ids)
    assert _queries(count_queries, client, url) == some
    assert some <= MAX_QUERIES, f"GET {url} ran {some} queries"


def test_dashboard_counts_follow_ups_and_the_open_pipeline(logged_in, session, user) -> None:
    from crm.database import utcnow
    from crm.pitches.models import PitchStatus
    from tests.factories_pitches import make_pitch

    today = utcnow().date()
    make_pitch(session, user, status=PitchStatus.SENT, next_followup_on=today, quoted_cents=300_00)
    make_pitch(session, user, status=PitchStatus.NEGOTIATING, quoted_cents=1_200_00)
    make_pitch(session, user, status=PitchStatus.WON, quoted_cents=9_999_00)
    user.followers = 4_000
    session.commit()
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "$1,500 quoted" in page
    assert "3K-5K" in page
    assert "1,000 followers to TikTok Shop Affiliate" in page
    due = page.index("Follow-ups due")
    assert '<p class="value">1</p>' in page[due : due + 200]


def _fill_lists(session, user, count: int, start: int) -> int:
    """`count` brands, each with a contact, a tag, a sent pitch due and a timeline note."""
    from crm.pitches.models import PitchStatus
    from tests.factories_brands import make_brand, make_contact, make_note
    from tests.factories_pitches import NOW, make_pitch

    brand = None
    for n in range(start, start + count):
        brand = make_brand(session, user, name=f"List brand {n}", tags="q4", tiktok_followers=n)
        contact = make_contact(session, user, brand, email=f"c{n}@x.example")
        make_pitch(
            session,
            user,
            brand=brand,
            contact_id=contact.id,
            status=PitchStatus.SENT,
            sent_at=NOW,
            next_followup_on=date(2026, 1, 1) + timedelta(days=n % 3),
        )
        make_note(session, user, brand, f"Note {n}")
    return brand.id if brand else 0


LIST_PATHS = [
    "/brands/",
    "/brands/?sort=followers&tag=q4",
    "/brands/?sort=name&q=list",
    "/pitches/",
    "/pitches/?status=sent",
    "/pitches/followups",
    "/stats/",
]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_a_list_runs_as_many_queries_on_a_deep_page_as_on_the_first(
    make_app, session, user, count_queries, path
) -> None:
    from tests.pager_links import pager_link

    client = make_app(PAGE_SIZE=2).test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    _fill_lists(session, user, 3, 0)
    _add_rows(session, user, 0, 3)
    few = _queries(count_queries, client, path)
    second = pager_link(client.get(path).get_data(as_text=True), "next")
    few_second = _queries(count_queries, client, second)
    _fill_lists(session, user, 9, 3)
    _add_rows(session, user, 3, 9)
    assert _queries(count_queries, client, path) == few
    deep = path
    for _ in range(4):
        deep = pager_link(client.get(deep).get_data(as_text=True), "next")
        assert deep is not None
    # (The stats page shows its headline card from one more query past page one.)
    assert _queries(count_queries, client, deep) == few_second <= few + 2


def test_the_brand_timeline_runs_as_many_queries_on_a_deep_page(
    make_app, session, user, count_queries
) -> None:
    from tests.factories_brands import make_brand, make_note
    from tests.pager_links import pager_link

    client = make_app(PAGE_SIZE=2).test_client()
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    brand = make_brand(session, user)
    for n in range(9):
        make_note(session, user, brand, f"Note {n}")
    path = f"/brands/{brand.id}"
    first = _queries(count_queries, client, path)
    deep = path
    for _ in range(3):
        deep = pager_link(client.get(deep).get_data(as_text=True), "next")
    assert _queries(count_queries, client, deep) == first
