"""Demo pitches: every stage, follow-ups due today and overdue, added once."""

from __future__ import annotations

from sqlalchemy import select

from crm.database import utcnow
from crm.pitches import demo, followups
from crm.pitches.models import Pitch, PitchStatus
from tests.factories_pitches import brand_for


def test_no_brands_means_no_demo_pitches(session, user) -> None:
    assert demo.populate(session, user) is False
    assert session.scalars(select(Pitch)).all() == []


def test_pitches_at_every_stage_with_follow_ups_due(session, user) -> None:
    for n in range(4):
        brand_for(session, user, name=f"Demo brand {n}")
    assert demo.populate(session, user) is True
    pitches = session.scalars(select(Pitch)).all()
    assert {p.status for p in pitches} == set(PitchStatus)
    today = utcnow().date()
    due = [p for p in pitches if p.status == PitchStatus.SENT and p.next_followup_on]
    assert any(p.next_followup_on == today for p in due)
    assert any(p.next_followup_on < today for p in due)
    assert followups.count_due(session, user.id, today) >= 3


def test_a_second_run_adds_nothing(session, user) -> None:
    brand_for(session, user)
    assert demo.populate(session, user) is True
    count = len(session.scalars(select(Pitch)).all())
    assert demo.populate(session, user) is False
    assert len(session.scalars(select(Pitch)).all()) == count


def test_demo_follows_the_users_own_cadence(session, user) -> None:
    user.followup_cadence = "2,3"
    brand_for(session, user)
    demo.populate(session, user)
    assert followups.count_due(session, user.id, utcnow().date()) >= 3


def test_over_the_demo_brands_every_column_of_the_board_fills(session, user) -> None:
    from crm.brands import demo as brands_demo
    from crm.pitches import pipeline

    assert brands_demo.populate(session, user) is True
    assert demo.populate(session, user) is True
    columns = pipeline.board(session, user.id)
    assert all(column.count for column in columns)
