"""Factories for the brands area; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands import services
from crm.brands.models import Brand, BrandKind, BrandSource, BrandStatus, Contact
from crm.timeline.models import BrandActivity

_counter = itertools.count(1)


def make_brand(session: Session, owner: User, **overrides: Any) -> Brand:
    """A brand saved through the real service (so its timeline starts), committed."""
    number = next(_counter)
    values: dict[str, Any] = {
        "name": f"Brand {number}",
        "website": "",
        "tiktok_handle": "",
        "tiktok_followers": None,
        "product_category": "home",
        "kind": BrandKind.DTC,
        "source": BrandSource.OTHER,
        "runs_tiktok_ads": False,
        "status": BrandStatus.LEAD,
        "tags": "",
        "notes": "",
    }
    values.update(overrides)
    brand = services.save_brand(session, owner.id, None, services.BrandData(**values))
    session.commit()
    return brand


def make_contact(
    session: Session, owner: User, brand: Brand | None = None, **overrides: Any
) -> Contact:
    brand = brand or make_brand(session, owner)
    values: dict[str, Any] = {"name": f"Contact {next(_counter)}", "email": "", "role": ""}
    values.update(overrides)
    contact = services.save_contact(session, brand, None, services.ContactData(**values))
    session.commit()
    return contact


def make_note(
    session: Session, owner: User, brand: Brand | None = None, text: str | None = None
) -> BrandActivity:
    brand = brand or make_brand(session, owner)
    note = services.add_note(session, brand, text or f"Note {next(_counter)}")
    session.commit()
    return note


ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {
    "brand_id": make_brand,
    "contact_id": make_contact,
    "note_id": make_note,
}
