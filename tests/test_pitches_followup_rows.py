"""The follow-ups page's plain rows (crm/pitches/followup_rows.py) hold what the ORM showed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from crm.pitches import followups
from crm.pitches.followup_rows import FollowupRow, followup_rows
from crm.pitches.models import Pitch, PitchChannel, PitchStatus
from tests.factories_brands import make_contact
from tests.factories_pitches import NOW, brand_for, make_pitch

TODAY = date(2026, 3, 10)


def as_orm_showed(pitch: Pitch) -> FollowupRow:
    """The row the page built from the ORM pitch, its brand and contact joined, before."""
    contact = pitch.contact
    return FollowupRow(
        id=pitch.id,
        kind=pitch.kind,
        channel=pitch.channel,
        subject=pitch.subject,
        quoted_cents=pitch.quoted_cents,
        currency=pitch.currency,
        followups_sent=pitch.followups_sent,
        next_followup_on=pitch.next_followup_on,
        sent_at=pitch.sent_at,
        brand_name=pitch.brand.name,
        contact_name=contact.name if contact else None,
        contact_email=contact.email if contact else None,
    )


def _sent(session, user, due: date, **overrides) -> Pitch:
    values = {"status": PitchStatus.SENT, "sent_at": NOW, "next_followup_on": due}
    return make_pitch(session, user, **(values | overrides))


def test_rows_hold_what_the_orm_pitches_showed(session, user, other_user, count_queries) -> None:
    glow = brand_for(session, user, name="Glow Theory")
    ana = make_contact(session, user, glow, name="Ana", email="ana@glow.example")
    nameless = make_contact(session, user, glow, name="Bo", email="")
    to_ana = _sent(session, user, TODAY, brand=glow, contact_id=ana.id, followups_sent=2)
    to_bo = _sent(session, user, TODAY, brand=glow, contact_id=nameless.id, quoted_cents=None)
    to_no_one = _sent(
        session, user, TODAY - timedelta(days=2), channel=PitchChannel.DM, sent_at=None
    )
    theirs = _sent(session, other_user, TODAY)
    ids = [to_ana.id, to_bo.id, to_no_one.id]
    owner_id, their_id = user.id, theirs.id
    session.expire_all()
    expected = {
        p.id: as_orm_showed(p) for p in session.scalars(select(Pitch).where(Pitch.id.in_(ids)))
    }

    with count_queries() as counted:
        rows = {row.id: row for row in followup_rows(session, owner_id, [*ids, their_id])}

    assert len(counted) == 1
    assert rows == expected  # another creator's pitch is not read
    assert (rows[to_ana.id].brand_name, rows[to_ana.id].contact_email) == (
        "Glow Theory",
        "ana@glow.example",
    )
    assert (rows[to_bo.id].contact_name, rows[to_bo.id].contact_email) == ("Bo", "")
    assert (rows[to_no_one.id].contact_name, rows[to_no_one.id].sent_at) == (None, None)
    assert rows[to_bo.id].quoted_cents is None


def test_the_due_list_and_coming_up_show_rows_in_their_order(session, user) -> None:
    later = _sent(session, user, TODAY - timedelta(days=1))
    oldest = _sent(session, user, TODAY - timedelta(days=5))
    soon = _sent(session, user, TODAY + timedelta(days=2))
    tomorrow = _sent(session, user, TODAY + timedelta(days=1))
    due = followups.due_followups(session, user.id, TODAY, None, 25)
    coming = followups.coming_up(session, user.id, TODAY)
    assert [row.id for row in due.items] == [oldest.id, later.id]
    assert [row.id for row in coming.pitches] == [tomorrow.id, soon.id]
    assert all(isinstance(row, FollowupRow) for row in [*due.items, *coming.pitches])
