"""Password hashing with Argon2id at or above OWASP's recommended floor."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from crm.accounts.models import normalize_email
from crm.database import refuse_open_transaction

# OWASP Password Storage Cheat Sheet: Argon2id, m >= 19 MiB, t >= 2, p = 1.
# We use RFC 9106's second recommendation (64 MiB, t=3, p=4), well above it.
PROFILES = {
    "owasp": {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 4},
    # For the test suite only: same algorithm, cheap enough for hundreds of logins.
    "fast": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
}

# A hash of a random password, checked when the account does not exist so that
# a wrong email takes as long as a wrong password.
_DUMMY_PASSWORD = "not-a-real-password-for-timing"  # noqa: S105


@cache
def hasher(profile: str = "owasp") -> PasswordHasher:
    """The Argon2id hasher for `profile`."""
    return PasswordHasher(type=Type.ID, hash_len=32, salt_len=16, **PROFILES[profile])


class HashersBusy(RuntimeError):
    """Every password-hash slot of this process stayed taken for the whole wait."""


_slots_lock = threading.Lock()


@contextmanager
def hash_slot() -> Iterator[None]:
    """Run one hash in one of the app's few slots, outside any database transaction.

    Each hash takes 64 MiB and a core for a quarter of a second: a burst of logins must
    wait its turn (a bounded time, then HashersBusy, answered with a 503), never pile up.
    """
    refuse_open_transaction("a password hash")
    if not has_app_context():  # a script or a test's factory: nothing to share
        yield
        return
    config = current_app.config
    with _slots_lock:
        slots = current_app.extensions.get("crm.hash_slots")
        if slots is None:
            slots = threading.BoundedSemaphore(config["PASSWORD_HASHES_AT_ONCE"])
            current_app.extensions["crm.hash_slots"] = slots
    if not slots.acquire(timeout=config["PASSWORD_HASH_WAIT_SECONDS"]):
        raise HashersBusy("every password-hash slot is taken")
    try:
        yield
    finally:
        slots.release()


def hash_password(password: str, profile: str = "owasp") -> str:
    """Hash `password` with Argon2id."""
    with hash_slot():
        return hasher(profile).hash(password)


def verify_password(stored_hash: str | None, password: str, profile: str = "owasp") -> bool:
    """True if `password` matches; a missing hash still costs one verification."""
    ph = hasher(profile)
    with hash_slot():
        try:
            if stored_hash is None:
                ph.verify(_dummy_hash(profile), password)
                return False
            return ph.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(stored_hash: str, profile: str = "owasp") -> bool:
    """True when the stored hash was made with weaker parameters than `profile`."""
    return hasher(profile).check_needs_rehash(stored_hash)


@cache
def _dummy_hash(profile: str) -> str:
    return hasher(profile).hash(_DUMMY_PASSWORD)


MIN_LENGTH = 10
MAX_LENGTH = 200


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of ~20,000 common passwords (Django's, see its LICENSE file)."""
    path = Path(__file__).with_name("common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def weakness(password: str, email: str) -> str | None:
    """Why `password` is refused for the account `email`, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.isdigit():
        return "Use letters too: a password of only digits is guessed quickly."
    local = normalize_email(email).partition("@")[0]
    if len(local) >= 3 and local in password.lower():
        return "Don't put your email address in your password: it's the first thing tried."
    if password.lower().strip() in common_passwords():
        return "That password is on a list of common passwords attackers try first. Pick another."
    return None
