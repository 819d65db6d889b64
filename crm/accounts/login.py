"""Who is logged in: Flask-Login wiring, idle timeout, safe redirects, the throttle."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from crm import database, dates
from crm.accounts import services
from crm.accounts.models import User
from crm.accounts.throttle import (
    DAY,
    DAY_NAMESPACE,
    AttemptCounter,
    DatabaseCounter,
    Limits,
    RedisCounter,
    Throttle,
)
from crm.database import db_session
from crm.extensions import login_manager

log = logging.getLogger(__name__)

# The cookie's last-seen time is rewritten at most once per step (a twelfth of the idle
# timeout, at most five minutes): every rewrite is a re-signed Set-Cookie, and an idle
# timeout of days needs minutes, not seconds. A login so ends after between the idle
# timeout less one step and the idle timeout without a request.
SEEN_STEP_MAX_SECONDS = 5 * 60
# Redis is on the local network: a second is long; a hung Redis must not hang logins.
REDIS_TIMEOUT_SECONDS = 1.0


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    # Idle timeout from a signed last-seen time in the session cookie, not a column:
    # a GET then needs no database write (on SQLite, no write lock). A copied cookie
    # carries its own old time, so it goes stale like the browser it came from.
    now = database.utcnow().timestamp()
    seen = session.get("seen")
    if not isinstance(seen, int | float) or now - seen > idle_seconds():
        return None
    user = services.user_for_token(db_session(), token)
    if user is not None and now - seen >= seen_step_seconds():
        session["seen"] = int(now)
    return user


def idle_seconds() -> float:
    """How long a browser may go without a request before its login ends."""
    return float(current_app.config["SESSION_IDLE_HOURS"]) * 3600


def seen_step_seconds() -> float:
    """How old the cookie's last-seen time may grow before a request rewrites it."""
    return min(SEEN_STEP_MAX_SECONDS, idle_seconds() / 12)


def creator() -> User:
    """The logged-in creator (views behind login_required only)."""
    return cast(User, current_user._get_current_object())


def creator_today() -> date:
    """Today where the logged-in creator lives (their profile's timezone)."""
    return dates.today_in(creator().timezone)


def session_lifetime() -> timedelta:
    """The absolute lifetime of a login."""
    return cast(timedelta, current_app.permanent_session_lifetime)


def hash_profile() -> str:
    """The Argon2id profile the settings ask for."""
    return cast(str, current_app.config["PASSWORD_HASH_PROFILE"])


def _fresh_cookie() -> None:
    """Empty the cookie session and create its CSRF secret now, once.

    Created lazily, two pages loaded at once after login would each mint a different
    secret and the first form submitted would fail as "expired".
    """
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()
    session["seen"] = int(database.utcnow().timestamp())
    session.permanent = True


def log_in(user: User) -> None:
    """Renew the cookie session and bind it to a new server-side login session."""
    _fresh_cookie()
    services.start_login_session(db_session(), user, session_lifetime())
    login_user(user)


def log_out() -> None:
    """End the server-side session, then forget the cookie's contents."""
    token = getattr(current_user, "session_token", None)
    if token:
        services.end_login_session(db_session(), token)
    logout_user()
    session.clear()


def rebind(user: User) -> None:
    """After a password change: the cookie carries the new session token."""
    _fresh_cookie()
    login_user(user)


def is_safe_next(target: str | None) -> bool:
    """Only local paths: '/brands?page=2' yes; '//evil.example', 'https://...', CR/LF no."""
    from crm.inputs import is_one_line

    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if not is_one_line(target):  # a line break in Location would split the header
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def client_address() -> str:
    """The client's address (ProxyFix makes it the real one behind a proxy)."""
    return request.remote_addr or "unknown"


def throttle() -> Throttle:
    """The throttles, counting in Redis when configured, else in the database."""
    window = timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    return Throttle(_counter(window, ""), limits())


def daily_throttle() -> Throttle:
    """The same throttles counted over a day (for the limits a day long, as mail sent)."""
    return Throttle(_counter(DAY, DAY_NAMESPACE), limits())


def _counter(window: timedelta, namespace: str) -> AttemptCounter:
    # The count commits on its own connection: the request must hold no transaction then.
    database.end_read(db_session())
    if current_app.config["REDIS_URL"]:
        return RedisCounter(_redis_client(), window, f"crm:throttle:{namespace}")
    return DatabaseCounter(
        current_app.extensions["crm.db"].sessionmaker, window, _holds_no_transaction, namespace
    )


def _holds_no_transaction() -> None:
    """Refuse to count while the request's session holds a transaction: on SQLite a write one
    holds the lock the count must take on its own connection, so the count would wait until
    it gave up. (A row read after throttle() ended the read, `kit.id` as an argument, begins
    one: read what the count needs before calling throttle().)"""
    found = g.get("db_session")
    if found is None or not found.in_transaction():
        return
    problem = "the request's session began a transaction before a throttle count"
    if current_app.testing:  # the tests share one connection, so no lock wait shows it there
        raise RuntimeError(problem)
    log.warning("%s on %s %s", problem, request.method, request.path)


def limits() -> Limits:
    """The throttle limits from the settings."""
    config = current_app.config
    return Limits(
        per_account_and_address=config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        register_per_address=config["REGISTER_MAX_PER_ADDRESS"],
        register_per_account=config["REGISTER_MAX_PER_ACCOUNT"],
        reset_per_address=config["RESET_MAX_PER_ADDRESS"],
        reset_per_account=config["RESET_MAX_PER_ACCOUNT"],
        inquiry_per_address=config["INQUIRY_MAX_PER_ADDRESS"],
        inquiry_per_kit=config["INQUIRY_MAX_PER_KIT"],
        inquiry_mail_per_email=config["INQUIRY_MAX_PER_EMAIL"],
    )


def _redis_client() -> Any:
    client = current_app.extensions.get("crm.redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        current_app.extensions["crm.redis"] = client
    return client
