"""Password-reset links (single use, hashed, one hour) and sign-up links sent by email."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.accounts.models import PasswordReset, User
from crm.accounts.passwords import hash_password
from crm.accounts.services import (
    AccountError,
    end_all_login_sessions,
    normalize_email,
    refuse_weak_password,
    token_hash,
)
from crm.database import end_read

RESET_LIFETIME = timedelta(hours=1)
SIGN_UP_LINK_LIFETIME = timedelta(days=1)
_SIGN_UP_SALT = "crm.accounts.sign-up"
_USED_UP = "This link has expired or was already used. Ask for a new one."


def start_password_reset(session: Session, user: User, now: datetime) -> str:
    """A new reset link token for `user`; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + RESET_LIFETIME,
        )
    )
    session.flush()
    return token


def reset_for_token(session: Session, token: str, now: datetime) -> PasswordReset | None:
    """The live (unused, unexpired) reset behind `token`, or None."""
    return session.scalars(
        select(PasswordReset).where(
            PasswordReset.token_hash == token_hash(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
    ).one_or_none()


def reset_password(
    session: Session, token: str, new_password: str, now: datetime, hash_profile: str = "owasp"
) -> User:
    """Set the new password, use up every open link, and end every login session."""
    reset = reset_for_token(session, token, now)
    if reset is None:
        raise AccountError(_USED_UP)
    reset_id, user_id = reset.id, reset.user_id
    user = session.get_one(User, user_id)
    refuse_weak_password(new_password, user.email)
    end_read(session)
    password_hash = hash_password(new_password, hash_profile)
    # Claim the link in the write itself: of two submits at once, one wins.
    claimed = session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        raise AccountError(_USED_UP)
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    user.password_hash = password_hash
    end_all_login_sessions(session, user)
    session.flush()
    return user


def _sign_up_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SIGN_UP_SALT)


def sign_up_token(secret_key: str, email: str) -> str:
    """A signed token carrying the email, for the link that finishes sign-up."""
    return _sign_up_serializer(secret_key).dumps(normalize_email(email))


def email_for_sign_up_token(secret_key: str, token: str, now: datetime) -> str | None:
    """The email a sign-up link was sent to, or None when it is forged or expired."""
    serializer = _sign_up_serializer(secret_key)
    try:
        email, signed_at = serializer.loads(token, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    if now - signed_at > SIGN_UP_LINK_LIFETIME:
        return None
    return str(email)
