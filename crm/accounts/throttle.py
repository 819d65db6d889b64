"""Login throttling shared between processes: failures counted in the database or Redis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crm.accounts.models import LoginFailure
from crm.database import utcnow


class FailureCounter(Protocol):
    def count(self, key: str) -> int: ...
    def record(self, key: str) -> None: ...
    def clear(self, key: str) -> None: ...


class DatabaseCounter:
    """Failures as rows; the count is the rows inside the window."""

    def __init__(self, session: Session, window: timedelta) -> None:
        self.session = session
        self.window = window

    def count(self, key: str) -> int:
        since = utcnow() - self.window
        statement = select(func.count()).where(LoginFailure.key == key, LoginFailure.at > since)
        return self.session.scalar(statement) or 0

    def record(self, key: str) -> None:
        now = utcnow()
        # Old rows for this key are useless; drop them as we go.
        self.session.execute(
            delete(LoginFailure).where(
                LoginFailure.key == key, LoginFailure.at <= now - self.window
            )
        )
        self.session.add(LoginFailure(key=key, at=now))
        self.session.flush()

    def clear(self, key: str) -> None:
        self.session.execute(delete(LoginFailure).where(LoginFailure.key == key))


class RedisCounter:
    """Failures as a Redis counter per key that expires with the window."""

    def __init__(self, client: object, window: timedelta, prefix: str = "crm:login:") -> None:
        self.client = client
        self.window = window
        self.prefix = prefix

    def count(self, key: str) -> int:
        value = self.client.get(self.prefix + key)  # type: ignore[attr-defined]
        return int(value or 0)

    def record(self, key: str) -> None:
        pipe = self.client.pipeline()  # type: ignore[attr-defined]
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, int(self.window.total_seconds()), nx=True)
        pipe.execute()

    def clear(self, key: str) -> None:
        self.client.delete(self.prefix + key)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LoginThrottle:
    """Refuses logins after too many failures for one account or one address."""

    counter: FailureCounter
    max_per_account: int
    max_per_address: int

    @staticmethod
    def account_key(email: str) -> str:
        return "account:" + email.strip().lower()

    @staticmethod
    def address_key(address: str) -> str:
        return "address:" + address

    def blocked(self, email: str, address: str) -> bool:
        """True when either the account or the address used up its failures."""
        return (
            self.counter.count(self.account_key(email)) >= self.max_per_account
            or self.counter.count(self.address_key(address)) >= self.max_per_address
        )

    def failed(self, email: str, address: str) -> None:
        self.counter.record(self.account_key(email))
        self.counter.record(self.address_key(address))

    def succeeded(self, email: str) -> None:
        self.counter.clear(self.account_key(email))
