"""Login sessions: an idle timeout beside the absolute one; one CSRF secret from login on."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from crm import database
from tests.factories import TEST_PASSWORD


def _move_clock(monkeypatch, by: timedelta) -> None:
    later = database.utcnow() + by
    monkeypatch.setattr(database, "utcnow", lambda: later)


def test_a_session_ends_after_the_idle_timeout(logged_in, monkeypatch) -> None:
    _move_clock(monkeypatch, timedelta(days=7, minutes=1))
    response = logged_in.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_requests_keep_a_session_alive_past_the_idle_timeout(logged_in, monkeypatch) -> None:
    for _ in range(3):  # 12 days in all: past the 7-day idle timeout, inside the lifetime
        _move_clock(monkeypatch, timedelta(days=4))
        assert logged_in.get("/dashboard").status_code == 200


def test_the_idle_timeout_is_a_setting(make_app, user, monkeypatch) -> None:
    client = make_app(SESSION_IDLE_HOURS=1).test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    _move_clock(monkeypatch, timedelta(minutes=30))
    assert client.get("/dashboard").status_code == 200
    _move_clock(monkeypatch, timedelta(minutes=61))
    assert client.get("/dashboard").status_code == 302


def test_a_copied_cookie_goes_stale_with_its_own_last_seen_time(
    logged_in, make_app, monkeypatch
) -> None:
    cookie = logged_in.get_cookie("session").value
    _move_clock(monkeypatch, timedelta(days=6))
    assert logged_in.get("/dashboard").status_code == 200  # the owner keeps using it
    thief = make_app().test_client()
    thief.set_cookie("session", cookie)
    _move_clock(monkeypatch, timedelta(days=2))
    assert logged_in.get("/dashboard").status_code == 200
    assert thief.get("/dashboard").status_code == 302


def test_the_absolute_lifetime_still_ends_a_busy_session(make_app, user, monkeypatch) -> None:
    client = make_app(SESSION_LIFETIME_HOURS=48).test_client()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    for _ in range(3):
        _move_clock(monkeypatch, timedelta(hours=20))
        status = client.get("/dashboard").status_code
    assert status == 302


def test_a_get_writes_nothing_to_the_database(logged_in, count_queries, monkeypatch) -> None:
    _move_clock(monkeypatch, timedelta(hours=3))  # old enough to refresh last-seen
    with count_queries() as statements:
        assert logged_in.get("/dashboard").status_code == 200
    writes = [s for s in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)", s, re.I)]
    assert writes == []


def _sets_cookie(response) -> bool:
    return any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))


def test_a_request_soon_after_another_sends_no_cookie(logged_in, monkeypatch) -> None:
    _move_clock(monkeypatch, timedelta(minutes=4))  # inside the 5-minute step
    for path in ("/dashboard", "/brands/", "/profile"):
        response = logged_in.get(path)
        assert response.status_code == 200
        assert not _sets_cookie(response), path


def test_a_request_after_the_step_refreshes_the_cookie_once(logged_in, monkeypatch) -> None:
    _move_clock(monkeypatch, timedelta(minutes=6))
    assert _sets_cookie(logged_in.get("/dashboard"))
    assert not _sets_cookie(logged_in.get("/dashboard"))  # the new stamp is fresh


def test_the_step_shrinks_with_a_short_idle_timeout(make_app, user, monkeypatch) -> None:
    client = make_app(SESSION_IDLE_HOURS=0.5).test_client()  # step: 30 min / 12 = 2.5 min
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    _move_clock(monkeypatch, timedelta(minutes=2))
    assert not _sets_cookie(client.get("/dashboard"))
    _move_clock(monkeypatch, timedelta(minutes=3))
    assert _sets_cookie(client.get("/dashboard"))


@pytest.mark.parametrize(("quiet_minutes", "still_in"), [(54, True), (57, False)])
def test_the_idle_timeout_counts_from_a_stamp_at_most_one_step_old(
    make_app, user, monkeypatch, quiet_minutes, still_in
) -> None:
    client = make_app(SESSION_IDLE_HOURS=1).test_client()  # step: 5 minutes
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    _move_clock(monkeypatch, timedelta(minutes=4))
    assert not _sets_cookie(client.get("/dashboard"))  # the stamp stays at login time
    _move_clock(monkeypatch, timedelta(minutes=quiet_minutes))
    # Idle for 54 minutes: still in (58 after the stamp). For 57: out (61 after the stamp),
    # within one step (5 minutes) of where an exact idle timeout would end it.
    assert (client.get("/dashboard").status_code == 200) is still_in


def test_a_flash_still_sends_the_cookie(logged_in) -> None:
    response = logged_in.post("/logout")
    assert _sets_cookie(response)
    assert logged_in.get("/dashboard").status_code == 302


# Two tabs after login: both pages must carry forms that work.


@pytest.fixture
def csrf_client(make_app) -> FlaskClient:
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def _csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1).decode()


def _cookie_after(client: FlaskClient, path: str, cookie: str) -> tuple[bytes, str]:
    """Load `path` with exactly `cookie`, as a tab that has not seen any other response."""
    client.set_cookie("session", cookie)
    response = client.get(path)
    after = client.get_cookie("session")
    return response.data, after.value if after else cookie


@pytest.mark.parametrize("first_page", ["/stats/", "/profile"])
def test_two_pages_loaded_at_once_after_login_share_one_csrf_secret(
    csrf_client, user, first_page
) -> None:
    login_page = csrf_client.get("/login").data
    csrf_client.post(
        "/login",
        data={
            "email": user.email,
            "password": TEST_PASSWORD,
            "csrf_token": _csrf_token(login_page),
        },
    )
    cookie_at_login = csrf_client.get_cookie("session").value
    first_html, _ = _cookie_after(csrf_client, first_page, cookie_at_login)
    _, second_cookie = _cookie_after(csrf_client, "/account/password", cookie_at_login)
    csrf_client.set_cookie("session", second_cookie)
    response = csrf_client.post(
        "/logout", data={"csrf_token": _csrf_token(first_html)}
    )  # the first tab's form, the second tab's cookie
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_registration_also_creates_the_csrf_secret(make_app) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/register").data
    password = "a-long-fresh-passphrase"
    client.post(
        "/register",
        data={
            "email": "tabs@example.com",
            "password": password,
            "confirm": password,
            "csrf_token": _csrf_token(page),
        },
    )
    cookie = client.get_cookie("session").value
    first, _ = _cookie_after(client, "/stats/", cookie)
    _, second = _cookie_after(client, "/profile", cookie)
    client.set_cookie("session", second)
    assert client.post("/logout", data={"csrf_token": _csrf_token(first)}).status_code == 302
