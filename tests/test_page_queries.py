"""Pages stay fast as data grows: the number of queries does not grow with the rows."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD
from tests.main_pages import MAIN_PAGES, MainPage, page_id

# Any page more than this is doing per-row work somewhere.
MAX_QUERIES = 15


def _queries(count_queries, client, path: str) -> int:
    with count_queries() as statements:
        response = client.get(path)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    return len(statements)


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
    url = page.url(ids)
    client.get(url)  # anything a first visit does once
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
