"""Password reset: single-use hashed links, one hour, every session ended; mail or CLI."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm import database
from crm.accounts.models import LoginSession, PasswordReset
from crm.accounts.resets import start_password_reset
from tests.factories import TEST_PASSWORD
from tests.test_emails_smtp import HOST, Inbox, start_server  # noqa: F401

NEW = "a-brand-new-passphrase"


def _token(session, user) -> str:
    token = start_password_reset(session, user, database.utcnow())
    session.commit()
    return token


def _use(client, token: str, password: str = NEW):
    return client.post(f"/password/reset/{token}", data={"password": password, "confirm": password})


def test_a_reset_link_sets_the_password_and_ends_every_session(
    make_app, session, user, auth
) -> None:
    elsewhere = make_app().test_client()
    auth.login(user.email)
    elsewhere.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 2
    response = _use(make_app().test_client(), _token(session, user))
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0
    assert elsewhere.get("/dashboard").status_code == 302
    assert auth.login(user.email, NEW).status_code == 302


def test_the_token_is_stored_only_as_its_sha256(session, user) -> None:
    token = _token(session, user)
    row = session.scalars(select(PasswordReset)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.expires_at - row.created_at == timedelta(hours=1)


def test_a_link_works_once(client, session, user) -> None:
    token = _token(session, user)
    assert _use(client, token).status_code == 302
    response = _use(client, token, "another-new-passphrase")
    assert b"This link has expired" in response.data


def test_using_a_link_invalidates_the_other_links(client, session, user) -> None:
    first, second = _token(session, user), _token(session, user)
    assert _use(client, second).status_code == 302
    assert b"This link has expired" in client.get(f"/password/reset/{first}").data


def test_a_link_expires_after_an_hour(client, session, user, monkeypatch) -> None:
    token = _token(session, user)
    later = database.utcnow() + timedelta(minutes=61)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    assert b"This link has expired" in _use(client, token).data


def test_a_reset_keeps_the_password_rules_beside_the_field(client, session, user) -> None:
    response = _use(client, _token(session, user), "1234567890123")
    assert b"only digits" in response.data
    assert b'class="error"' in response.data


def test_a_forged_link_is_refused(client, user) -> None:
    assert b"This link has expired" in client.get("/password/reset/not-a-token").data


def _request(client, email: str, address: str = "203.0.113.5"):
    return client.post(
        "/password/reset", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def test_the_request_page_answers_the_same_for_known_and_unknown_emails(client, user) -> None:
    known = _request(client, user.email).data.replace(user.email.encode(), b"EMAIL")
    unknown = _request(client, "nobody@example.com").data.replace(b"nobody@example.com", b"EMAIL")
    assert known == unknown


def test_reset_requests_are_throttled_per_account(client, user) -> None:
    codes = [_request(client, user.email, f"192.0.2.{n}").status_code for n in range(1, 5)]
    assert codes == [200, 200, 200, 429]


def test_reset_requests_are_throttled_per_address(client) -> None:
    codes = [_request(client, f"n{n}@example.com").status_code for n in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_the_link_goes_out_by_smtp_after_the_response(
    make_app,
    session,
    user,
    start_server,  # noqa: F811
) -> None:
    inbox = Inbox()
    port = start_server(inbox)
    client = make_app(SMTP_URL=f"smtp://{HOST}:{port}").test_client()
    response = _request(client, user.email)
    assert inbox.messages == []  # nothing is sent before the page is written
    response.close()
    (message,) = inbox.messages
    assert message["To"] == user.email
    body = message.get_content()
    (token,) = re.findall(r"http://crm\.test/password/reset/(\S+)", body)
    assert _use(client, token).status_code == 302


def test_an_unknown_email_gets_no_mail(make_app, start_server) -> None:  # noqa: F811
    inbox = Inbox()
    port = start_server(inbox)
    client = make_app(SMTP_URL=f"smtp://{HOST}:{port}").test_client()
    _request(client, "nobody@example.com").close()
    assert inbox.messages == []


def test_the_cli_prints_a_working_reset_link(runner, client, user) -> None:
    result = runner.invoke(args=["user", "reset-password", user.email.upper()])
    assert result.exit_code == 0, result.output
    (token,) = re.findall(r"http://crm\.test/password/reset/(\S+)", result.output)
    assert _use(client, token).status_code == 302


def test_the_cli_refuses_an_unknown_email_with_one_error_line(runner) -> None:
    result = runner.invoke(args=["user", "reset-password", "nobody@example.com"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: No account has the email 'nobody@example.com'."
    ]


@pytest.mark.parametrize("mail", [False, True])
def test_the_login_page_links_to_the_reset(make_app, mail) -> None:
    client = make_app(SMTP_URL="smtp://127.0.0.1:5638" if mail else "").test_client()
    assert b'href="/password/reset"' in client.get("/login").data


def test_without_mail_the_answer_is_the_same_and_names_no_command(client, user) -> None:
    known = client.post("/password/reset", data={"email": user.email}).get_data(as_text=True)
    unknown = client.post("/password/reset", data={"email": "nobody@example.com"})
    text = unknown.get_data(as_text=True)
    assert known.replace(user.email, "EMAIL") == text.replace("nobody@example.com", "EMAIL")
    assert "Ask whoever runs it" in text
    assert "crm user" not in text and "CRM_" not in text
    assert "spam folder" not in text  # nothing was sent
