"""Account operations: they change state and flush; the caller commits once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm.accounts.models import LoginSession, User
from crm.accounts.passwords import hash_password, needs_rehash, verify_password
from crm.accounts.throttle import LoginThrottle
from crm.database import utcnow
from crm.errors import FieldError

MIN_PASSWORD_LENGTH = 10


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


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalize_email(email))).one_or_none()


def register(session: Session, email: str, password: str, hash_profile: str = "owasp") -> User:
    """Create an account; refuses a taken email or a short password."""
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="password")
    if session.scalar(select(func.count()).where(User.email == email)):
        raise AccountError("An account with this email already exists.", field="email")
    user = User(email=email, password_hash=hash_password(password, hash_profile))
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session,
    throttle: LoginThrottle,
    email: str,
    password: str,
    address: str,
    hash_profile: str = "owasp",
) -> User:
    """The user for these credentials; counts failures and refuses when throttled."""
    if throttle.blocked(email, address):
        raise LoginThrottled("Too many failed attempts. Wait a few minutes before trying again.")
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password, hash_profile):
        throttle.failed(email, address)
        raise AccountError("That email and password don't match an account.")
    throttle.succeeded(email)
    if needs_rehash(user.password_hash, hash_profile):
        user.password_hash = hash_password(password, hash_profile)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(session: Session, user: User, lifetime: timedelta) -> str:
    """Create a server-side login session and return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(user=user, token_hash=_token_hash(token), expires_at=utcnow() + lifetime)
    )
    session.flush()
    user.session_token = token
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The user of a live login session, or None when it ended or expired."""
    user = session.scalars(
        select(User)
        .join(LoginSession)
        .where(LoginSession.token_hash == _token_hash(token), LoginSession.expires_at > utcnow())
    ).one_or_none()
    if user is not None:
        user.session_token = token
    return user


def end_login_session(session: Session, token: str) -> None:
    """End one login session (log out)."""
    session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))


def end_all_login_sessions(session: Session, user: User) -> None:
    """End every login session of `user` (password change, everywhere)."""
    session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    lifetime: timedelta,
    hash_profile: str = "owasp",
) -> str:
    """Change the password, end every session, and return a fresh session token."""
    if not verify_password(user.password_hash, current, hash_profile):
        raise AccountError("That is not your current password.", field="current_password")
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field="new_password")
    user.password_hash = hash_password(new, hash_profile)
    end_all_login_sessions(session, user)
    session.flush()
    return start_login_session(session, user, lifetime)


def update_profile(session: Session, user: User, data: ProfileData) -> User:
    """Save the creator profile; the name signs emails, so it must be one line."""
    from crm import inputs

    if not inputs.is_one_line(data.display_name):
        raise AccountError(inputs.ONE_LINE_MESSAGE, field="display_name")
    for field, value in data.__dict__.items():
        setattr(user, field, value)
    session.flush()
    return user
