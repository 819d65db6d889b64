"""Exclusivity conflicts on fixed dates: a running window (its end day included) in the
brand's product category, of another deal, the creator's own, not cancelled."""

from __future__ import annotations

from datetime import date

import pytest

from crm.deals.conflicts import exclusivity_conflicts
from crm.deals.models import DealStatus
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal

START = date(2026, 3, 1)
LAST_DAY = date(2026, 3, 30)  # 30 days from March 1, the 1st counted


@pytest.fixture
def exclusive(session, user):
    """A deal with 30 days of exclusivity in beauty, running from March 1."""
    brand = make_brand(session, user, name="Glow Labs", product_category="beauty")
    return make_deal(
        session,
        user,
        brand,
        title="Spring glow",
        exclusivity_category="beauty",
        exclusivity_days=30,
        exclusivity_start=START,
    )


@pytest.mark.parametrize(
    ("today", "covered"),
    [
        (date(2026, 2, 28), False),  # not started yet
        (START, True),
        (date(2026, 3, 15), True),
        (LAST_DAY, True),  # the end day is inclusive
        (date(2026, 3, 31), False),
    ],
)
def test_a_window_binds_from_its_start_through_its_last_day(
    session, user, exclusive, today, covered
) -> None:
    found = exclusivity_conflicts(session, user.id, "beauty", today)
    assert [c.deal_id for c in found] == ([exclusive.id] if covered else [])


def test_a_conflict_says_which_deal_and_until_when(session, user, exclusive) -> None:
    [conflict] = exclusivity_conflicts(session, user.id, "beauty", date(2026, 3, 10))
    assert conflict.title == "Spring glow"
    assert conflict.brand_name == "Glow Labs"
    assert conflict.ends_on == LAST_DAY


def test_another_category_is_free(session, user, exclusive) -> None:
    assert exclusivity_conflicts(session, user.id, "fitness", date(2026, 3, 10)) == []
    assert exclusivity_conflicts(session, user.id, "", date(2026, 3, 10)) == []


def test_the_category_matches_whatever_its_case(session, user) -> None:
    make_deal(
        session, user, exclusivity_category="Beauty", exclusivity_days=5, exclusivity_start=START
    )
    assert len(exclusivity_conflicts(session, user.id, "beauty ", START)) == 1


def test_an_exclusivity_not_started_binds_nothing_yet(session, user) -> None:
    # No start: the content is not posted, so the window has not begun.
    make_deal(session, user, exclusivity_category="beauty", exclusivity_days=30)
    assert exclusivity_conflicts(session, user.id, "beauty", date(2026, 3, 10)) == []


def test_a_cancelled_deal_binds_nothing(session, user, exclusive) -> None:
    exclusive.status = DealStatus.CANCELLED
    session.commit()
    assert exclusivity_conflicts(session, user.id, "beauty", date(2026, 3, 10)) == []


def test_the_deal_itself_and_its_brand_are_left_out_when_asked(session, user, exclusive) -> None:
    day = date(2026, 3, 10)
    assert (
        exclusivity_conflicts(session, user.id, "beauty", day, exclude_deal_id=exclusive.id) == []
    )
    assert (
        exclusivity_conflicts(session, user.id, "beauty", day, exclude_brand_id=exclusive.brand_id)
        == []
    )


def test_another_creators_exclusivity_is_not_yours(session, user, other_user, exclusive) -> None:
    assert exclusivity_conflicts(session, other_user.id, "beauty", date(2026, 3, 10)) == []


def test_conflicts_come_soonest_end_first(session, user, exclusive) -> None:
    sooner = make_deal(
        session, user, exclusivity_category="beauty", exclusivity_days=10, exclusivity_start=START
    )
    found = exclusivity_conflicts(session, user.id, "beauty", date(2026, 3, 5))
    assert [c.deal_id for c in found] == [sooner.id, exclusive.id]
