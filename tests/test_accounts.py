"""Accounts: registration, login, sessions that really end, throttling, password storage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import extract_parameters
from sqlalchemy import func, select

from crm.accounts import passwords, services
from crm.accounts.login import is_safe_next
from crm.accounts.models import LoginSession, User
from tests.factories import TEST_PASSWORD


def _register(client, email="new@example.com", password="long-enough-pw", confirm=None):
    return client.post(
        "/register",
        data={"email": email, "password": password, "confirm": confirm or password},
    )


def test_register_creates_an_account_and_logs_in(client, session) -> None:
    response = _register(client, email="New.Creator@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/profile"
    user = session.scalars(select(User)).one()
    assert user.email == "new.creator@example.com"
    assert user.password_hash.startswith("$argon2id$")
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "password": "long-enough-pw"}, b"Enter an email address"),
        ({"email": "a@example.com", "password": "short"}, b"Use at least 10 characters"),
        ({"email": "", "password": "long-enough-pw"}, b"This field is required"),
    ],
)
def test_register_refuses_bad_input_beside_the_field(client, session, data, message) -> None:
    response = _register(client, **data)
    assert response.status_code == 200
    assert message in response.data
    assert b'class="error"' in response.data
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_register_refuses_mismatched_passwords(client) -> None:
    response = _register(client, confirm="something-else")
    assert b"The passwords don&#39;t match." in response.data


def test_register_refuses_a_taken_email_whatever_its_case(client, user) -> None:
    response = _register(client, email=user.email.upper())
    assert response.status_code == 200
    assert b"An account with this email already exists." in response.data


def test_login_with_wrong_password_or_unknown_email_says_the_same(client, auth, user) -> None:
    wrong = auth.login(user.email, "wrong-password")
    unknown = auth.login("nobody@example.com", "wrong-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b"That email and password don&#39;t match an account." in response.data
    assert client.get("/dashboard").status_code == 302


def test_login_renews_the_session(client, auth, user) -> None:
    with client.session_transaction() as cookie_session:
        cookie_session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as cookie_session:
        assert "planted" not in cookie_session
        assert cookie_session.permanent


def test_session_cookie_flags(make_app, user) -> None:
    app = make_app()
    client = app.test_client()
    response = client.post(
        "/login",
        data={"email": user.email, "password": TEST_PASSWORD},
        base_url="https://localhost",
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    assert app.permanent_session_lifetime <= timedelta(days=31)


def test_the_cookie_is_secure_over_https_only(client, user) -> None:
    data = {"email": user.email, "password": TEST_PASSWORD}
    over_https = client.post("/login", data=data, base_url="https://localhost")
    assert "Secure" in over_https.headers["Set-Cookie"]
    client.post("/logout", base_url="https://localhost")
    over_http = client.post("/login", data=data)
    assert "Secure" not in over_http.headers["Set-Cookie"]


def _copy_cookie(source, target) -> None:
    cookie = source.get_cookie("session")
    target.set_cookie("session", cookie.value)


def test_logout_ends_the_session_on_the_server(app, client, auth, user) -> None:
    auth.login()
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert thief.get("/dashboard").status_code == 200
    auth.logout()
    assert thief.get("/dashboard").status_code == 302  # the copied cookie is dead


def test_password_change_ends_every_other_session(app, client, auth, user, session) -> None:
    auth.login()
    other_device = app.test_client()
    _copy_cookie(client, other_device)
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a-brand-new-password",
            "confirm": "a-brand-new-password",
        },
    )
    assert response.status_code == 302
    assert other_device.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 200  # this browser keeps a fresh session
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 1
    auth.logout()
    assert auth.login(user.email, "a-brand-new-password").status_code == 302


def test_password_change_needs_the_current_password(logged_in) -> None:
    response = logged_in.post(
        "/account/password",
        data={"current_password": "wrong", "new_password": "x" * 12, "confirm": "x" * 12},
    )
    assert response.status_code == 200
    assert b"That is not your current password." in response.data


def test_expired_login_sessions_do_not_authenticate(client, auth, session, user) -> None:
    auth.login()
    for row in session.scalars(select(LoginSession)):
        row.expires_at = row.created_at - timedelta(seconds=1)
    session.commit()
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/brands?page=2", True),
        ("/", True),
        ("//evil.example/", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_next_redirects_only_to_local_paths(target, safe) -> None:
    assert is_safe_next(target) is safe


def test_login_follows_a_local_next_and_ignores_a_foreign_one(client, user) -> None:
    data = {"email": user.email, "password": TEST_PASSWORD}
    local = client.post("/login?next=/stats/", data=data)
    assert local.headers["Location"] == "/stats/"
    client.post("/logout")
    foreign = client.post("/login?next=https://evil.example/", data=data)
    assert foreign.headers["Location"] == "/dashboard"


def test_production_password_hash_meets_the_owasp_floor() -> None:
    params = extract_parameters(passwords.hash_password("a-password-to-hash", "owasp"))
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024
    assert params.time_cost >= 2


def test_the_default_config_uses_the_owasp_profile() -> None:
    from crm.config import DEFAULTS

    assert DEFAULTS["PASSWORD_HASH_PROFILE"] == "owasp"


def test_a_weaker_hash_is_upgraded_at_login(app, session, user) -> None:
    from crm.accounts.throttle import DatabaseCounter, Limits, Throttle

    counter = DatabaseCounter(app.extensions["crm.db"].sessionmaker, timedelta(minutes=15))
    throttle = Throttle(counter, Limits())
    services.authenticate(session, throttle, user.email, TEST_PASSWORD, "127.0.0.1", "owasp")
    assert extract_parameters(user.password_hash).memory_cost == 64 * 1024


def _wrong_current(client, times: int):
    response = None
    for _ in range(times):
        response = client.post(
            "/account/password",
            data={
                "current_password": "not-my-password",
                "new_password": "a-brand-new-passphrase",
                "confirm": "a-brand-new-passphrase",
            },
        )
    return response


def test_the_current_password_check_is_throttled_and_counted_first(logged_in, monkeypatch) -> None:
    assert _wrong_current(logged_in, 5).status_code == 200
    checks: list[str] = []
    monkeypatch.setattr(services, "verify_password", lambda *a: checks.append("x") or True)
    response = logged_in.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a-brand-new-passphrase",
            "confirm": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 429
    assert b"Too many wrong passwords" in response.data
    assert checks == []


def test_the_right_current_password_clears_its_count(logged_in) -> None:
    _wrong_current(logged_in, 4)
    response = logged_in.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a-brand-new-passphrase",
            "confirm": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert _wrong_current(logged_in, 5).status_code == 200
