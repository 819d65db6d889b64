"""Factories for the pitches area; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, Contact
from crm.pitches.models import Pitch, PitchChannel, PitchKind, PitchStatus
from tests.factories_brands import make_brand, make_contact

_counter = itertools.count(1)
# A fixed clock for tests: pitches are created "now" unless a test says otherwise.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def brand_for(session: Session, owner: User, **overrides: Any) -> Brand:
    """A brand to pitch (the brands area's factory)."""
    return make_brand(session, owner, **overrides)


def contact_for(session: Session, brand: Brand, **overrides: Any) -> Contact:
    """A contact at `brand` (the brands area's factory)."""
    number = next(_counter)
    values: dict[str, Any] = {"name": f"Contact {number}", "email": f"contact{number}@example.com"}
    values.update(overrides)
    return make_contact(session, session.get(User, brand.owner_id), brand=brand, **values)


def make_pitch(
    session: Session, owner: User, brand: Brand | None = None, **overrides: Any
) -> Pitch:
    """A pitch row as given (status and dates set directly; services are not involved)."""
    brand = brand or brand_for(session, owner)
    values: dict[str, Any] = {
        "kind": PitchKind.UGC,
        "channel": PitchChannel.EMAIL,
        "status": PitchStatus.DRAFT,
        "quoted_cents": 45_000,
        "currency": "USD",
        "subject": f"UGC videos {next(_counter)}",
        "body": "Hi!",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    pitch = Pitch(owner_id=owner.id, brand_id=brand.id, **values)
    session.add(pitch)
    session.commit()
    return pitch


ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {"pitch_id": make_pitch}
