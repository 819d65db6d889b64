"""How an inbound pitch reads to the creator: a new inquiry received on a day, not a pitch of
theirs that a brand replied to; and no follow-up ever comes due for it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm import database
from crm.emails.kinds import EmailKind
from crm.emails.services import record_sent
from crm.paths import data_dir
from crm.pitches import followups, states
from crm.pitches.models import Pitch, PitchStatus
from crm.pitches.services import transition
from crm.timeline.models import ActivityKind, BrandActivity
from tests.factories_approvals import make_link, submitted
from tests.factories_inquiries import make_inquiry
from tests.factories_pitches import make_pitch

# 02:30 UTC on March 4 is 6:30 pm on March 3 for a creator in Los Angeles.
RECEIVED = datetime(2026, 3, 4, 2, 30, tzinfo=UTC)
DAY = "Mar 3, 2026"
MOMENT = "Mar 3, 2026, 6:30 pm"
LATER = RECEIVED + timedelta(days=2)


@pytest.fixture
def clock(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: LATER)


@pytest.fixture
def inquiry(session, user, clock):
    user.timezone = "America/Los_Angeles"
    session.commit()
    return make_inquiry(session, user, now=RECEIVED, company="Glow Labs")


def _badges(html: str) -> list[str]:
    return [t.strip() for t in re.findall(r'<span class="badge[^"]*">([^<]*)</span>', html)]


def _between(html: str, start: str, end: str) -> str:
    head = html.index(start)
    return html[head : html.index(end, head)]


class TestTheLabel:
    @pytest.mark.parametrize(
        ("status", "inbound", "label"),
        [
            (PitchStatus.REPLIED, True, "New inquiry"),
            (PitchStatus.NEGOTIATING, True, "Negotiating"),
            (PitchStatus.WON, True, "Won"),
            (PitchStatus.REPLIED, False, "Replied"),
            (PitchStatus.SENT, False, "Sent"),
        ],
    )
    def test_only_an_inbound_pitch_at_its_first_status_is_a_new_inquiry(
        self, status, inbound, label
    ) -> None:
        assert states.status_label(status, inbound) == label
        assert states.is_new_inquiry(status, inbound) is (label == "New inquiry")

    def test_a_refused_move_of_a_new_inquiry_says_so(self) -> None:
        message = states.refusal_message(PitchStatus.REPLIED, PitchStatus.GHOSTED, inbound=True)
        assert message.startswith("A new inquiry can't be marked ghosted")
        assert "replied pitch" in states.refusal_message(PitchStatus.REPLIED, PitchStatus.GHOSTED)


class TestThePages:
    def test_the_pitch_list_says_new_inquiry_received_on_the_creators_day(
        self, logged_in, inquiry
    ) -> None:
        page = logged_in.get("/pitches/").get_data(as_text=True)
        row = _between(page, "Glow Labs", "</tr>")
        assert _badges(row) == ["New inquiry"]
        assert f"Received {DAY}" in row

    def test_the_board_card_says_new_inquiry_and_when_it_came(self, logged_in, inquiry) -> None:
        board = logged_in.get("/pitches/board").get_data(as_text=True)
        card = _between(board, 'data-pitch="', "</li>")
        assert _badges(card) == ["New inquiry"]
        assert f"via your media kit, received {DAY}" in card

    def test_the_pitch_page_says_received_not_sent_or_replied(self, logged_in, inquiry) -> None:
        page = logged_in.get(f"/pitches/{inquiry.pitch_id}").get_data(as_text=True)
        head = _between(page, '<div class="page-head">', '<div class="actions">')
        assert _badges(head) == ["New inquiry"]
        dates = _between(page, "<h2>Dates</h2>", "</dl>")
        assert f"<dt>Received</dt><dd>{MOMENT}</dd>" in dates
        assert "<dt>Sent</dt>" not in dates and "<dt>Replied</dt>" not in dates
        assert "(now: a new inquiry lands here)" in page

    def test_the_brand_page_row_says_new_inquiry_received(self, logged_in, inquiry) -> None:
        page = logged_in.get(f"/brands/{inquiry.brand_id}").get_data(as_text=True)
        row = _between(page, f'href="/pitches/{inquiry.pitch_id}"', "</tr>")
        assert _badges(row) == ["New inquiry"]
        assert f"Received {DAY}" in row

    def test_a_new_pitch_to_the_brand_warns_of_the_unanswered_inquiry(
        self, logged_in, inquiry
    ) -> None:
        form = logged_in.get(f"/pitches/new?brand_id={inquiry.brand_id}").get_data(as_text=True)
        assert "already has an open pitch (new inquiry)" in form
        email = logged_in.get(f"/emails/brands/{inquiry.brand_id}").get_data(as_text=True)
        assert "Glow Labs sent you an inquiry you haven't answered yet" in email

    def test_once_moved_on_it_shows_its_status_and_stays_received(
        self, logged_in, session, inquiry
    ) -> None:
        moved = logged_in.post(
            f"/pitches/{inquiry.pitch_id}/status", data={"status": "negotiating"}
        )
        assert moved.status_code == 302
        page = logged_in.get(f"/pitches/{inquiry.pitch_id}").get_data(as_text=True)
        assert _badges(_between(page, '<div class="page-head">', '<div class="actions">')) == [
            "Negotiating"
        ]
        assert f"<dt>Received</dt><dd>{MOMENT}</dd>" in page
        board = logged_in.get("/pitches/board").get_data(as_text=True)
        assert _badges(_between(board, 'data-pitch="', "</li>")) == ["Inbound"]
        line = session.scalars(
            select(BrandActivity.text).where(BrandActivity.kind == ActivityKind.PITCH_STATUS)
        ).one()
        assert line == "Pitch negotiating: Inquiry: UGC video (was new inquiry)."

    def test_a_pitch_the_creator_sent_still_reads_replied_with_its_dates(
        self, logged_in, session, user, clock
    ) -> None:
        pitch = make_pitch(
            session, user, status=PitchStatus.REPLIED, sent_at=RECEIVED, replied_at=LATER
        )
        page = logged_in.get(f"/pitches/{pitch.id}").get_data(as_text=True)
        assert _badges(_between(page, '<div class="page-head">', '<div class="actions">')) == [
            "Replied"
        ]
        assert "<dt>Sent</dt>" in page and "<dt>Replied</dt>" in page
        assert "<dt>Received</dt>" not in page
        listing = logged_in.get("/pitches/").get_data(as_text=True)
        assert "New inquiry" not in listing and "Received" not in listing


class TestNoFollowUps:
    """The brand wrote first: there is nobody to chase until the creator has answered."""

    FAR = date(2027, 1, 1)

    def test_an_unanswered_inquiry_never_comes_due_nor_ghosts(
        self, logged_in, session, user, inquiry
    ) -> None:
        pitch = session.get_one(Pitch, inquiry.pitch_id)
        assert pitch.next_followup_on is None and pitch.sent_at is None
        assert followups.count_due(session, user.id, self.FAR) == 0
        assert followups.due_followups(session, user.id, self.FAR, None, 50).items == []
        assert followups.coming_up(session, user.id, self.FAR).pitches == []
        far_now = datetime(2027, 1, 1, 12, tzinfo=UTC)
        assert followups.ghost_expired(session, user.id, far_now, (3, 7)) == 0
        assert followups.ghost_expired_for_everyone(session, far_now) == 0
        session.refresh(pitch)
        assert pitch.status is PitchStatus.REPLIED
        assert "Glow Labs" not in logged_in.get("/pitches/followups").get_data(as_text=True)

    def test_answering_it_with_rates_starts_no_cadence(self, session, user, inquiry) -> None:
        pitch = session.get_one(Pitch, inquiry.pitch_id)
        record_sent(session, user, pitch, EmailKind.RATES_REPLY, LATER)
        assert pitch.status is PitchStatus.NEGOTIATING and pitch.next_followup_on is None
        assert followups.count_due(session, user.id, self.FAR) == 0

    def test_a_new_inquiry_cannot_be_made_a_sent_pitch_to_chase(self, session, inquiry) -> None:
        pitch = session.get_one(Pitch, inquiry.pitch_id)
        with pytest.raises(states.TransitionRefused, match="A new inquiry can't be marked sent"):
            transition(session, pitch, PitchStatus.SENT, LATER)


class TestOneDateFormat:
    """A moment a page records shows its time, in the creator's timezone; a day shows the day."""

    RECORD_PAGES = (
        "inquiries/inbox.html",
        "pitches/detail.html",
        "brands/detail.html",
        *(f"approvals/{name}" for name in ("deal.html", "public.html")),
    )

    @pytest.mark.parametrize("name", RECORD_PAGES)
    def test_every_moment_on_a_record_page_shows_its_time(self, name) -> None:
        text = (data_dir("templates") / name).read_text(encoding="utf-8")
        shown = re.findall(r"([\w.]+)\|date(?:\(([^)]*)\))?", text)
        assert shown, f"{name} shows no date through the filter"
        moments = [(value, args) for value, args in shown if re.search(r"(_at|\.at)$", value)]
        assert all("with_time=True" in args for _value, args in moments), moments
        assert ".strftime" not in text and "|datetime" not in text

    def test_the_inbox_shows_inquiries_and_answers_with_their_time(
        self, logged_in, session, user, inquiry
    ) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item)
        answered = logged_in.post(
            f"/approve/{made.token}", data={"deliverable": item.id, "action": "approve"}
        )
        assert answered.status_code in (302, 303)
        page = logged_in.get("/inbox/").get_data(as_text=True)
        assert f"· UGC video · {MOMENT}</span>" in page
        # The clock reads LATER (02:30 UTC, March 6): 6:30 pm on March 5 in Los Angeles.
        assert "· Approved · Mar 5, 2026, 6:30 pm</span>" in page

    def test_the_pitch_history_shows_the_time_as_the_brand_timeline_does(
        self, logged_in, inquiry
    ) -> None:
        page = logged_in.get(f"/pitches/{inquiry.pitch_id}").get_data(as_text=True)
        history = _between(page, 'id="history"', "</ol>")
        assert f'class="small muted">{MOMENT}</time> Inquiry via your media kit' in history
        brand = logged_in.get(f"/brands/{inquiry.brand_id}").get_data(as_text=True)
        assert f'class="small muted">{MOMENT}</time>' in brand

    def test_an_approval_link_shows_when_it_was_made_used_and_ends(
        self, logged_in, session, user, clock
    ) -> None:
        user.timezone = "America/Los_Angeles"
        made = make_link(session, user, deliverable=submitted(session, user), now=RECEIVED)
        made.link.last_used_at = RECEIVED + timedelta(hours=1)
        session.commit()
        page = logged_in.get(f"/approvals/deals/{made.link.deal_id}").get_data(as_text=True)
        row = _between(page, 'data-label="Made"', "</tr>")
        assert f'data-label="Made">{MOMENT}</td>' in row
        assert '<td data-label="Last used">Mar 3, 2026, 7:30 pm</td>' in row
        assert re.search(r'data-label="Expires">\w{3} \d+, \d{4}, \d+:\d\d [ap]m</td>', row)
