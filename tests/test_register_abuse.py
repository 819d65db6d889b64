"""Registration: rate-limited, the same work both ways, the same answer where mail is set up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm import database
from crm.accounts import services
from crm.accounts.models import User
from crm.config import ConfigError
from tests.test_emails_smtp import HOST, Inbox, start_server  # noqa: F401

PASSWORD = "a-long-fresh-passphrase"


def _register(client, email: str, address: str = "203.0.113.9", password: str = PASSWORD):
    return client.post(
        "/register",
        data={"email": email, "password": password, "confirm": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_registration_is_rate_limited_per_address(client) -> None:
    for n in range(10):
        assert _register(client, f"new{n}@example.com").headers["Location"] == "/profile"
        client.post("/logout")
    assert _register(client, "one-more@example.com").status_code == 429
    assert _register(client, "one-more@example.com", address="198.51.100.3").status_code == 302


def test_a_taken_email_costs_the_same_hash_as_a_new_one(client, user, monkeypatch) -> None:
    hashed: list[str] = []
    real = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda *a: hashed.append("x") or real(*a))
    _register(client, user.email)
    _register(client, "brand-new@example.com")
    assert hashed == ["x", "x"]


@pytest.fixture
def mailing(make_app, start_server):  # noqa: F811
    inbox = Inbox()
    port = start_server(inbox)
    return make_app(SMTP_URL=f"smtp://{HOST}:{port}").test_client(), inbox


def test_with_mail_the_page_is_the_same_for_known_and_new_emails(mailing, user) -> None:
    client, _inbox = mailing
    known = client.post("/register", data={"email": user.email})
    new = client.post("/register", data={"email": "brand-new@example.com"})
    assert known.status_code == new.status_code == 200
    assert known.data.replace(user.email.encode(), b"E") == new.data.replace(
        b"brand-new@example.com", b"E"
    )


def test_with_mail_a_known_email_is_told_someone_tried(mailing, user) -> None:
    client, inbox = mailing
    client.post("/register", data={"email": user.email}).close()
    (message,) = inbox.messages
    assert message["Subject"] == "Someone tried to sign up with your address"
    assert "http://crm.test/password/reset" in message.get_content()


def test_with_mail_sign_up_finishes_through_the_emailed_link(mailing, session) -> None:
    client, inbox = mailing
    client.post("/register", data={"email": "Brand-New@Example.com"}).close()
    assert session.scalar(select(func.count()).select_from(User)) == 0
    (message,) = inbox.messages
    (path,) = re.findall(r"http://crm\.test(/register/finish/\S+)", message.get_content())
    assert b"brand-new@example.com" in client.get(path).data
    response = client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert session.scalars(select(User.email)).all() == ["brand-new@example.com"]
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    assert client.post(path, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_with_mail_one_address_gets_at_most_three_sign_up_mails(mailing) -> None:
    client, inbox = mailing
    answers = []
    for n in range(5):  # five different client addresses: the per-address limit never bites
        response = client.post(
            "/register",
            data={"email": "victim@example.com"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n + 1}"},
        )
        answers.append(response.status_code)
        response.close()
    assert answers == [200, 200, 200, 429, 429]
    assert len(inbox.messages) == 3


def test_a_sign_up_link_expires_after_a_day(mailing, monkeypatch) -> None:
    client, inbox = mailing
    client.post("/register", data={"email": "late@example.com"}).close()
    (path,) = re.findall(r"http://crm\.test(/register/finish/\S+)", inbox.messages[0].get_content())
    later = database.utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(database, "utcnow", lambda: later)
    assert b"This link has expired" in client.get(path).data


def test_a_forged_sign_up_link_is_refused(client) -> None:
    assert b"This link has expired" in client.get("/register/finish/forged.token.here").data


def test_hosted_mail_without_a_base_url_refuses_to_start(tmp_path) -> None:
    from crm.config import build

    with pytest.raises(ConfigError, match="CRM_BASE_URL is required"):
        build(
            tmp_path,
            {
                "DATABASE_URL": "postgresql+psycopg://h/crm",
                "SECRET_KEY": "k",
                "SMTP_URL": "smtp://127.0.0.1:25",
                "BASE_URL": "",
            },
        )


def test_without_a_base_url_links_use_only_a_loopback_host(make_app) -> None:
    from crm.accounts.mail import LOCAL_BASE_URL, absolute_url

    app = make_app(BASE_URL="")
    with app.test_request_context("/register", base_url="http://127.0.0.1:5123"):
        assert absolute_url("accounts.login") == "http://127.0.0.1:5123/login"
    with app.test_request_context("/register", base_url="http://localhost:8000"):
        assert absolute_url("accounts.login") == "http://localhost:8000/login"
    # A Host header from outside never makes the link: a reset link must not go elsewhere.
    for host in ("http://evil.example", "http://laptop:5000", "http://127.0.0.1.evil.example"):
        with app.test_request_context("/register", base_url=host):
            assert absolute_url("accounts.login") == f"{LOCAL_BASE_URL}/login"


def test_a_base_url_wins_over_the_requests_host(make_app) -> None:
    from crm.accounts.mail import absolute_url

    app = make_app(BASE_URL="https://crm.example.com/")
    with app.test_request_context("/register", base_url="http://evil.example"):
        assert absolute_url("accounts.login") == "https://crm.example.com/login"
