"""Sending by SMTP, against a real SMTP server on loopback (aiosmtpd), never a mock."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select

from crm.emails import smtp, views
from crm.emails.smtp import SmtpConfigError, parse_smtp_url
from crm.pitches.models import Pitch
from crm.pitches.models import PitchStatus as S
from crm.timeline.models import BrandActivity
from tests.conftest import Auth
from tests.factories_brands import make_brand, make_contact
from tests.factories_pitches import NOW, make_pitch

HOST = "127.0.0.1"


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses at RCPT or DATA."""

    def __init__(self, refuse_rcpt: str = "", refuse_data: str = "") -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self.refuse_rcpt = refuse_rcpt
        self.refuse_data = refuse_data

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_server() -> Iterator[Any]:
    """Start an SMTP server on a free loopback port; stopped after the test."""
    started: list[Controller] = []

    def start(handler: Inbox, **server_kwargs: Any) -> int:
        port = free_port()
        controller = Controller(handler, hostname=HOST, port=port, **server_kwargs)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(views, "utcnow", lambda: NOW)
    monkeypatch.setattr(smtp, "utcnow", lambda: NOW)


@pytest.fixture
def sending(make_app, session, user, fixed_clock):
    """A logged-in client of an app configured with `smtp_url`, and a draft pitch to send."""
    user.display_name, user.tiktok_handle = "Maya Lopez", "maya.makes.home"
    session.commit()
    brand = make_brand(session, user, name="Glow Co")
    contact = make_contact(
        session, user, brand, name="Dana Reyes", email="dana@glow.co", is_primary=True
    )
    pitch = make_pitch(session, user, brand, contact_id=contact.id)

    def client_for(smtp_url: str, **config: Any):
        client = make_app(SMTP_URL=smtp_url, **config).test_client()
        Auth(client).login(user.email)
        return client, pitch

    return client_for


FORM = {
    "kind": "ugc_pitch",
    "subject": "UGC videos for Glow Co — Zoë's idea",
    "body": "Hi Dana,\n\nThree videos & a hook?\n\nMaya",
    "quoted_rate": "300",
}


def timeline(session, pitch: Pitch) -> list[str]:
    return list(
        session.scalars(select(BrandActivity.text).where(BrandActivity.pitch_id == pitch.id))
    )


def test_a_sent_email_arrives_from_the_creator_and_the_pitch_is_sent(
    start_server, sending, session
) -> None:
    inbox = Inbox()
    port = start_server(inbox)
    client, pitch = sending(f"smtp://{HOST}:{port}")
    page = client.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert f'formaction="/emails/pitches/{pitch.id}/send">Send to dana@glow.co' in page

    response = client.post(f"/emails/pitches/{pitch.id}/send", data=FORM)

    assert response.status_code == 302
    (message,) = inbox.messages
    assert message["From"] == "Maya Lopez <creator@example.com>"
    assert message["Reply-To"] is None
    assert message["To"] == "Dana Reyes <dana@glow.co>"
    assert message["Subject"] == "UGC videos for Glow Co — Zoë's idea"
    assert (
        message.get_content().replace("\r\n", "\n")
        == "Hi Dana,\n\nThree videos & a hook?\n\nMaya\n"
    )
    assert inbox.envelopes[0].mail_from == "creator@example.com"
    assert inbox.envelopes[0].rcpt_tos == ["dana@glow.co"]
    session.refresh(pitch)
    assert pitch.status == S.SENT and pitch.sent_at == NOW
    assert (pitch.quoted_cents, pitch.subject) == (30_000, FORM["subject"])
    assert any("emailed to dana@glow.co" in line for line in timeline(session, pitch))


def test_with_a_server_sender_the_creator_is_the_reply_to(start_server, sending) -> None:
    inbox = Inbox()
    port = start_server(inbox)
    client, pitch = sending(f"smtp://{HOST}:{port}?from=pitches@crm.example")
    client.post(f"/emails/pitches/{pitch.id}/send", data=FORM)
    (message,) = inbox.messages
    assert message["From"] == "Maya Lopez <pitches@crm.example>"
    assert message["Reply-To"] == "Maya Lopez <creator@example.com>"


def test_a_follow_up_sent_by_smtp_is_logged_against_the_cadence(
    start_server, sending, session
) -> None:
    inbox = Inbox()
    port = start_server(inbox)
    client, pitch = sending(f"smtp://{HOST}:{port}")
    pitch.status, pitch.sent_at = S.SENT, NOW
    session.commit()
    data = {"kind": "first_followup", "subject": "Re: hi", "body": "Just bumping this."}
    client.post(f"/emails/pitches/{pitch.id}/send", data=data)
    assert len(inbox.messages) == 1
    session.refresh(pitch)
    assert pitch.followups_sent == 1


