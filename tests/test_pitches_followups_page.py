"""The follow-ups page: what is due, what is coming up, the email to send, asking before early."""

from __future__ import annotations

import re
from datetime import timedelta

from crm.database import utcnow
from crm.pitches.models import PitchStatus
from tests.factories_pitches import brand_for, make_pitch

S = PitchStatus


def _sent(session, user, in_days: int, name: str, **overrides):
    brand = brand_for(session, user, name=name)
    return make_pitch(
        session,
        user,
        brand=brand,
        status=S.SENT,
        sent_at=utcnow() - timedelta(days=4),
        next_followup_on=utcnow().date() + timedelta(days=in_days),
        **overrides,
    )


def _section(page: str, title: str) -> str:
    start = page.index(title)
    end = page.find("<section", start)
    return page[start : end if end != -1 else len(page)]


def test_coming_up_lists_the_next_seven_days_only(logged_in, session, user) -> None:
    _sent(session, user, 0, "Due Today Co")
    _sent(session, user, 1, "Tomorrow Co")
    _sent(session, user, 3, "Three Days Co")
    _sent(session, user, 7, "A Week Co")
    _sent(session, user, 8, "Too Far Co")
    page = logged_in.get("/pitches/followups").get_data(as_text=True)
    coming = _section(page, "Coming up")
    assert "Due Today Co" not in coming and "Due Today Co" in page
    assert coming.index("Tomorrow Co") < coming.index("Three Days Co") < coming.index("A Week Co")
    assert "Too Far Co" not in page
    assert "tomorrow" in coming and "in 3 days" in coming


def test_with_nothing_ahead_coming_up_says_so(logged_in) -> None:
    page = logged_in.get("/pitches/followups").get_data(as_text=True)
    assert "Nothing due in the next 7 days." in page


def test_every_follow_up_offers_its_email(logged_in, session, user) -> None:
    due = _sent(session, user, -1, "Overdue Co", followups_sent=1)
    soon = _sent(session, user, 2, "Soon Co")
    page = logged_in.get("/pitches/followups").get_data(as_text=True)
    assert f'href="/emails/pitches/{due.id}">Write follow-up 2</a>' in page
    assert f'href="/emails/pitches/{soon.id}">Write follow-up 1</a>' in page
    email = logged_in.get(f"/emails/pitches/{soon.id}").get_data(as_text=True)
    assert re.search(r'kind=first_followup"[^>]*aria-current="page"', email)
    email = logged_in.get(f"/emails/pitches/{due.id}").get_data(as_text=True)
    assert re.search(r'kind=second_followup"[^>]*aria-current="page"', email)


def test_logging_before_the_date_asks_first_and_changes_nothing(logged_in, session, user) -> None:
    pitch = _sent(session, user, 3, "Early Co")
    response = logged_in.post(f"/pitches/{pitch.id}/followup", data={"return_to": "followups"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Log the follow-up to Early Co early?" in page
    assert "(in 3 days)" in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert '<input type="hidden" name="return_to" value="followups">' in page
    assert f'href="/emails/pitches/{pitch.id}">Write the follow-up email' in page
    session.refresh(pitch)
    assert pitch.followups_sent == 0


def test_confirming_logs_it_and_goes_back(logged_in, session, user) -> None:
    pitch = _sent(session, user, 3, "Early Co")
    response = logged_in.post(
        f"/pitches/{pitch.id}/followup", data={"confirm": "1", "return_to": "followups"}
    )
    assert response.headers["Location"].endswith("/pitches/followups")
    session.refresh(pitch)
    assert pitch.followups_sent == 1
    assert pitch.next_followup_on > utcnow().date() + timedelta(days=3)


def test_a_follow_up_that_is_due_is_logged_without_asking(logged_in, session, user) -> None:
    pitch = _sent(session, user, 0, "Due Co")
    response = logged_in.post(f"/pitches/{pitch.id}/followup", data={"return_to": "followups"})
    assert response.status_code == 302
    session.refresh(pitch)
    assert pitch.followups_sent == 1


def test_the_confirm_page_never_carries_a_foreign_return_to(logged_in, session, user) -> None:
    pitch = _sent(session, user, 3, "Early Co")
    data = {"return_to": "https://evil.example/"}
    page = logged_in.post(f"/pitches/{pitch.id}/followup", data=data).get_data(as_text=True)
    assert "evil.example" not in page
    assert f'href="/pitches/{pitch.id}">Not yet' in page


def test_the_page_costs_the_same_queries_however_many_are_coming(
    logged_in, session, user, count_queries
) -> None:
    for n in range(3):
        _sent(session, user, n + 1, f"Soon {n}")
    with count_queries() as few:
        assert logged_in.get("/pitches/followups").status_code == 200
    for n in range(30):
        _sent(session, user, n % 7 + 1, f"Later {n}")
    with count_queries() as many:
        page = logged_in.get("/pitches/followups").get_data(as_text=True)
    assert len(many) == len(few)
    assert "And 13 more in the next 7 days." in page
