"""Inquiries through the media kit: they land as lead brand, contact, inbound pitch and a
timeline line; a honeypot, two rate limits, length limits, plain text and CSRF guard them;
the creator's inbox badge counts them with the approval answers."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm import database
from crm.brands.models import Brand, BrandStatus, Contact
from crm.inquiries import services
from crm.inquiries.models import Inquiry
from crm.pitches.models import Pitch, PitchStatus
from crm.timeline.models import ActivityKind, BrandActivity
from tests.factories_approvals import make_link, submitted
from tests.factories_brands import make_brand
from tests.factories_inquiries import make_inquiry
from tests.factories_kit import make_kit
from tests.test_emails_smtp import HOST, Inbox, start_server  # noqa: F401

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch) -> list[datetime]:
    """The time the app (and the throttle's counter) reads; move it by changing [0]."""
    now = [NOW]
    monkeypatch.setattr(database, "utcnow", lambda: now[0])
    return now


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Anna Berg",
        "email": "anna@glowlabs.com",
        "company": "Glow Labs",
        "website": "",
        "kind": "ugc_video",
        "deliverables": "2 videos, 30 s",
        "dates": "May",
        "budget": "800",
        "message": "We make serums.",
    }
    data.update(overrides)
    return data


def _send(client, slug: str, address: str = "203.0.113.5", **overrides: str):
    return client.post(
        f"/kit/{slug}/inquire", data=_form(**overrides), environ_base={"REMOTE_ADDR": address}
    )


def _count(session, model, owner_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.owner_id == owner_id))


class TestLanding:
    def test_an_inquiry_makes_a_lead_a_contact_an_inbound_pitch_and_a_timeline_line(
        self, client, session, user, clock
    ) -> None:
        kit = make_kit(session, user)
        response = _send(client, kit.slug)
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/kit/{kit.slug}/inquire/sent")
        brand = session.scalars(select(Brand).where(Brand.owner_id == user.id)).one()
        assert (brand.name, brand.status, brand.website_domain) == (
            "Glow Labs",
            BrandStatus.LEAD,
            "glowlabs.com",
        )
        contact = session.scalars(select(Contact).where(Contact.brand_id == brand.id)).one()
        assert (contact.name, contact.email, contact.is_primary) == (
            "Anna Berg",
            "anna@glowlabs.com",
            True,
        )
        pitch = session.scalars(select(Pitch).where(Pitch.owner_id == user.id)).one()
        assert pitch.inbound and pitch.status is PitchStatus.REPLIED
        assert pitch.contact_id == contact.id
        inquiry = session.scalars(select(Inquiry)).one()
        assert (inquiry.pitch_id, inquiry.budget_cents, inquiry.seen_at) == (pitch.id, 800_00, None)
        line = session.scalars(
            select(BrandActivity).where(BrandActivity.kind == ActivityKind.INQUIRY)
        ).one()
        assert line.pitch_id == pitch.id
        assert "Anna Berg" in line.text and "We make serums." in line.text

    def test_a_second_inquiry_from_the_same_domain_matches_the_brand(
        self, client, session, user, clock
    ) -> None:
        kit = make_kit(session, user)
        _send(client, kit.slug)
        _send(client, kit.slug, name="Ben Ode", email="ben@glowlabs.com", company="GlowLabs Inc")
        assert _count(session, Brand, user.id) == 1
        assert _count(session, Pitch, user.id) == 2
        assert _count(session, Contact, user.id) == 2

    def test_a_free_mailbox_matches_by_name_not_by_domain(self, session, user) -> None:
        make_inquiry(session, user, email="a@gmail.com", company="Alpha")
        make_inquiry(session, user, email="b@gmail.com", company="Beta")
        make_inquiry(session, user, email="c@gmail.com", company="alpha")
        names = sorted(session.scalars(select(Brand.name).where(Brand.owner_id == user.id)))
        assert names == ["Alpha", "Beta"]

    def test_a_matched_brand_keeps_its_details(self, session, user) -> None:
        brand = make_brand(session, user, name="Glow Labs", website="glowlabs.com")
        status = brand.status
        make_inquiry(session, user, company="Totally Else", email="x@glowlabs.com")
        session.refresh(brand)
        assert (brand.name, brand.status) == ("Glow Labs", status)

    def test_the_board_and_the_pitch_page_say_inbound(
        self, logged_in, client, session, user
    ) -> None:
        inquiry = make_inquiry(session, user, company="Board Brand", dates="June")
        board = logged_in.get("/pitches/board").get_data(as_text=True)
        card = board[board.index("Board Brand") :][:600]
        assert "New inquiry" in card and "via your media kit" in card
        page = logged_in.get(f"/pitches/{inquiry.pitch_id}").get_data(as_text=True)
        assert "via your media kit" in page and "June" in page

    def test_the_confirmation_shows_the_rate_card(self, client, session, user) -> None:
        kit = make_kit(session, user, prices={"ugc_video": 450_00})
        page = client.get(f"/kit/{kit.slug}/inquire/sent").get_data(as_text=True)
        assert "UGC video" in page and "$450" in page

    def test_the_kit_page_links_the_form_and_holds_no_token(self, client, session, user) -> None:
        kit = make_kit(session, user)
        page = client.get(f"/kit/{kit.slug}").get_data(as_text=True)
        assert f'href="/kit/{kit.slug}/inquire"' in page
        assert "csrf" not in page
        form = client.get(f"/kit/{kit.slug}/inquire")
        assert form.headers["Cache-Control"] == "no-store"


