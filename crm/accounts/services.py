"""Account operations: they change state and flush; the caller commits once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm import database, dates
from crm.accounts.models import LoginSession, User, normalize_email
from crm.accounts.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
    weakness,
)
from crm.accounts.throttle import Throttle
from crm.errors import FieldError

MIN_PASSWORD_LENGTH = MIN_LENGTH
DISPLAY_NAME_MAX = 80
HANDLE_MESSAGE = (
    "A handle has 2-24 letters, numbers, underscores or dots, or paste your profile link."
)


class AccountError(FieldError):
    """A refused account operation; `field` names the form field it belongs next to."""


class LoginThrottled(AccountError):
    """Too many failed logins for this account or address."""


@dataclass(frozen=True)
class ProfileData:
    display_name: str
    tiktok_handle: str
    niche: str
    followers: int
    ugc_experience: str
    currency: str
    turnaround_days: int
    posts_per_week: int
    timezone: str = dates.DEFAULT_ZONE


def find_user_by_email(session: Session, email: str) -> User | None:
    """The account with this email (any case), or None."""
    return session.scalars(select(User).where(User.email == normalize_email(email))).one_or_none()


def refuse_weak_password(password: str, email: str, field: str = "password") -> None:
    """Raise beside `field` when the password is too short, common, all digits or the email."""
    reason = weakness(password, email)
    if reason:
        raise AccountError(reason, field=field)


def email_taken(session: Session, email: str) -> bool:
    """True when an account has this email (any case)."""
    return bool(session.scalar(select(func.count()).where(User.email == normalize_email(email))))


def register(
    session: Session,
    email: str,
    password: str,
    hash_profile: str = "owasp",
    timezone: str | None = None,
) -> User:
    """Create an account; refuses a weak password or a taken email.

    `timezone` is the browser's guess: anything unknown (or nothing) becomes UTC.
    """
    email = normalize_email(email)
    refuse_weak_password(password, email)
    # Hash before looking: a taken email costs the same time as a new one, and no
    # transaction (on SQLite no write lock) is open during the hash.
    password_hash = hash_password(password, hash_profile)
    if email_taken(session, email):
        raise AccountError("An account with this email already exists.", field="email")
    return create_account(session, email, password_hash, dates.zone_or_utc(timezone))


def create_account(
    session: Session, email: str, password_hash: str, timezone: str = dates.DEFAULT_ZONE
) -> User:
    """Insert the account with no checks: register() is the way in; the demo uses this."""
    user = User(email=normalize_email(email), password_hash=password_hash, timezone=timezone)
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session,
    throttle: Throttle,
    email: str,
    password: str,
    address: str,
    hash_profile: str = "owasp",
) -> User:
    """The user for these credentials; the attempt is counted first, refused when over."""
    database.end_read(session)
    if not throttle.login_attempt(email, address):
        raise LoginThrottled(
            "Too many failed attempts. Wait a few minutes before trying again, "
            "or reset your password."
        )
    user = find_user_by_email(session, email)
    stored = user.password_hash if user else None
    database.end_read(session)
    # A missing account still costs one verification (of a dummy hash).
    if not verify_password(stored, password, hash_profile) or user is None:
        raise AccountError("That email and password don't match an account.")
    throttle.login_succeeded(email, address)
    if needs_rehash(stored, hash_profile):
        user.password_hash = hash_password(password, hash_profile)
    return user


def token_hash(token: str) -> str:
    """What is stored of a secret token (login session, reset link): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(session: Session, user: User, lifetime: timedelta) -> str:
    """Create a server-side login session and return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            user=user, token_hash=token_hash(token), expires_at=database.utcnow() + lifetime
        )
    )
    session.flush()
    user.session_token = token
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The user of a live login session, or None when it ended or expired."""
    user = session.scalars(
        select(User)
        .join(LoginSession)
        .where(
            LoginSession.token_hash == token_hash(token),
            LoginSession.expires_at > database.utcnow(),
        )
    ).one_or_none()
    if user is not None:
        user.session_token = token
    return user


def end_login_session(session: Session, token: str) -> None:
    """End one login session (log out)."""
    session.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def end_all_login_sessions(session: Session, user: User) -> None:
    """End every login session of `user` (password change, everywhere)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def change_password(
    session: Session,
    throttle: Throttle,
    user: User,
    current: str,
    new: str,
    lifetime: timedelta,
    hash_profile: str = "owasp",
) -> str:
    """Change the password, end every session, and return a fresh session token."""
    user_id, email, stored = user.id, user.email, user.password_hash
    # Checked before counting: a weak new password says nothing about the current one.
    refuse_weak_password(new, email, field="new_password")
    database.end_read(session)
    if not throttle.password_check(user_id):
        raise LoginThrottled(
            "Too many wrong passwords. Wait a few minutes, or reset it by email.",
            field="current_password",
        )
    if not verify_password(stored, current, hash_profile):
        raise AccountError("That is not your current password.", field="current_password")
    throttle.password_check_succeeded(user_id)
    user.password_hash = hash_password(new, hash_profile)
    end_all_login_sessions(session, user)
    session.flush()
    return start_login_session(session, user, lifetime)


def update_profile(session: Session, user: User, data: ProfileData) -> User:
    """Save the creator profile; the name signs emails, so it must be one line."""
    from crm import inputs, links

    if not inputs.is_one_line(data.display_name):
        raise AccountError(inputs.ONE_LINE_MESSAGE, field="display_name")
    if not dates.is_known_zone(data.timezone):
        raise AccountError("Choose your timezone from the list.", field="timezone")
    if len(data.display_name) > DISPLAY_NAME_MAX:
        too_long = f"Keep your name under {DISPLAY_NAME_MAX} characters."
        raise AccountError(too_long, field="display_name")
    try:
        handle = links.clean_handle(data.tiktok_handle)
    except links.NotAHandle:
        raise AccountError(HANDLE_MESSAGE, field="tiktok_handle") from None
    cleaned = replace(data, display_name=data.display_name.strip(), tiktok_handle=handle)
    for field, value in cleaned.__dict__.items():
        setattr(user, field, value)
    session.flush()
    return user
