"""Follow-ups: the cadence applied to sent pitches, ghosting, the due page, the cadence setting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm import database
from crm.pitches import followups, services, views
from crm.pitches.models import PitchStatus as S
from crm.timeline.models import BrandActivity
from tests.factories_pitches import NOW, make_pitch
from tests.pager_links import pager_link

STEPS = (4, 7, 7)


def _on(day: date) -> datetime:
    """Noon UTC on `day`."""
    return NOW.replace(year=day.year, month=day.month, day=day.day)


def _sent(session, user, **overrides):
    pitch = make_pitch(session, user)
    services.transition(session, pitch, S.SENT, NOW, STEPS)
    for key, value in overrides.items():
        setattr(pitch, key, value)
    session.commit()
    return pitch


class TestLogging:
    def test_each_follow_up_counts_and_sets_the_next_date_from_the_next_step(
        self, session, user
    ) -> None:
        pitch = _sent(session, user)
        assert pitch.next_followup_on == date(2026, 3, 6)
        first = followups.log_followup(session, pitch, _on(date(2026, 3, 6)), STEPS)
        assert (first.number, first.next_on, first.ghosted) == (1, date(2026, 3, 13), False)
        second = followups.log_followup(session, pitch, _on(date(2026, 3, 14)), STEPS)
        assert (second.number, second.next_on) == (2, date(2026, 3, 21))
        third = followups.log_followup(session, pitch, _on(date(2026, 3, 21)), STEPS)
        # The last follow-up: the last wait again is the brand's time to answer.
        assert (third.number, third.next_on) == (3, date(2026, 3, 28))
        assert pitch.followups_sent == 3
        assert pitch.status == S.SENT

    def test_a_follow_up_lands_on_the_timeline(self, session, user) -> None:
        pitch = _sent(session, user)
        followups.log_followup(session, pitch, _on(date(2026, 3, 6)), STEPS)
        line = session.scalars(
            select(BrandActivity).where(BrandActivity.kind == "followup_logged")
        ).one()
        assert line.pitch_id == pitch.id
        assert line.text.startswith("Follow-up 1 of 3 sent")

    def test_logging_early_is_allowed_and_counts_from_that_day(self, session, user) -> None:
        pitch = _sent(session, user)
        result = followups.log_followup(
            session, pitch, _on(date(2026, 3, 3)), STEPS, confirmed=True
        )
        assert result.next_on == date(2026, 3, 10)

    def test_logging_early_asks_first_and_changes_nothing(self, session, user) -> None:
        pitch = _sent(session, user)
        due = pitch.next_followup_on
        with pytest.raises(followups.NotDueYet, match=r"isn't due until .* \(in 3 days\)"):
            followups.log_followup(session, pitch, _on(date(2026, 3, 3)), STEPS)
        assert (pitch.followups_sent, pitch.next_followup_on) == (0, due)

    def test_after_the_last_follow_up_more_are_refused_until_the_deadline(
        self, session, user
    ) -> None:
        pitch = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        with pytest.raises(services.PitchError, match="all 3 follow-ups"):
            followups.log_followup(session, pitch, _on(date(2026, 3, 31)), STEPS)
        assert pitch.followups_sent == 3

    def test_logging_once_the_deadline_passed_ghosts_the_pitch(self, session, user) -> None:
        pitch = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        result = followups.log_followup(session, pitch, _on(date(2026, 4, 1)), STEPS)
        assert result.ghosted
        assert pitch.status == S.GHOSTED
        assert pitch.next_followup_on is None
        assert pitch.closed_at == _on(date(2026, 4, 1))

    @pytest.mark.parametrize("status", [S.DRAFT, S.REPLIED, S.WON, S.GHOSTED])
    def test_only_sent_pitches_can_be_followed_up(self, session, user, status) -> None:
        pitch = make_pitch(session, user, status=status)
        with pytest.raises(services.PitchError, match="Only a sent pitch"):
            followups.log_followup(session, pitch, NOW, STEPS)

    def test_a_shorter_cadence_uses_its_own_steps(self, session, user) -> None:
        pitch = make_pitch(session, user)
        services.transition(session, pitch, S.SENT, NOW, (2,))
        assert pitch.next_followup_on == date(2026, 3, 4)
        result = followups.log_followup(session, pitch, _on(date(2026, 3, 4)), (2,))
        assert result.next_on == date(2026, 3, 6)
        assert followups.ghost_expired(session, user.id, _on(date(2026, 3, 6)), (2,)) == 1


class TestGhosting:
    def test_ghosts_exactly_the_pitches_whose_answer_window_is_over(self, session, user) -> None:
        today = date(2026, 4, 1)
        over = _sent(session, user, followups_sent=3, next_followup_on=today)
        waiting = _sent(session, user, followups_sent=3, next_followup_on=today + timedelta(1))
        overdue_follow_up = _sent(
            session, user, followups_sent=2, next_followup_on=date(2026, 3, 1)
        )
        assert followups.ghost_expired(session, user.id, _on(today), STEPS) == 1
        assert over.status == S.GHOSTED
        assert waiting.status == S.SENT
        assert overdue_follow_up.status == S.SENT

    def test_ghosting_twice_changes_nothing_more(self, session, user) -> None:
        today = date(2026, 4, 1)
        _sent(session, user, followups_sent=3, next_followup_on=today)
        assert followups.ghost_expired(session, user.id, _on(today), STEPS) == 1
        assert followups.ghost_expired(session, user.id, _on(today), STEPS) == 0
        lines = session.scalars(
            select(BrandActivity).where(BrandActivity.kind == "pitch_status")
        ).all()
        assert sum("ghosted" in line.text for line in lines) == 1

    def test_a_reply_clears_the_follow_up_so_nothing_is_ghosted(self, session, user) -> None:
        pitch = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        services.transition(session, pitch, S.REPLIED, _on(date(2026, 3, 30)))
        assert followups.ghost_expired(session, user.id, _on(date(2026, 5, 1)), STEPS) == 0
        assert pitch.status == S.REPLIED

    def test_other_users_pitches_are_left_alone(self, session, user, other_user) -> None:
        theirs = _sent(session, other_user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        assert followups.ghost_expired(session, user.id, _on(date(2026, 5, 1)), STEPS) == 0
        assert theirs.status == S.SENT


class TestDueList:
    def test_lists_due_today_and_overdue_oldest_first(self, session, user) -> None:
        today = date(2026, 3, 10)
        today_one = _sent(session, user, next_followup_on=today)
        overdue = _sent(session, user, next_followup_on=today - timedelta(days=3))
        _sent(session, user, next_followup_on=today + timedelta(days=1))
        make_pitch(session, user, status=S.REPLIED, next_followup_on=today)
        page = followups.due_followups(session, user.id, today, None, 25)
        assert [p.id for p in page.items] == [overdue.id, today_one.id]
        assert page.total.value == 2
        assert followups.count_due(session, user.id, today) == 2


class TestPage:
    @pytest.fixture
    def today_is(self, monkeypatch):
        def set_day(day: date) -> None:
            monkeypatch.setattr(views, "utcnow", lambda: _on(day))
            monkeypatch.setattr(database, "utcnow", lambda: _on(day))  # the creator's today

        return set_day

    def test_shows_due_and_overdue_with_one_click_actions(
        self, logged_in, session, user, today_is
    ) -> None:
        today_is(date(2026, 3, 10))
        due = _sent(session, user, subject="Due today", next_followup_on=date(2026, 3, 10))
        _sent(session, user, subject="Overdue one", next_followup_on=date(2026, 3, 7))
        _sent(session, user, subject="Not yet", next_followup_on=date(2026, 3, 11))
        page = logged_in.get("/pitches/followups").get_data(as_text=True)
        assert page.index("Overdue one") < page.index("Due today")
        due_list, coming_up = page.split("Coming up", 1)
        assert "Not yet" not in due_list
        assert "Not yet" in coming_up  # tomorrow's is listed apart, as coming up
        assert "3 days overdue" in page
        assert "due today" in page
        assert f'action="/pitches/{due.id}/followup"' in page
        assert f'action="/pitches/{due.id}/status"' in page

    def test_log_follow_up_is_one_post_and_returns_to_the_page(
        self, logged_in, session, user, today_is
    ) -> None:
        today_is(date(2026, 3, 6))
        pitch = _sent(session, user)
        response = logged_in.post(f"/pitches/{pitch.id}/followup", data={"return_to": "followups"})
        assert response.headers["Location"].endswith("/pitches/followups")
        session.refresh(pitch)
        assert (pitch.followups_sent, pitch.next_followup_on) == (1, date(2026, 3, 13))
        page = logged_in.get("/pitches/followups").get_data(as_text=True)
        assert "Follow-up 1 logged. Next one due Fri, Mar 13, 2026." in page

    def test_mark_replied_from_the_page(self, logged_in, session, user, today_is) -> None:
        today_is(date(2026, 3, 6))
        pitch = _sent(session, user)
        logged_in.post(
            f"/pitches/{pitch.id}/status", data={"status": "replied", "return_to": "followups"}
        )
        session.refresh(pitch)
        assert pitch.status == S.REPLIED
        assert pitch.next_followup_on is None

    def test_loading_the_page_changes_nothing_and_offers_to_ghost(
        self, logged_in, session, user, today_is
    ) -> None:
        pitch = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        today_is(date(2026, 3, 31))
        assert "Mark it ghosted" not in logged_in.get("/pitches/followups").get_data(as_text=True)
        today_is(date(2026, 4, 1))
        page = logged_in.get("/pitches/followups").get_data(as_text=True)
        assert "got no answer after your last follow-up" in page
        assert 'action="/pitches/followups/ghost"' in page
        assert f'action="/pitches/{pitch.id}/followup"' not in page  # no 4th follow-up
        session.refresh(pitch)
        assert pitch.status == S.SENT  # a GET never writes

    def test_mark_them_ghosted_is_one_post(self, logged_in, session, user, today_is) -> None:
        pitch = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        waiting = _sent(session, user, followups_sent=1, next_followup_on=date(2026, 4, 1))
        today_is(date(2026, 4, 1))
        response = logged_in.post("/pitches/followups/ghost", follow_redirects=True)
        assert "1 pitch with no answer after your last follow-up marked ghosted." in (
            response.get_data(as_text=True)
        )
        session.refresh(pitch)
        session.refresh(waiting)
        assert (pitch.status, waiting.status) == (S.GHOSTED, S.SENT)

    def test_the_cron_command_ghosts_for_every_creator_by_their_cadence(
        self, runner, session, user, other_user, monkeypatch
    ) -> None:
        from crm.pitches import cli as pitches_cli

        other_user.followup_cadence = "2"
        mine = _sent(session, user, followups_sent=3, next_followup_on=date(2026, 4, 1))
        theirs = _sent(session, other_user, followups_sent=1, next_followup_on=date(2026, 4, 1))
        not_done = _sent(session, other_user, followups_sent=0, next_followup_on=date(2026, 4, 1))
        monkeypatch.setattr(pitches_cli, "utcnow", lambda: _on(date(2026, 4, 2)))
        result = runner.invoke(args=["pitches", "ghost-expired"])
        assert result.exit_code == 0, result.output
        assert "Marked 2 pitches ghosted." in result.output
        for pitch in (mine, theirs, not_done):
            session.refresh(pitch)
        assert (mine.status, theirs.status, not_done.status) == (S.GHOSTED, S.GHOSTED, S.SENT)
        again = runner.invoke(args=["pitches", "ghost-expired"])
        assert "Marked 0 pitches ghosted." in again.output

    def test_the_last_follow_up_says_when_ghosting_happens(
        self, logged_in, session, user, today_is
    ) -> None:
        today_is(date(2026, 3, 20))
        pitch = _sent(session, user, followups_sent=2, next_followup_on=date(2026, 3, 20))
        response = logged_in.post(f"/pitches/{pitch.id}/followup", follow_redirects=True)
        assert "Last follow-up logged. With no answer by Fri, Mar 27, 2026" in response.get_data(
            as_text=True
        )

    def test_following_up_a_draft_is_a_message_not_an_error(self, logged_in, session, user):
        pitch = make_pitch(session, user)
        response = logged_in.post(f"/pitches/{pitch.id}/followup", follow_redirects=True)
        assert response.status_code == 200
        assert "Only a sent pitch can be followed up" in response.get_data(as_text=True)

    def test_pages_when_many_are_due(self, make_app, session, user, today_is) -> None:
        today_is(date(2026, 3, 10))
        client = make_app(PAGE_SIZE=2).test_client()
        client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
        for n in range(3):
            _sent(session, user, subject=f"Due {n}", next_followup_on=date(2026, 3, 1 + n))
        first = client.get("/pitches/followups").get_data(as_text=True)
        assert "Due 0" in first and "Due 2" not in first
        assert "Showing 1–2 of 3 follow-ups due" in first
        second = client.get(pager_link(first, "next")).get_data(as_text=True)
        assert "Due 2" in second and "Due 0" not in second and "Showing 3–3" in second


class TestSettings:
    def test_shows_the_current_cadence(self, logged_in) -> None:
        page = logged_in.get("/pitches/settings").get_data(as_text=True)
        assert 'value="4, 7, 7"' in page
        assert "Follow up 4 days after sending" in page

    def test_saves_a_new_cadence_used_by_the_next_send(self, logged_in, session, user) -> None:
        response = logged_in.post("/pitches/settings", data={"cadence": "2, 3"})
        assert response.status_code == 302
        session.refresh(user)
        assert user.followup_cadence == "2,3"
        pitch = make_pitch(session, user)
        logged_in.post(f"/pitches/{pitch.id}/status", data={"status": "sent"})
        session.refresh(pitch)
        assert pitch.next_followup_on == pitch.sent_at.date() + timedelta(days=2)

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "Enter the days between follow-ups"),
            ("1,2,3,4,5,6", "at most 5"),
            ("0", "1 to 60 days"),
            ("4, 90", "1 to 60 days"),
            ("soon", "not a whole number"),
        ],
    )
    def test_refuses_a_bad_cadence_beside_the_field(
        self, logged_in, session, user, text, message
    ) -> None:
        response = logged_in.post("/pitches/settings", data={"cadence": text})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert message in page
        assert 'class="error"' in page
        session.refresh(user)
        assert user.followup_cadence == "4,7,7"
