"""Who is logged in: Flask-Login wiring, the current creator, safe redirects, the throttle."""

from __future__ import annotations

from datetime import timedelta
from typing import cast
from urllib.parse import urlsplit

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from crm.accounts import services
from crm.accounts.models import User
from crm.accounts.throttle import DatabaseCounter, FailureCounter, LoginThrottle, RedisCounter
from crm.database import db_session
from crm.extensions import login_manager


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    return services.user_for_token(db_session(), token)


def creator() -> User:
    """The logged-in creator (views behind login_required only)."""
    return cast(User, current_user._get_current_object())


def session_lifetime() -> timedelta:
    return cast(timedelta, current_app.permanent_session_lifetime)


def hash_profile() -> str:
    return cast(str, current_app.config["PASSWORD_HASH_PROFILE"])


def log_in(user: User) -> None:
    """Renew the cookie session and bind it to a new server-side login session."""
    session.clear()
    services.start_login_session(db_session(), user, session_lifetime())
    session.permanent = True
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
    session.clear()
    session.permanent = True
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
    return request.remote_addr or "unknown"


def throttle() -> LoginThrottle:
    """The login throttle, counting in Redis when configured, else in the database."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    counter: FailureCounter
    if config["REDIS_URL"]:
        counter = RedisCounter(_redis_client(), window)
    else:
        counter = DatabaseCounter(db_session(), window)
    return LoginThrottle(
        counter,
        max_per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
    )


def _redis_client() -> object:
    client = current_app.extensions.get("crm.redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(current_app.config["REDIS_URL"])
        current_app.extensions["crm.redis"] = client
    return client
