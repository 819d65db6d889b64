"""Pitch services: creating with validation, the one-time token, transitions and their effects."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm import creation_tokens
from crm.brands.models import BrandStatus
from crm.pitches import services, states
from crm.pitches.models import Pitch, PitchChannel, PitchKind
from crm.pitches.models import PitchStatus as S
from crm.timeline.models import BrandActivity
from tests.factories_pitches import NOW, brand_for, contact_for, make_pitch


def _data(**overrides) -> services.PitchData:
    values = {"kind": PitchKind.UGC, "channel": PitchChannel.EMAIL, "quoted_cents": 45_000}
    values.update(overrides)
    return services.PitchData(**values)


def _timeline(session, brand) -> list[BrandActivity]:
    return list(
        session.scalars(
            select(BrandActivity)
            .where(BrandActivity.brand_id == brand.id)
            .order_by(BrandActivity.id)
        )
    )


def test_create_makes_a_draft_and_logs_it_on_the_brand(session, user) -> None:
    brand = brand_for(session, user)
    contact = contact_for(session, brand)
    pitch = services.create_pitch(
        session, user.id, brand.id, _data(contact_id=contact.id, subject=" Hello "), NOW
    )
    assert pitch.status == S.DRAFT
    assert pitch.subject == "Hello"
    assert pitch.contact_id == contact.id
    assert pitch.created_at == NOW
    line = _timeline(session, brand)[-1]
    assert (line.kind, line.pitch_id) == ("pitch_created", pitch.id)
    assert "Hello" in line.text


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quoted_cents": -1}, "quoted_rate"),
        ({"quoted_cents": services.QUOTE_MAX_CENTS + 1}, "quoted_rate"),
        ({"currency": "XYZ"}, "currency"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "x" * (services.BODY_MAX + 1)}, "body"),
    ],
)
def test_create_refuses_bad_values_beside_their_field(session, user, overrides, field) -> None:
    brand = brand_for(session, user)
    with pytest.raises(services.PitchError) as error:
        services.create_pitch(session, user.id, brand.id, _data(**overrides), NOW)
    assert error.value.field == field
    assert session.scalars(select(Pitch)).all() == []


def test_a_contact_of_another_brand_is_refused(session, user) -> None:
    brand, elsewhere = brand_for(session, user), brand_for(session, user)
    stranger = contact_for(session, elsewhere)
    with pytest.raises(services.PitchError) as error:
        services.create_pitch(session, user.id, brand.id, _data(contact_id=stranger.id), NOW)
    assert error.value.field == "contact_id"


def test_another_users_brand_or_contact_is_refused(session, user, other_user) -> None:
    theirs = brand_for(session, other_user)
    their_contact = contact_for(session, theirs)
    with pytest.raises(services.PitchError):
        services.create_pitch(session, user.id, theirs.id, _data(), NOW)
    mine = brand_for(session, user)
    with pytest.raises(services.PitchError):
        services.create_pitch(session, user.id, mine.id, _data(contact_id=their_contact.id), NOW)


def test_the_same_token_twice_gives_back_the_first_pitch(session, user) -> None:
    brand = brand_for(session, user)
    first = services.create_pitch(session, user.id, brand.id, _data(), NOW, token="t" * 32)
    with pytest.raises(services.AlreadyCreated) as again:
        services.create_pitch(session, user.id, brand.id, _data(), NOW, token="t" * 32)
    assert again.value.pitch.id == first.id
    assert len(session.scalars(select(Pitch)).all()) == 1


def test_a_racing_second_submit_hits_the_unique_token_and_finds_the_first(
    session, user, monkeypatch
) -> None:
    brand = brand_for(session, user)
    first = services.create_pitch(session, user.id, brand.id, _data(), NOW, token="r" * 32)
    session.commit()
    # The second request looked before the first had written: the constraint decides.
    lookups = iter([None, first])
    monkeypatch.setattr(creation_tokens, "find_by_token", lambda *args: next(lookups))
    with pytest.raises(services.AlreadyCreated) as again:
        services.create_pitch(session, user.id, brand.id, _data(), NOW, token="r" * 32)
    assert again.value.pitch.id == first.id
    session.commit()  # the session is still usable: only the savepoint was rolled back
    assert len(session.scalars(select(Pitch)).all()) == 1


def test_tokens_are_per_owner(session, user, other_user) -> None:
    mine, theirs = brand_for(session, user), brand_for(session, other_user)
    services.create_pitch(session, user.id, mine.id, _data(), NOW, token="s" * 32)
    services.create_pitch(session, other_user.id, theirs.id, _data(), NOW, token="s" * 32)
    assert len(session.scalars(select(Pitch)).all()) == 2


def test_update_changes_the_words_not_the_brand_or_status(session, user) -> None:
    pitch = make_pitch(session, user, status=S.SENT)
    services.update_pitch(session, user.id, pitch, _data(subject="New words", quoted_cents=None))
    assert (pitch.subject, pitch.quoted_cents, pitch.status) == ("New words", None, S.SENT)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)), ids=str)
def test_every_pair_through_the_service(session, user, current, target) -> None:
    pitch = make_pitch(session, user, status=current)
    if states.is_allowed(current, target):
        services.transition(session, pitch, target, NOW)
        assert pitch.status == target
        line = _timeline(session, pitch.brand)[-1]
        assert line.pitch_id == pitch.id or line.kind == "status_changed"
    else:
        with pytest.raises(states.TransitionRefused):
            services.transition(session, pitch, target, NOW)
        assert pitch.status == current


def test_sending_stamps_sent_at_and_schedules_the_first_follow_up(session, user) -> None:
    pitch = make_pitch(session, user)
    services.transition(session, pitch, S.SENT, NOW, (3, 5))
    assert pitch.sent_at == NOW
    assert pitch.next_followup_on == NOW.date() + timedelta(days=3)
    assert pitch.followups_sent == 0


def test_a_reply_stamps_replied_at_and_clears_the_follow_up(session, user) -> None:
    pitch = make_pitch(session, user, status=S.SENT, next_followup_on=NOW.date())
    later = NOW + timedelta(days=2)
    services.transition(session, pitch, S.REPLIED, later)
    assert pitch.replied_at == later
    assert pitch.next_followup_on is None
    assert pitch.closed_at is None


@pytest.mark.parametrize(
    ("start", "end"),
    [(S.REPLIED, S.WON), (S.NEGOTIATING, S.LOST), (S.SENT, S.DECLINED), (S.SENT, S.GHOSTED)],
)
def test_closing_stamps_closed_at(session, user, start, end) -> None:
    pitch = make_pitch(session, user, status=start, next_followup_on=NOW.date())
    services.transition(session, pitch, end, NOW)
    assert pitch.closed_at == NOW
    assert pitch.next_followup_on is None


def test_a_late_reply_reopens_a_ghosted_pitch(session, user) -> None:
    pitch = make_pitch(session, user, status=S.GHOSTED, closed_at=NOW)
    services.transition(session, pitch, S.REPLIED, NOW + timedelta(days=9))
    assert pitch.status == S.REPLIED
    assert pitch.closed_at is None


def test_each_transition_lands_on_the_brand_timeline_with_the_pitch(session, user) -> None:
    pitch = make_pitch(session, user, subject="Spring UGC")
    services.transition(session, pitch, S.SENT, NOW)
    services.transition(session, pitch, S.REPLIED, NOW + timedelta(days=1))
    lines = [a for a in _timeline(session, pitch.brand) if a.kind == "pitch_status"]
    assert [a.pitch_id for a in lines] == [pitch.id, pitch.id]
    assert "Pitch sent: Spring UGC (was draft)." in lines[0].text
    assert lines[1].at == NOW + timedelta(days=1)


def test_sending_makes_a_lead_contacted_and_winning_makes_a_client(session, user) -> None:
    brand = brand_for(session, user)
    assert brand.status == BrandStatus.LEAD
    pitch = make_pitch(session, user, brand=brand)
    services.transition(session, pitch, S.SENT, NOW)
    assert brand.status == BrandStatus.CONTACTED
    services.transition(session, pitch, S.REPLIED, NOW)
    assert brand.status == BrandStatus.IN_TALKS
    services.transition(session, pitch, S.WON, NOW)
    assert brand.status == BrandStatus.CLIENT
    kinds = [a.kind for a in _timeline(session, brand)]
    assert kinds.count("status_changed") == 3


def test_a_lost_pitch_leaves_the_brand_where_it_was(session, user) -> None:
    brand = brand_for(session, user, status=BrandStatus.IN_TALKS)
    pitch = make_pitch(session, user, brand=brand, status=S.NEGOTIATING)
    services.transition(session, pitch, S.LOST, NOW)
    assert brand.status == BrandStatus.IN_TALKS


def test_delete_removes_the_pitch_and_its_lines_and_records_it(session, user) -> None:
    pitch = make_pitch(session, user, subject="Gone soon")
    brand = pitch.brand
    services.transition(session, pitch, S.SENT, NOW)
    services.delete_pitch(session, pitch, NOW)
    session.commit()
    assert session.scalars(select(Pitch)).all() == []
    lines = _timeline(session, brand)
    assert all(a.pitch_id is None for a in lines)
    assert lines[-1].kind == "pitch_deleted"
    assert "Gone soon" in lines[-1].text


class TestDuplicateGuard:
    def test_an_open_pitch_is_found_however_old(self, session, user) -> None:
        old = make_pitch(session, user, status=S.NEGOTIATING, created_at=NOW - timedelta(days=400))
        found = services.recent_or_open_pitch(session, user.id, old.brand_id, NOW)
        assert found is not None and found.id == old.id

    def test_a_pitch_sent_within_30_days_is_found_even_when_closed(self, session, user) -> None:
        sent = NOW - timedelta(days=services.RECENT_PITCH_DAYS)
        pitch = make_pitch(session, user, status=S.DECLINED, sent_at=sent)
        found = services.recent_or_open_pitch(session, user.id, pitch.brand_id, NOW)
        assert found is not None and found.id == pitch.id

    def test_a_closed_pitch_sent_longer_ago_is_not(self, session, user) -> None:
        sent = NOW - timedelta(days=services.RECENT_PITCH_DAYS, seconds=1)
        pitch = make_pitch(session, user, status=S.LOST, sent_at=sent)
        assert services.recent_or_open_pitch(session, user.id, pitch.brand_id, NOW) is None

    def test_other_brands_and_other_users_do_not_count(self, session, user, other_user) -> None:
        brand = brand_for(session, user)
        make_pitch(session, user, status=S.SENT)  # another brand of mine
        make_pitch(session, other_user, status=S.SENT)
        assert services.recent_or_open_pitch(session, user.id, brand.id, NOW) is None
