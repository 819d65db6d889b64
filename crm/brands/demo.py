"""Demo brands (seed/demo_brands.toml): leads and clients at every status, with history."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands import services
from crm.brands.models import Brand, BrandKind, BrandSource, BrandStatus
from crm.database import utcnow
from crm.paths import data_dir
from crm.timeline.models import ActivityKind, BrandActivity


def demo_brands() -> list[dict[str, Any]]:
    """The demo brands as written in the seed file."""
    with (data_dir("seed") / "demo_brands.toml").open("rb") as handle:
        return list(tomllib.load(handle)["brands"])


def _data(entry: dict[str, Any]) -> services.BrandData:
    return services.BrandData(
        name=entry["name"],
        website=entry.get("website", ""),
        tiktok_handle=entry.get("tiktok_handle", ""),
        tiktok_followers=entry.get("tiktok_followers"),
        product_category=entry.get("product_category", "other"),
        kind=BrandKind(entry.get("kind", "dtc")),
        source=BrandSource(entry.get("source", "other")),
        runs_tiktok_ads=entry.get("runs_tiktok_ads", False),
        status=BrandStatus(entry.get("status", "lead")),
        tags=entry.get("tags", ""),
    )


def populate(session: Session, user: User) -> bool:
    """Add the demo brands unless the user has brands already."""
    if services.brand_count(session, user.id):
        return False
    now = utcnow()
    for entry in demo_brands():
        brand = services.save_brand(session, user.id, None, _data(entry))
        for contact in entry.get("contacts", []):
            services.save_contact(session, brand, None, services.ContactData(**contact))
        for text in entry.get("notes", []):
            services.add_note(session, brand, text)
        found = now - timedelta(days=entry["days_ago"])
        noted = found + timedelta(days=entry["days_ago"] / 2) if entry.get("notes") else None
        _backdate(session, brand, found, noted)
    session.flush()
    return True


def _backdate(session: Session, brand: Brand, found: datetime, noted: datetime | None) -> None:
    """Spread the brand's history out: found `found`, notes written at `noted`."""
    for is_note, at in ((False, found), (True, noted or found)):
        session.execute(
            update(BrandActivity)
            .where(
                BrandActivity.owner_id == brand.owner_id,
                BrandActivity.brand_id == brand.id,
                (BrandActivity.kind == ActivityKind.NOTE)
                if is_note
                else (BrandActivity.kind != ActivityKind.NOTE),
            )
            .values(at=at)
        )
    brand.created_at = found
    # The brand list sorts by last activity; the pitches demo may move it on.
    brand.updated_at = noted or found
