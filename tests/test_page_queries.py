"""Pages stay fast as data grows: the number of queries does not grow with the rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.factories import make_snapshot, make_video


def _queries(count_queries, client, path: str) -> int:
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/dashboard", "/stats/"])
def test_query_count_does_not_grow_with_data(logged_in, session, user, count_queries, path) -> None:
    make_snapshot(session, user, taken_on=date(2026, 1, 1))
    make_video(session, user)
    few = _queries(count_queries, logged_in, path)
    for day in range(1, 40):
        make_snapshot(session, user, taken_on=date(2026, 1, 1) + timedelta(days=day))
        make_video(session, user)
    assert _queries(count_queries, logged_in, path) == few
    assert few <= 8
