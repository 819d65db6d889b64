"""The media kit reads a bounded part of the portfolio, whatever its size.

tests/test_query_plans.py proves no kit query scans a whole table; these prove more, since a
read "by owner" passes that check and still grows with the creator's data: the six most viewed
videos come along ix_portfolio_videos_owner_views (no sort of every video), picked videos are
looked up from the picks (not found by walking the portfolio in views order), and the
portfolio is counted only as far as the rate card weighs it. Plans as in
tests/test_query_plans_deals.py (PostgreSQL planned with seq scans off).
"""

from __future__ import annotations

import pytest

from crm.kit import rate_card
from crm.market.seed import installed_market
from tests.factories import make_video
from tests.factories_kit import make_kit
from tests.test_query_plans import page_selects
from tests.test_query_plans_deals import _plan

VIEWS_INDEX = "ix_portfolio_videos_owner_views"


def _video_reads(connection, client, url: str) -> list[tuple[str, str]]:
    """(statement, plan) of each SELECT the page runs on portfolio_videos."""
    return [
        (statement, _plan(connection, statement, parameters))
        for statement, parameters in page_selects(connection, client, url)
        if "FROM portfolio_videos" in statement or "JOIN portfolio_videos" in statement
    ]


def _sorts(plan: str) -> bool:
    return "TEMP B-TREE" in plan or any(
        line.strip(" ->").startswith(("Sort", "Incremental Sort")) for line in plan.splitlines()
    )


def _fill(session, user, other_user, **kit) -> str:
    for owner in (other_user, user):  # another creator's videos: the owner filter must bite
        for n in range(8):
            make_video(session, owner, views=1_000 * n)
    return make_kit(session, user, slug=f"kit-{user.id}", **kit).slug


def test_the_most_viewed_videos_come_along_their_index_without_a_sort(
    client, session, user, other_user, connection
) -> None:
    slug = _fill(session, user, other_user)
    reads = [(s, p) for s, p in _video_reads(connection, client, f"/kit/{slug}") if "ORDER BY" in s]
    assert len(reads) == 1, reads
    statement, plan = reads[0]
    assert VIEWS_INDEX in plan and not _sorts(plan), f"{plan}\n    in: {statement}"


def test_picked_videos_are_read_from_the_picks_not_the_portfolio_in_views_order(
    client, session, user, other_user, connection
) -> None:
    video = make_video(session, user, views=10)
    slug = _fill(session, user, other_user, videos_by_views=False, video_ids=(video.id,))
    reads = [s_p for s_p in _video_reads(connection, client, f"/kit/{slug}") if "JOIN" in s_p[0]]
    assert len(reads) == 1, reads
    statement, plan = reads[0]
    assert "ORDER BY" not in statement and not _sorts(plan), f"{plan}\n    in: {statement}"
    # SQLite plans as for large tables here. PostgreSQL, without statistics on a few test
    # rows, may probe the picks from either side; with them (the bench database, 100,000
    # videos) it starts from the picks too: no ORDER BY is left to pull it the other way.
    if connection.dialect.name == "sqlite":
        assert plan.splitlines()[0].startswith("SEARCH media_kit_videos"), plan
        assert VIEWS_INDEX not in plan, plan


def test_the_portfolio_is_counted_only_as_far_as_the_rate_card_weighs_it(
    client, session, user, other_user, connection
) -> None:
    slug = _fill(session, user, other_user)
    reads = [s for s, _plan in _video_reads(connection, client, f"/kit/{slug}") if "count(" in s]
    assert len(reads) == 1 and "LIMIT" in reads[0], reads


def test_the_plan_check_sees_a_sort_of_the_whole_portfolio(connection, user) -> None:
    # The kit's old read: every video of the owner sorted by views for the top six.
    statement = (
        "SELECT id FROM portfolio_videos WHERE owner_id = 1 ORDER BY likes DESC, id DESC LIMIT 6"
    )
    parameters = {} if connection.dialect.name == "postgresql" else ()
    assert _sorts(_plan(connection, statement, parameters))


@pytest.mark.parametrize("extra", [0, 1, 30])
def test_a_portfolio_past_what_the_quotes_weigh_is_priced_as_counted_in_full(extra) -> None:
    m = installed_market()
    most = rate_card.portfolio_weighed(m)

    def prices(count: int) -> list[int]:
        who = rate_card.Creator(1_000, "home", "beginner", 0.05, count, "USD")
        return [line.cents for line in rate_card.rate_lines({}, who, m)]

    assert prices(most) == prices(most + extra)
    assert prices(most - 1) != prices(most)  # the cap is no lower than what counts
