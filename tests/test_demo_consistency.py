"""The demo account tells one story: brand statuses, dates and copy agree with the pitches."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from crm.brands import demo as brands_demo
from crm.brands.models import Brand, BrandStatus
from crm.pitches import demo as pitches_demo
from crm.pitches.models import Pitch, PitchStatus
from crm.timeline.models import BrandActivity

S = PitchStatus
OPEN_TALKS = {S.REPLIED, S.NEGOTIATING}
# Demo dates are relative to today, so the copy can't name a season or a month.
SEASONAL = re.compile(
    r"\b(spring|summer|autumn|fall|winter|holidays?|christmas|black friday|q[1-4]|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b",
    re.IGNORECASE,
)


def _status_problem(brand: Brand, pitches: list[Pitch]) -> str | None:
    """What is wrong with the brand's status given its pitches, or None."""
    statuses = {p.status for p in pitches}
    sent = [p for p in pitches if p.sent_at is not None]
    if brand.status == BrandStatus.CLIENT and S.WON not in statuses:
        return "a client with no won pitch"
    if brand.status == BrandStatus.IN_TALKS and not statuses & OPEN_TALKS:
        return f"in talks but its pitches are {sorted(statuses)}"
    if brand.status == BrandStatus.CONTACTED and not sent:
        return "contacted but no pitch was sent"
    if brand.status == BrandStatus.LEAD and sent:
        return "a lead with a sent pitch"
    if brand.status in (BrandStatus.DORMANT, BrandStatus.NOT_A_FIT) and statuses & {
        S.SENT,
        *OPEN_TALKS,
    }:
        return f"{brand.status.value} with an open pitch"
    return None


def demo_problems(session, user) -> list[str]:
    """Every contradiction in the user's demo data, in words."""
    problems = []
    brands = session.scalars(select(Brand).where(Brand.owner_id == user.id)).all()
    for brand in brands:
        pitches = list(session.scalars(select(Pitch).where(Pitch.brand_id == brand.id)))
        if (problem := _status_problem(brand, pitches)) is not None:
            problems.append(f"{brand.name}: {problem}")
        for pitch in pitches:
            if pitch.created_at < brand.created_at:
                problems.append(f"{brand.name}: pitch {pitch.subject!r} older than the brand")
            if pitch.sent_at is not None and pitch.sent_at < pitch.created_at:
                problems.append(f"{brand.name}: pitch {pitch.subject!r} sent before it was drafted")
            for text in (pitch.subject, pitch.body):
                if found := SEASONAL.search(text):
                    problems.append(f"{brand.name}: pitch {pitch.subject!r} says {found[0]!r}")
        activity = session.scalars(
            select(BrandActivity).where(BrandActivity.brand_id == brand.id)
        ).all()
        for line in activity:
            if line.at < brand.created_at:
                problems.append(f"{brand.name}: {line.text!r} before the brand was added")
            if found := SEASONAL.search(line.text):
                problems.append(f"{brand.name}: {line.text!r} says {found[0]!r}")
        for tag in brand.tags:
            if SEASONAL.search(tag.name):
                problems.append(f"{brand.name}: tag {tag.name!r}")
    return problems


@pytest.fixture
def demo_account(session, user):
    assert brands_demo.populate(session, user) is True
    assert pitches_demo.populate(session, user) is True
    session.flush()
    return user


def test_the_demo_contradicts_itself_nowhere(session, demo_account) -> None:
    assert demo_problems(session, demo_account) == []


def test_the_demo_follows_a_shorter_cadence_just_as_well(session, user) -> None:
    user.followup_cadence = "2,3"
    brands_demo.populate(session, user)
    pitches_demo.populate(session, user)
    session.flush()
    assert demo_problems(session, user) == []


def test_the_check_catches_what_the_demo_used_to_say(session, demo_account) -> None:
    brand = session.scalars(select(Brand).where(Brand.name == "Tidy Tots")).one()
    pitch = session.scalars(select(Pitch).where(Pitch.brand_id == brand.id)).first()
    pitch.status = S.LOST
    pitch.subject = "3 UGC videos for your spring launch"
    brand.created_at = pitch.created_at.replace(year=pitch.created_at.year + 1)
    problems = demo_problems(session, demo_account)
    assert any("in talks but" in p for p in problems)
    assert any("older than the brand" in p for p in problems)
    assert any("'spring'" in p for p in problems)