class TestAbuse:
    def test_a_filled_honeypot_pretends_success_and_stores_nothing(
        self, client, session, user, clock
    ) -> None:
        kit = make_kit(session, user)
        response = _send(client, kit.slug, homepage="http://spam.example")
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/inquire/sent")
        assert _count(session, Brand, user.id) == 0
        assert _count(session, Inquiry, user.id) == 0

    def test_one_address_is_limited_until_the_window_passes(
        self, make_app, session, user, clock
    ) -> None:
        client = make_app(INQUIRY_MAX_PER_ADDRESS=2).test_client()
        kit = make_kit(session, user)
        codes = [_send(client, kit.slug, email=f"a{n}@x.com").status_code for n in range(3)]
        assert codes == [303, 303, 429]
        assert _send(client, kit.slug, address="198.51.100.7").status_code == 303
        clock[0] = NOW + timedelta(
            seconds=client.application.config["LOGIN_THROTTLE_WINDOW_SECONDS"] + 1
        )
        assert _send(client, kit.slug).status_code == 303
        assert _count(session, Inquiry, user.id) == 4

    def test_one_kit_is_limited_from_every_address(self, make_app, session, user, clock) -> None:
        client = make_app(INQUIRY_MAX_PER_KIT=2).test_client()
        kit = make_kit(session, user)
        codes = [_send(client, kit.slug, address=f"198.51.100.{n}").status_code for n in range(3)]
        assert codes == [303, 303, 429]
        assert _count(session, Inquiry, user.id) == 2

    def test_bot_and_invalid_posts_do_not_use_up_the_kits_limit(
        self, make_app, session, user, clock
    ) -> None:
        client = make_app(INQUIRY_MAX_PER_KIT=2).test_client()
        kit = make_kit(session, user)
        for n in range(3):
            _send(client, kit.slug, address=f"198.51.100.{n}", homepage="http://spam.example")
            _send(client, kit.slug, address=f"198.51.100.{n + 10}", email="not-an-email")
        assert _send(client, kit.slug, address="203.0.113.9").status_code == 303
        assert _count(session, Inquiry, user.id) == 1

    @pytest.mark.parametrize(
        ("field", "limit"),
        [("name", 100), ("company", 120), ("deliverables", 500), ("dates", 200), ("message", 3000)],
    )
    def test_length_limits_are_refused_beside_the_field(
        self, client, session, user, clock, field, limit
    ) -> None:
        kit = make_kit(session, user)
        response = _send(client, kit.slug, **{field: "x" * (limit + 1)})
        assert response.status_code == 200
        assert "characters" in response.get_data(as_text=True)
        assert _count(session, Inquiry, user.id) == 0
        assert _send(client, kit.slug, **{field: "x" * limit}).status_code == 303

    def test_html_in_the_message_is_kept_as_plain_text_and_shown_escaped(
        self, logged_in, client, session, user, clock
    ) -> None:
        kit = make_kit(session, user)
        message = "<script>alert(1)</script><b>Hi</b> budget < 500 & > 100"
        _send(client, kit.slug, message=message)
        inquiry = session.scalars(select(Inquiry)).one()
        assert inquiry.message == "alert(1)Hi budget < 500 & > 100"
        for path in (f"/pitches/{inquiry.pitch_id}", "/inbox/"):
            page = logged_in.get(path).get_data(as_text=True)
            assert "<script>" not in page and "<b>Hi" not in page
            assert "alert(1)Hi budget &lt; 500 &amp; &gt; 100" in page

    def test_the_form_needs_its_csrf_token(self, make_app, session, user, clock) -> None:
        client = make_app(WTF_CSRF_ENABLED=True).test_client()
        kit = make_kit(session, user)
        assert _send(client, kit.slug).status_code == 400
        page = client.get(f"/kit/{kit.slug}/inquire").get_data(as_text=True)
        (token,) = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert _send(client, kit.slug, csrf_token=token).status_code == 303

    @pytest.mark.parametrize("path", ["/inquire", "/inquire/sent"])
    def test_a_kit_that_is_off_or_unknown_is_the_same_404(
        self, client, session, user, clock, path
    ) -> None:
        off = make_kit(session, user, enabled=False)
        for slug in (off.slug, "nobody-has-this"):
            assert client.get(f"/kit/{slug}{path}").status_code == 404
        for slug in (off.slug, "nobody-has-this"):
            assert client.post(f"/kit/{slug}/inquire", data=_form()).status_code == 404
        assert _count(session, Inquiry, user.id) == 0

    @pytest.mark.parametrize(
        "overrides",
        [{"email": "not-an-email"}, {"kind": "bogus"}, {"budget": "-5"}, {"budget": "9" * 30},
         {"website": "javascript:alert(1)"}, {"name": "a\nb"}, {"company": "<b></b>"}],
    )  # fmt: skip
    def test_bad_input_is_a_message_not_a_500(self, client, session, user, clock, overrides):
        kit = make_kit(session, user)
        response = _send(client, kit.slug, **overrides)
        assert response.status_code == 200
        assert 'class="error"' in response.get_data(as_text=True)
        assert _count(session, Inquiry, user.id) == 0