@pytest.mark.parametrize(
    "handler",
    [
        Inbox(refuse_rcpt="550 5.1.1 No such user here"),
        Inbox(refuse_data="550 5.7.1 Message rejected as spam"),
    ],
    ids=["rcpt", "data"],
)
def test_a_refusing_server_shows_the_error_and_leaves_a_draft(
    start_server, sending, session, handler
) -> None:
    port = start_server(handler)
    client, pitch = sending(f"smtp://{HOST}:{port}")
    before = timeline(session, pitch)
    response = client.post(f"/emails/pitches/{pitch.id}/send", data=FORM)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not sent: The mail server refused" in page and "550" in page
    assert "Nothing was marked sent." in page
    assert "Three videos &amp; a hook?" in page  # the edited text is still there
    session.refresh(pitch)
    assert pitch.status == S.DRAFT and pitch.sent_at is None
    assert timeline(session, pitch) == before
    assert handler.messages == []


def test_a_failed_login_is_explained(start_server, sending, session) -> None:
    def refuse(server, session_, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    port = start_server(Inbox(), authenticator=refuse, auth_require_tls=False)
    client, pitch = sending(f"smtp://maya%40example.com:wrong@{HOST}:{port}")
    page = client.post(f"/emails/pitches/{pitch.id}/send", data=FORM).get_data(as_text=True)
    assert "refused the login" in page and "535" in page
    session.refresh(pitch)
    assert pitch.status == S.DRAFT


def test_a_login_with_an_encoded_user_name_works(start_server, sending) -> None:
    seen: list[tuple[bytes, bytes]] = []

    def accept(server, session_, envelope, mechanism, auth_data):
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = Inbox()
    port = start_server(inbox, authenticator=accept, auth_require_tls=False)
    client, pitch = sending(f"smtp://maya%40example.com:p%40ss@{HOST}:{port}")
    client.post(f"/emails/pitches/{pitch.id}/send", data=FORM)
    assert seen == [(b"maya@example.com", b"p@ss")]
    assert len(inbox.messages) == 1


def test_a_refused_connection_is_explained(sending, session) -> None:
    port = free_port()  # nothing listens there
    client, pitch = sending(f"smtp://{HOST}:{port}")
    page = client.post(f"/emails/pitches/{pitch.id}/send", data=FORM).get_data(as_text=True)
    assert "Couldn&#39;t connect to the mail server" in page and "refused" in page
    session.refresh(pitch)
    assert pitch.status == S.DRAFT


def test_a_silent_server_times_out_after_the_configured_time(sending, session) -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen(1)  # accepts the connection, never says hello
        port = silent.getsockname()[1]
        client, pitch = sending(f"smtp://{HOST}:{port}", SMTP_TIMEOUT=0.3)
        page = client.post(f"/emails/pitches/{pitch.id}/send", data=FORM).get_data(True)
    assert "didn&#39;t answer within 0.3 seconds" in page
    session.refresh(pitch)
    assert pitch.status == S.DRAFT


def test_a_wrong_smtp_url_is_logged_and_the_page_says_sending_is_off(sending, caplog) -> None:
    client, pitch = sending("smtp://mail.example.com:587?tls=1")
    page = client.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "unknown setting 'tls'" in caplog.text  # for whoever runs the server
    assert "Sending from the app is off on this server" in page
    assert "CRM_" not in page and "tls" not in page
    assert "/send" not in page


def test_no_send_button_without_the_contacts_address(start_server, sending, session) -> None:
    port = start_server(Inbox())
    client, pitch = sending(f"smtp://{HOST}:{port}")
    pitch.contact.email = ""
    session.commit()
    page = client.get(f"/emails/pitches/{pitch.id}").get_data(as_text=True)
    assert "/send" not in page
    assert "Add Dana Reyes's email address" in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:8025", ("127.0.0.1", 8025, False, False, "", "")),
        ("smtp://mail.example.com", ("mail.example.com", 25, False, False, "", "")),
        (
            "smtp://user:pa%3Ass@mail.example.com:587?starttls=1",
            ("mail.example.com", 587, False, True, "user", "pa:ss"),
        ),
        (
            "smtp://u:p@mail.example.com?starttls=true",
            ("mail.example.com", 587, False, True, "u", "p"),
        ),
        ("smtps://u:p@mail.example.com", ("mail.example.com", 465, True, False, "u", "p")),
    ],
)
def test_smtp_urls_are_read(url: str, expected: tuple) -> None:
    s = parse_smtp_url(url, timeout=7)
    assert (s.host, s.port, s.use_ssl, s.starttls, s.username, s.password) == expected
    assert s.timeout == 7


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://mail.example.com", "smtp:// or smtps://"),
        ("smtp://:25", "needs a host"),
        ("smtp://mail.example.com:port", "port"),
        ("smtp://mail.example.com?starttls=maybe", "starttls must be 1 or 0"),
        ("smtps://mail.example.com?starttls=1", "TLS already"),
        ("smtp://mail.example.com?tls=1", "unknown setting"),
    ],
)
def test_bad_smtp_urls_say_what_is_wrong(url: str, words: str) -> None:
    with pytest.raises(SmtpConfigError, match=words):
        parse_smtp_url(url)
