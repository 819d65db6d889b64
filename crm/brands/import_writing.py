"""Writing a planned CSV import: a few bulk statements in one short transaction.

The plan was worked out from a snapshot read before the write transaction began; if
the stored brands changed since (another import, an edit in a second tab), the rows are
planned again against what is stored now, so nothing is written on a stale view.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from crm.brands.importing import ImportRow
from crm.brands.merging import (
    ImportPlan,
    PlannedBrand,
    PlannedContact,
    load_stored,
    plan_from,
    plan_import,
)
from crm.brands.models import Brand, BrandTag, Contact
from crm.brands.search import refresh_search
from crm.database import utcnow
from crm.timeline.models import BrandActivity


@dataclass
class ImportResult:
    """What an import did, brand by brand."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contacts_added: int = 0
    # brand id -> the columns the import changed on it (new brands: empty).
    changes: dict[int, list[str]] = field(default_factory=dict)


def import_brands(
    session: Session, owner_id: int, rows: list[ImportRow], now: datetime | None = None
) -> ImportResult:
    """Plan and write `rows` in the session's transaction; ImportRejected writes nothing."""
    return apply_import(session, plan_import(session, owner_id, rows), now)


def apply_import(session: Session, plan: ImportPlan, now: datetime | None = None) -> ImportResult:
    """Write `plan` (flushes, never commits); plans again if the stored brands changed."""
    now = now or utcnow()
    stored = load_stored(session, plan.owner_id, plan.rows)
    if stored != plan.stored:
        plan = plan_from(plan.owner_id, plan.rows, stored)
    _insert_brands(session, plan, now)
    _update_brands(session, plan, now)
    _write_contacts(session, plan, now)
    # Core bulk writes pass by the ORM's flush listener: refresh the search text here.
    refresh_search(session, [brand.id for brand in plan.brands if brand.id is not None])
    _insert_rows(session, BrandTag, _tag_rows(plan))
    _insert_rows(session, BrandActivity, _activity_rows(plan, now))
    return _result(plan)


def _insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)


def _insert_brands(session: Session, plan: ImportPlan, now: datetime) -> None:
    new = [brand for brand in plan.brands if brand.created]
    if not new:
        return
    rows = [
        {**brand.values, "owner_id": plan.owner_id, "created_at": now, "updated_at": now}
        for brand in new
    ]
    statement = insert(Brand).returning(Brand.id, sort_by_parameter_order=True)
    for brand, brand_id in zip(new, session.scalars(statement, rows).all(), strict=True):
        brand.id = brand_id


def _update_brands(session: Session, plan: ImportPlan, now: datetime) -> None:
    rows = []
    for brand in plan.brands:
        if brand.created or not brand.changed:
            continue
        values = {k: v for k, v in brand.values.items() if brand.stored.get(k) != v}
        # Anything on the timeline counts as activity: the brand list sorts by it.
        rows.append({"id": brand.id, **values, "updated_at": now})
    if rows:
        session.execute(update(Brand), rows)


def _write_contacts(session: Session, plan: ImportPlan, now: datetime) -> None:
    demoted, changed, added = [], [], []
    for brand in plan.brands:
        for contact in brand.contacts:
            if contact.id is None:
                added.append(_contact_row(plan.owner_id, brand, contact, now))
            elif contact.current() != contact.stored:
                row = {"id": contact.id, "name": contact.name, "email": contact.email}
                row |= {"role": contact.role, "is_primary": contact.is_primary}
                was_primary = bool(contact.stored and contact.stored[3])
                (demoted if was_primary and not contact.is_primary else changed).append(row)
    # Old primaries step down first: the unique index allows one primary per brand.
    for rows in (demoted, changed):
        if rows:
            session.execute(update(Contact), rows)
    _insert_rows(session, Contact, added)


def _contact_row(
    owner_id: int, brand: PlannedBrand, contact: PlannedContact, now: datetime
) -> dict[str, Any]:
    return {
        "owner_id": owner_id,
        "brand_id": brand.id,
        "name": contact.name,
        "email": contact.email,
        "role": contact.role,
        "is_primary": contact.is_primary,
        "created_at": now,
    }


def _tag_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    return [
        {"owner_id": plan.owner_id, "brand_id": brand.id, "name": name}
        for brand in plan.brands
        for name in brand.new_tags
    ]


def _activity_rows(plan: ImportPlan, now: datetime) -> list[dict[str, Any]]:
    # One time for the whole import; the timeline's id tie-break keeps this order.
    return [
        {"owner_id": plan.owner_id, "brand_id": brand.id, "kind": kind, "text": text, "at": now}
        for brand in plan.brands
        for kind, text in brand.activities
    ]


def _result(plan: ImportPlan) -> ImportResult:
    result = ImportResult(contacts_added=plan.contacts_added)
    for brand in plan.brands:
        assert brand.id is not None
        result.changes[brand.id] = [] if brand.created else list(brand.changed)
        if brand.created:
            result.created += 1
        elif brand.changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result