class TestTheCreatorIsTold:
    def test_the_badge_counts_new_inquiries_and_unread_answers(
        self, logged_in, client, session, user
    ) -> None:
        make_inquiry(session, user)
        make_inquiry(session, user)
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item)
        client.post(f"/approve/{made.token}", data={"deliverable": item.id, "action": "approve"})
        assert services.inbox_count(session, user.id) == 3
        page = logged_in.get("/dashboard").get_data(as_text=True)
        assert re.search(r"Inbox <span class=\"badge[^\"]*\">3<", page)
        assert logged_in.post("/inbox/read").status_code == 303
        assert services.inbox_count(session, user.id) == 0
        assert "Inbox <span" not in logged_in.get("/dashboard").get_data(as_text=True)

    def test_the_inbox_lists_inquiries_linking_their_pitches(self, logged_in, session, user):
        inquiry = make_inquiry(session, user, company="Listed Brand")
        page = logged_in.get("/inbox/").get_data(as_text=True)
        assert "Listed Brand" in page and f'href="/pitches/{inquiry.pitch_id}"' in page
        assert "1 new" in page

    def test_another_creators_inquiries_are_not_counted(self, session, user, other_user):
        make_inquiry(session, other_user)
        assert services.inbox_count(session, user.id) == 0

    def test_the_inquiry_routes_need_no_login_and_the_inbox_does(self, client, session, user):
        kit = make_kit(session, user)
        assert client.get(f"/kit/{kit.slug}/inquire").status_code == 200
        assert client.get(f"/kit/{kit.slug}/inquire/sent").status_code == 200
        assert client.get("/inbox/").status_code == 302
        assert client.post("/inbox/read").status_code == 302


