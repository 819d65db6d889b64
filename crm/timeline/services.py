"""Writing the brand timeline: every area records what happened with a brand through here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.database import utcnow
from crm.sentences import single_full_stops
from crm.timeline.models import ActivityKind, BrandActivity


def log_activity(
    session: Session,
    brand: Brand,
    kind: ActivityKind,
    text: str,
    *,
    pitch_id: int | None = None,
    at: datetime | None = None,
) -> BrandActivity:
    """Add a line to `brand`'s timeline (flushes; the caller commits)."""
    at = at or utcnow()
    if kind != "note":  # a creator's own note is kept exactly as written
        text = single_full_stops(text)
    activity = BrandActivity(
        owner_id=brand.owner_id,
        brand_id=brand.id,
        pitch_id=pitch_id,
        kind=kind,
        text=text,
        at=at,
    )
    session.add(activity)
    # The brand list sorts by last activity: anything on the timeline counts.
    if brand.updated_at is None or at > brand.updated_at:
        brand.updated_at = at
    session.flush()
    return activity
