"""Users (creators), their login sessions, throttle counts and password-reset links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base, UTCDateTime, utcnow
from crm.inputs import BIG_COUNT


def normalize_email(email: str) -> str:
    """The form an email is stored and compared in (logins, throttle keys, password rules)."""
    return email.strip().lower()


class User(Base):
    """A creator: the login and the profile the rates and pitches are built from."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    display_name: Mapped[str] = mapped_column(String(80), default="")
    tiktok_handle: Mapped[str] = mapped_column(String(24), default="")
    niche: Mapped[str] = mapped_column(String(32), default="other")
    followers: Mapped[int] = mapped_column(BIG_COUNT, default=0)  # follows the stats: 8 bytes
    ugc_experience: Mapped[str] = mapped_column(String(16), default="beginner")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    turnaround_days: Mapped[int] = mapped_column(default=5)
    posts_per_week: Mapped[int] = mapped_column(default=5)
    # Days between follow-ups after a pitch is sent, e.g. "4,7,7".
    followup_cadence: Mapped[str] = mapped_column(String(64), default="4,7,7")
    # An IANA name (America/Los_Angeles): where "today", due dates and months are cut.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    # The income a month the creator aims for, in their profile's currency (None: no goal).
    income_goal_cents: Mapped[int | None] = mapped_column(BIG_COUNT)
    # The creator's own value of one LIVE diamond, in millionths of their currency's unit
    # (0.005 USD -> 5000); None until they set it. Theirs, not a market fact.
    diamond_value_micros: Mapped[int | None] = mapped_column(BIG_COUNT)
    # Days an approval link works (crm.approvals: 1 to 365; the service checks the range).
    approval_link_days: Mapped[int] = mapped_column(default=30, server_default="30")

    sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def handle_display(self) -> str:
        return f"@{self.tiktok_handle}" if self.tiktok_handle else ""

    # Flask-Login asks these of the object it holds as current_user.
    is_active = True
    is_authenticated = True
    is_anonymous = False
    session_token = None  # set per request from the cookie, never stored

    def get_id(self) -> str | None:
        """The login-session token, not the user id: revoking the row ends the session."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginSession(Base):
    """A signed-in browser; the cookie holds its token, the database its hash."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="sessions")


class ThrottleCount(Base):
    """Attempts for one throttle key inside the window that started at window_start."""

    __tablename__ = "throttle_counts"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())


class PasswordReset(Base):
    """A single-use reset link; only the sha256 of its token is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