class TestMail:
    def test_the_brand_gets_the_rate_card_and_the_creator_a_note(
        self,
        make_app,
        session,
        user,
        clock,
        start_server,  # noqa: F811
    ) -> None:
        inbox = Inbox()
        app = make_app(SMTP_URL=f"smtp://{HOST}:{start_server(inbox)}")
        kit = make_kit(session, user, prices={"ugc_video": 450_00})
        _send(app.test_client(), kit.slug).close()
        to_brand, to_creator = inbox.messages
        assert to_brand["To"].endswith("anna@glowlabs.com") and "$450" in to_brand.get_content()
        assert to_creator["To"] == user.email
        assert "Glow Labs" in to_creator.get_content()

    def test_the_brands_confirmation_carries_none_of_what_they_typed(
        self,
        make_app,
        session,
        user,
        clock,
        start_server,  # noqa: F811
    ) -> None:
        inbox = Inbox()
        app = make_app(SMTP_URL=f"smtp://{HOST}:{start_server(inbox)}")
        kit = make_kit(session, user, prices={"ugc_video": 450_00})
        typed = {
            "name": "Buy cheap pills",
            "company": "Pills Now Ltd",
            "deliverables": "visit pills.example",
            "dates": "today only",
            "message": "Click http://pills.example for deals",
        }
        _send(app.test_client(), kit.slug, **typed).close()
        to_brand, to_creator = inbox.messages
        text = to_brand["Subject"] + to_brand["To"] + to_brand.get_content()
        assert "$450" in text
        assert not [words for words in typed.values() if words in text]
        assert "pills.example" not in text
        assert "Click http://pills.example" in to_creator.get_content()

    def test_confirmations_to_one_email_stop_for_a_day_the_inquiries_do_not(
        self,
        make_app,
        session,
        user,
        clock,
        start_server,  # noqa: F811
    ) -> None:
        inbox = Inbox()
        app = make_app(SMTP_URL=f"smtp://{HOST}:{start_server(inbox)}", INQUIRY_MAX_PER_EMAIL=2)
        client = app.test_client()
        kit = make_kit(session, user)

        def brand_mails(email: str, address: str) -> int:
            before = len(inbox.messages)
            _send(client, kit.slug, address=address, email=email).close()
            return sum(m["To"].endswith(user.email) is False for m in inbox.messages[before:])

        spellings = ["victim@example.com", "Victim@Example.com", " victim@EXAMPLE.com"]
        sent = [brand_mails(email, f"198.51.100.{n}") for n, email in enumerate(spellings)]
        assert sent == [1, 1, 0]
        assert brand_mails("someone-else@example.com", "198.51.100.9") == 1
        clock[0] = NOW + timedelta(seconds=app.config["LOGIN_THROTTLE_WINDOW_SECONDS"] + 1)
        assert brand_mails("victim@example.com", "198.51.100.10") == 0
        clock[0] = NOW + timedelta(days=1, seconds=1)
        assert brand_mails("victim@example.com", "198.51.100.11") == 1
        assert _count(session, Inquiry, user.id) == 6
        assert sum(m["To"] == user.email for m in inbox.messages) == 6


def test_an_inquirys_kind_reads_as_the_rate_card_says_it() -> None:
    from crm.inquiries.models import InquiryKind
    from crm.kit.rate_card import LABELS

    assert {kind.value for kind in InquiryKind} == set(LABELS) | {"other"}
    assert {kind: InquiryKind(kind).label for kind in LABELS} == LABELS
    assert InquiryKind.OTHER.label == "Something else"


def test_the_demo_has_a_couple_of_inquiries(session) -> None:
    from crm.demo import ensure_demo_account
    from crm.inquiries import demo

    user, _created = ensure_demo_account(session, "fast")
    inquiries = session.scalars(select(Inquiry).where(Inquiry.owner_id == user.id)).all()
    assert len(inquiries) == 2 and all(i.pitch.inbound for i in inquiries)
    assert demo.populate(session, user) is False  # once
