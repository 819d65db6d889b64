"""Pages stay fast as data grows: the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_snapshot, make_video


def _queries(count_queries, client, path: str) -> int:
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _add_rows(session, user, first_day: int, count: int) -> None:
    for day in range(first_day, first_day + count):
        make_snapshot(session, user, taken_on=date(2026, 1, 1) + timedelta(days=day))
        make_video(session, user)


@pytest.mark.parametrize("path", ["/dashboard", "/stats/", "/stats/?page=2"])
def test_query_count_does_not_grow_with_data(logged_in, session, user, count_queries, path) -> None:
    _add_rows(session, user, 0, 60)  # more than two pages
    some = _queries(count_queries, logged_in, path)
    _add_rows(session, user, 60, 60)
    assert _queries(count_queries, logged_in, path) == some
    assert some <= 8


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
