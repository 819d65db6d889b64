"""Writing checked CSV rows: match existing brands, add what is new, change nothing twice.

A row matches a brand on TikTok handle, else website domain, else name, so importing
the same file twice adds nothing. Empty cells leave stored values alone; contacts
match on email, else name. Callers roll back on ImportRejected: all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session, selectinload

from crm.brands import normalise
from crm.brands.importing import ContactRow, ImportRejected, ImportRow, RowProblem
from crm.brands.models import Brand, BrandStatus, BrandTag, Contact
from crm.brands.services import change_status
from crm.brands.timeline import log_activity
from crm.ownership import owned


@dataclass
class ImportResult:
    """What an import did, brand by brand."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contacts_added: int = 0
    # brand id -> the columns the import changed on it (new brands: empty).
    changes: dict[int, list[str]] = field(default_factory=dict)


class _BrandIndex:
    """The creator's brands that rows may match, by handle, domain and name."""

    def __init__(self, brands: list[Brand]) -> None:
        self.by_handle: dict[str, Brand] = {}
        self.by_domain: dict[str, Brand] = {}
        self.by_name: dict[str, Brand] = {}
        for brand in sorted(brands, key=lambda b: b.id):
            self.add(brand)

    @classmethod
    def load(cls, session: Session, owner_id: int, rows: list[ImportRow]) -> _BrandIndex:
        """Every brand a row could match, with tags and contacts: three queries."""
        handles = {r.values["tiktok_handle"] for r in rows if r.values.get("tiktok_handle")}
        domains = {r.values["website_domain"] for r in rows if r.values.get("website_domain")}
        names = {r.values["name_key"] for r in rows}
        brands = session.scalars(
            owned(Brand, owner_id)
            .where(
                or_(
                    Brand.tiktok_handle.in_(handles),
                    Brand.website_domain.in_(domains),
                    Brand.name_key.in_(names),
                )
            )
            .options(selectinload(Brand.tags), selectinload(Brand.contacts))
        ).all()
        return cls(list(brands))

    def add(self, brand: Brand) -> None:
        for index, key in (
            (self.by_handle, brand.tiktok_handle),
            (self.by_domain, brand.website_domain),
            (self.by_name, brand.name_key),
        ):
            if key:
                index.setdefault(key, brand)

    def find(self, values: dict[str, Any]) -> Brand | None:
        for index, key in (
            (self.by_handle, values.get("tiktok_handle")),
            (self.by_domain, values.get("website_domain")),
            (self.by_name, values.get("name_key")),
        ):
            if key and key in index:
                return index[key]
        return None


def import_brands(session: Session, owner_id: int, rows: list[ImportRow]) -> ImportResult:
    """Write checked rows; raises ImportRejected (caller rolls back) on a clash with stored data."""
    index = _BrandIndex.load(session, owner_id, rows)
    result = ImportResult()
    created: set[int] = set()
    problems: list[RowProblem] = []
    for row in rows:
        brand = index.find(row.values)
        if brand is None:
            brand = _create(session, owner_id, row)
            index.add(brand)
            created.add(brand.id)
            result.changes[brand.id] = []
        try:
            changed = _merge(session, brand, row, result)
        except ImportRejected as rejected:
            problems.extend(rejected.problems)
            continue
        result.changes.setdefault(brand.id, [])
        for name in changed:
            if name not in result.changes[brand.id]:
                result.changes[brand.id].append(name)
    if problems:
        raise ImportRejected(problems)
    _log(session, index, result, created)
    return result


def _create(session: Session, owner_id: int, row: ImportRow) -> Brand:
    values = {k: v for k, v in row.values.items() if k != "status"}
    # Empty collections up front: filling them later needs no lazy load per new brand.
    brand = Brand(
        owner_id=owner_id,
        status=row.values.get("status", BrandStatus.LEAD),
        tags=[],
        contacts=[],
        **values,
    )
    session.add(brand)
    session.flush()
    log_activity(session, brand, "imported", f"Added by CSV import (status: {brand.status.label}).")
    return brand


def _merge(session: Session, brand: Brand, row: ImportRow, result: ImportResult) -> list[str]:
    """Apply one row to `brand`; the names of the columns it changed."""
    theirs = row.values.get("tiktok_handle")
    if theirs and brand.tiktok_handle and theirs != brand.tiktok_handle:
        message = f"{brand.name} is already saved with @{brand.tiktok_handle}, not @{theirs}."
        raise ImportRejected([RowProblem(row.line, message)])
    changed = []
    for name, value in row.values.items():
        if name == "status" or getattr(brand, name) == value:
            continue
        setattr(brand, name, value)
        # name_key and website_domain follow name and website: not news of their own.
        if name not in ("name_key", "website_domain"):
            changed.append(name)
    if "status" in row.values and change_status(session, brand, row.values["status"]):
        changed.append("status")
    if _add_tags(brand, row):
        changed.append("tags")
    if row.contact is not None and _merge_contact(session, brand, row.contact, result):
        changed.append("contacts")
    session.flush()
    return changed


def _add_tags(brand: Brand, row: ImportRow) -> bool:
    have = {tag.name for tag in brand.tags}
    new = [name for name in row.tags if name not in have]
    if len(have) + len(new) > normalise.TAGS_PER_BRAND:
        message = f"{brand.name} would have more than {normalise.TAGS_PER_BRAND} tags."
        raise ImportRejected([RowProblem(row.line, message)])
    for name in new:
        brand.tags.append(BrandTag(owner_id=brand.owner_id, name=name))
    return bool(new)


def _merge_contact(session: Session, brand: Brand, row: ContactRow, result: ImportResult) -> bool:
    """Add or update the row's contact on `brand`; True when anything changed."""
    contact = next((c for c in brand.contacts if row.email and c.email == row.email), None) or next(
        (c for c in brand.contacts if c.name.casefold() == row.name.casefold()), None
    )
    changed = False
    if contact is None:
        contact = Contact(owner_id=brand.owner_id, name=row.name, email=row.email, role=row.role)
        brand.contacts.append(contact)
        session.flush()
        result.contacts_added += 1
        changed = True
    else:
        for name in ("name", "email", "role"):
            value = getattr(row, name)
            if value and getattr(contact, name) != value:
                setattr(contact, name, value)
                changed = True
    primary = next((c for c in brand.contacts if c.is_primary), None)
    if primary is None or (row.primary and primary is not contact):
        if primary is not None:
            # Clear the old primary first: the unique index allows one per brand.
            primary.is_primary = False
            session.flush()
        contact.is_primary = True
        changed = True
    return changed


def _log(session: Session, index: _BrandIndex, result: ImportResult, created: set[int]) -> None:
    everything = (*index.by_handle.values(), *index.by_domain.values(), *index.by_name.values())
    brands = {brand.id: brand for brand in everything}
    for brand_id, changed in result.changes.items():
        if brand_id in created:
            result.created += 1
        elif changed:
            result.updated += 1
            what = ", ".join(name.replace("_", " ") for name in changed)
            log_activity(session, brands[brand_id], "imported", f"Updated by CSV import: {what}.")
        else:
            result.unchanged += 1
