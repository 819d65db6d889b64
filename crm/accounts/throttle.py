"""Attempt counters shared between processes (database or Redis), counted before any check.

Every attempt is counted first, atomically, and the count that comes back decides: the
attempt is refused without checking the password when any of its counts is over its
limit. Checking first and counting after a failure let parallel guesses all read
"under the limit" before any of them was recorded.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from crm import database
from crm.accounts.models import ThrottleCount, normalize_email
from crm.config import DEFAULTS
from crm.database import UTCDateTime

log = logging.getLogger(__name__)

# One count in this many also deletes the rows of finished windows.
PRUNE_ONE_IN = 200
# Keys of the day-long counter (daily_counter below) start with this: the short window's
# prune must not delete them after minutes.
DAY_NAMESPACE = "day:"
DAY = timedelta(days=1)


class CounterUnavailable(Exception):
    """The shared counter (Redis) can't be reached: refuse rather than guess."""


class AttemptCounter(Protocol):
    def hit(self, keys: Sequence[str]) -> list[int]: ...
    def forgive(self, keys: Sequence[str]) -> None: ...
    def clear(self, keys: Sequence[str], prefixes: Sequence[str] = ()) -> None: ...


class DatabaseCounter:
    """One row per key; an atomic upsert adds the attempt and returns the new count.

    It commits in its own short transaction: the count must be visible to every
    worker before the slow password check, and no lock may be held during the hash.
    A counter with a longer window keeps its keys under a `namespace` of their own, which
    only its prune touches (the rows share one table).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        window: timedelta,
        before_write: Callable[[], None] | None = None,
        namespace: str = "",
    ) -> None:
        self.sessions = sessions
        self.window = window
        # Called before each count is written on the counter's own connection: the app checks
        # there that the request holds no transaction (whose lock the count would wait on).
        self.before_write = before_write
        self.namespace = namespace

    def hit(self, keys: Sequence[str]) -> list[int]:
        """Add one attempt to each key; the counts after it, in the same order."""
        if self.before_write is not None:
            self.before_write()
        now = database.utcnow()
        with self.sessions() as session, session.begin():
            counts = [
                session.execute(self._upsert(session, self.namespace + key, now)).scalar_one()
                for key in keys
            ]
        if secrets.randbelow(PRUNE_ONE_IN) == 0:
            self._prune(now)
        return counts

    def _prune(self, now: Any) -> None:
        # Rows of finished windows count for nothing; drop them now and then so guesses
        # at many made-up emails don't grow the table for good. Its own transaction: a
        # clash with a count (a PostgreSQL deadlock) only skips this round.
        table = ThrottleCount.__table__
        stale = literal(now - self.window, UTCDateTime())
        mine = (
            table.c.key.startswith(self.namespace, autoescape=True)
            if self.namespace
            else ~table.c.key.startswith(DAY_NAMESPACE, autoescape=True)
        )
        try:
            with self.sessions() as session, session.begin():
                session.execute(delete(table).where(table.c.window_start <= stale, mine))
        except DBAPIError as error:
            log.warning("Pruning throttle counts skipped: %s", error)

    def _upsert(self, session: Session, key: str, now: Any) -> Any:
        table = ThrottleCount.__table__
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stamp = literal(now, UTCDateTime())
        expired = table.c.window_start <= literal(now - self.window, UTCDateTime())
        return (
            insert(table)
            .values(key=key, hits=1, window_start=stamp)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "hits": case((expired, 1), else_=table.c.hits + 1),
                    "window_start": case((expired, stamp), else_=table.c.window_start),
                },
            )
            .returning(table.c.hits)
        )

    def forgive(self, keys: Sequence[str]) -> None:
        """Take one attempt back (a success proved the owner)."""
        table = ThrottleCount.__table__
        with self.sessions() as session, session.begin():
            # One key at a time, in the order hit() locks them: no deadlock between the two.
            for key in keys:
                session.execute(
                    update(table)
                    .where(table.c.key == self.namespace + key, table.c.hits > 0)
                    .values(hits=table.c.hits - 1)
                )

    def clear(self, keys: Sequence[str], prefixes: Sequence[str] = ()) -> None:
        """Forget these keys, and every key that starts with one of `prefixes`."""
        table = ThrottleCount.__table__
        with self.sessions() as session, session.begin():
            session.execute(delete(table).where(table.c.key.in_(self.namespace + k for k in keys)))
            for prefix in prefixes:
                named = self.namespace + prefix
                session.execute(delete(table).where(table.c.key.startswith(named, autoescape=True)))


class RedisCounter:
    """A Redis counter per key: INCR returns the new count; the key expires with the window."""

    def __init__(self, client: Any, window: timedelta, prefix: str = "crm:throttle:") -> None:
        self.client = client
        self.window = window
        self.prefix = prefix

    def _run(self, build: Any) -> list[Any]:
        import redis

        try:
            pipe = self.client.pipeline(transaction=True)
            build(pipe)
            return list(pipe.execute())
        except redis.RedisError as error:
            raise CounterUnavailable(str(error)) from error

    def hit(self, keys: Sequence[str]) -> list[int]:
        """Add one attempt to each key; the counts after it, in the same order."""
        seconds = max(1, int(self.window.total_seconds()))

        def build(pipe: Any) -> None:
            for key in keys:
                pipe.incr(self.prefix + key)
                pipe.expire(self.prefix + key, seconds, nx=True)

        return [int(count) for count in self._run(build)[::2]]

    def forgive(self, keys: Sequence[str]) -> None:
        seconds = max(1, int(self.window.total_seconds()))

        def build(pipe: Any) -> None:
            for key in keys:
                pipe.decr(self.prefix + key)
                # A key that expired meanwhile comes back at -1: let it expire again.
                pipe.expire(self.prefix + key, seconds, nx=True)

        self._run(build)

    def clear(self, keys: Sequence[str], prefixes: Sequence[str] = ()) -> None:
        import redis

        names = [self.prefix + key for key in keys]
        try:
            for prefix in prefixes:
                pattern = (self.prefix + prefix).replace("[", "\\[").replace("*", "\\*") + "*"
                names.extend(self.client.scan_iter(match=pattern, count=500))
            if names:
                self.client.delete(*names)
        except redis.RedisError as error:
            raise CounterUnavailable(str(error)) from error


@dataclass(frozen=True)
class Limits:
    """How many attempts fit in one window (the CRM_*_MAX_* settings; defaults from there)."""

    per_account_and_address: int = DEFAULTS["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    per_address: int = DEFAULTS["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    per_account: int = DEFAULTS["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    register_per_address: int = DEFAULTS["REGISTER_MAX_PER_ADDRESS"]
    register_per_account: int = DEFAULTS["REGISTER_MAX_PER_ACCOUNT"]
    reset_per_address: int = DEFAULTS["RESET_MAX_PER_ADDRESS"]
    reset_per_account: int = DEFAULTS["RESET_MAX_PER_ACCOUNT"]
    inquiry_per_address: int = DEFAULTS["INQUIRY_MAX_PER_ADDRESS"]
    inquiry_per_kit: int = DEFAULTS["INQUIRY_MAX_PER_KIT"]
    # Counted on the day-long counter (crm.accounts.login.daily_throttle).
    inquiry_mail_per_email: int = DEFAULTS["INQUIRY_MAX_PER_EMAIL"]


def _email(email: str) -> str:
    return normalize_email(email)


@dataclass(frozen=True)
class Throttle:
    """The app's throttles: login, password change, registration, reset requests, inquiries."""

    counter: AttemptCounter
    limits: Limits

    def _allow(self, checks: Sequence[tuple[str, int]]) -> bool:
        counts = self.counter.hit([key for key, _ in checks])
        return all(count <= limit for count, (_, limit) in zip(counts, checks, strict=True))

    def _login_keys(self, email: str, address: str) -> list[tuple[str, int]]:
        # The pair key locks an account only for the address guessing at it, so the
        # owner elsewhere still gets in; the account key is a high backstop against
        # guesses spread over many addresses, cleared by a password reset.
        return [
            (f"login:pair:{_email(email)}|{address}", self.limits.per_account_and_address),
            (f"login:address:{address}", self.limits.per_address),
            (f"login:account:{_email(email)}", self.limits.per_account),
        ]

    def login_attempt(self, email: str, address: str) -> bool:
        """Count a login attempt; False when it must be refused unchecked."""
        return self._allow(self._login_keys(email, address))

    def login_succeeded(self, email: str, address: str) -> None:
        """The owner proved control: their attempt no longer counts against anyone."""
        pair, address_key, account = (key for key, _ in self._login_keys(email, address))
        self.counter.clear([pair])
        self.counter.forgive([address_key, account])

    def password_check(self, user_id: int) -> bool:
        """Count a current-password check on the change-password page."""
        return self._allow([(f"password:user:{user_id}", self.limits.per_account_and_address)])

    def password_check_succeeded(self, user_id: int) -> None:
        """The right current password: its count starts again."""
        self.counter.clear([f"password:user:{user_id}"])

    def register_attempt(self, email: str, address: str) -> bool:
        """Count a sign-up from `address`."""
        # Per email too: with mail on, every sign-up mails the address, so spreading
        # them over many addresses must not let anyone flood someone's inbox.
        return self._allow(
            [
                (f"register:address:{address}", self.limits.register_per_address),
                (f"register:account:{_email(email)}", self.limits.register_per_account),
            ]
        )

    def reset_request(self, email: str, address: str) -> bool:
        """Count a reset-link request, per address and per account (no mail-bombing)."""
        return self._allow(
            [
                (f"reset:address:{address}", self.limits.reset_per_address),
                (f"reset:account:{_email(email)}", self.limits.reset_per_account),
            ]
        )

    def inquiry_attempt(self, address: str) -> bool:
        """Count an inquiry post from `address`, before anything of it is read."""
        return self._allow([(f"inquiry:address:{address}", self.limits.inquiry_per_address)])

    def inquiry_to_kit(self, kit_id: int) -> bool:
        """Count an inquiry to one kit from anywhere (no lead floods). Only inquiries about to
        be filed: thrown-away bot posts counted here would lock real brands out."""
        return self._allow([(f"inquiry:kit:{kit_id}", self.limits.inquiry_per_kit)])

    def inquiry_confirmation(self, email: str) -> bool:
        """Count a confirmation mailed to `email` (on the day-long counter): the inquiry form
        takes any address, so it must not become a way to mail someone over and over."""
        return self._allow([(f"inquiry:email:{_email(email)}", self.limits.inquiry_mail_per_email)])

    def clear_account(self, email: str, user_id: int) -> None:
        """A password reset: every login counter of the account starts again."""
        self.counter.clear(
            [f"login:account:{_email(email)}", f"password:user:{user_id}"],
            prefixes=[f"login:pair:{_email(email)}|"],
        )
