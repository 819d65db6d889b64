"""Merging checked CSV rows into stored brands: every change worked out in memory first.

A row matches a brand on TikTok handle, else website domain, else name, so importing
the same file twice adds nothing. Empty cells leave stored values alone; contacts
match on email, else name. `plan_import` reads what the rows may match and plans every
change, refusing a clash with stored data, with no write lock; crm.brands.import_writing
then writes the plan in one short transaction. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session

from crm.brands import normalise
from crm.brands.importing import ContactRow, ImportRejected, ImportRow, RowProblem
from crm.brands.models import Brand, BrandStatus, BrandTag, Contact
from crm.ownership import owned
from crm.timeline.models import ActivityKind

BRAND_FIELDS = (
    "name",
    "name_key",
    "website",
    "website_domain",
    "tiktok_handle",
    "tiktok_followers",
    "product_category",
    "kind",
    "source",
    "runs_tiktok_ads",
    "status",
    "notes",
)
CONTACT_FIELDS = ("name", "email", "role", "is_primary")


@dataclass(frozen=True)
class Stored:
    """What the rows may match, as plain tuples: equal snapshots mean nothing changed."""

    brands: tuple[tuple[Any, ...], ...]  # (id, *BRAND_FIELDS), by id
    tags: tuple[tuple[int, str], ...]  # (brand id, name)
    contacts: tuple[tuple[Any, ...], ...]  # (id, brand id, *CONTACT_FIELDS), in list order


def load_stored(session: Session, owner_id: int, rows: list[ImportRow]) -> Stored:
    """Every brand a row could match, with tags and contacts: three queries, no ORM objects."""
    handles = {r.values["tiktok_handle"] for r in rows if r.values.get("tiktok_handle")}
    domains = {r.values["website_domain"] for r in rows if r.values.get("website_domain")}
    names = {r.values["name_key"] for r in rows}
    columns = [getattr(Brand, name) for name in BRAND_FIELDS]
    brands = session.execute(
        owned(Brand, owner_id, Brand.id, *columns)
        .where(
            or_(
                Brand.tiktok_handle.in_(handles),
                Brand.website_domain.in_(domains),
                Brand.name_key.in_(names),
            )
        )
        .order_by(Brand.id)
    ).all()
    # By id list, not by repeating the match: three IN lists of 5,000 keys plan slowly.
    ids = [row[0] for row in brands]
    tags = session.execute(
        owned(BrandTag, owner_id, BrandTag.brand_id, BrandTag.name)
        .where(BrandTag.brand_id.in_(ids))
        .order_by(BrandTag.brand_id, BrandTag.name)
    ).all()
    contact_columns = [getattr(Contact, name) for name in CONTACT_FIELDS]
    contacts = session.execute(
        owned(Contact, owner_id, Contact.id, Contact.brand_id, *contact_columns)
        .where(Contact.brand_id.in_(ids))
        .order_by(Contact.brand_id, Contact.is_primary.desc(), Contact.name, Contact.id)
    ).all()
    return Stored(
        brands=tuple(tuple(row) for row in brands),
        tags=tuple((row[0], row[1]) for row in tags),
        contacts=tuple(tuple(row) for row in contacts),
    )


@dataclass
class PlannedContact:
    id: int | None  # None: a new contact
    name: str
    email: str
    role: str
    is_primary: bool
    stored: tuple[Any, ...] | None = None  # CONTACT_FIELDS as stored

    def current(self) -> tuple[Any, ...]:
        return (self.name, self.email, self.role, self.is_primary)


@dataclass
class PlannedBrand:
    """A brand as the import leaves it, with what it takes to get there."""

    id: int | None  # None until a new brand is inserted
    values: dict[str, Any]
    stored: dict[str, Any] = field(default_factory=dict)  # empty: a new brand
    tags: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    contacts: list[PlannedContact] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    # Timeline lines (kind, text), in the order the old one-row-at-a-time import wrote them.
    activities: list[tuple[ActivityKind, str]] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return not self.stored


@dataclass
class ImportPlan:
    """Every change an import makes, and the stored data it was worked out from."""

    owner_id: int
    rows: list[ImportRow]
    stored: Stored
    brands: list[PlannedBrand]
    contacts_added: int = 0


def plan_import(session: Session, owner_id: int, rows: list[ImportRow]) -> ImportPlan:
    """Read what the rows match and plan every change; ImportRejected on a clash."""
    return plan_from(owner_id, rows, load_stored(session, owner_id, rows))


def matching_brand_id(session: Session, owner_id: int, values: dict[str, Any]) -> int | None:
    """The stored brand a row with these values (name_key, website_domain, tiktok_handle)
    would merge into, the import's way: handle, else website domain, else name."""
    row = ImportRow(line=1, values=values, tags=[], contact=None)
    found = _Index(_planned_brands(load_stored(session, owner_id, [row]))).find(values)
    return found.id if found is not None else None


def plan_from(owner_id: int, rows: list[ImportRow], stored: Stored) -> ImportPlan:
    """The plan for `rows` against `stored` (pure: no session)."""
    index = _Index(_planned_brands(stored))
    plan = ImportPlan(owner_id=owner_id, rows=rows, stored=stored, brands=[])
    touched: dict[int, PlannedBrand] = {}
    problems: list[RowProblem] = []
    for row in rows:
        brand = index.find(row.values)
        if brand is None:
            brand = _create(row)
            index.add(brand)
        try:
            _merge(brand, row, plan)
        except ImportRejected as rejected:
            problems.extend(rejected.problems)
        touched.setdefault(id(brand), brand)
    if problems:
        raise ImportRejected(problems)
    plan.brands = list(touched.values())
    for brand in plan.brands:
        if not brand.created and brand.changed:
            what = ", ".join(name.replace("_", " ") for name in brand.changed)
            brand.activities.append((ActivityKind.IMPORTED, f"Updated by CSV import: {what}."))
    return plan


def _planned_brands(stored: Stored) -> list[PlannedBrand]:
    brands: dict[int, PlannedBrand] = {}
    for brand_id, *values in stored.brands:
        columns = dict(zip(BRAND_FIELDS, values, strict=True))
        brands[brand_id] = PlannedBrand(id=brand_id, values=columns, stored=dict(columns))
    for brand_id, name in stored.tags:
        brands[brand_id].tags.append(name)
    for contact_id, brand_id, *values in stored.contacts:
        contact = PlannedContact(contact_id, *values, stored=tuple(values))
        brands[brand_id].contacts.append(contact)
    return list(brands.values())


class _Index:
    """Planned brands by handle, domain and name; the first (oldest) one keeps a key."""

    def __init__(self, brands: list[PlannedBrand]) -> None:
        self.by_key: tuple[dict[str, PlannedBrand], ...] = ({}, {}, {})
        for brand in brands:
            self.add(brand)

    @staticmethod
    def _keys(values: dict[str, Any]) -> tuple[Any, ...]:
        return (values.get("tiktok_handle"), values.get("website_domain"), values.get("name_key"))

    def add(self, brand: PlannedBrand) -> None:
        for index, key in zip(self.by_key, self._keys(brand.values), strict=True):
            if key:
                index.setdefault(key, brand)

    def find(self, values: dict[str, Any]) -> PlannedBrand | None:
        for index, key in zip(self.by_key, self._keys(values), strict=True):
            if key and key in index:
                return index[key]
        return None


def _create(row: ImportRow) -> PlannedBrand:
    values: dict[str, Any] = {name: "" for name in ("website", "website_domain", "tiktok_handle")}
    values.update(row.values)
    values.setdefault("status", BrandStatus.LEAD)
    brand = PlannedBrand(id=None, values=values)
    label = values["status"].label
    brand.activities.append((ActivityKind.IMPORTED, f"Added by CSV import (status: {label})."))
    return brand


def _merge(brand: PlannedBrand, row: ImportRow, plan: ImportPlan) -> None:
    """Apply one row to the planned `brand`, noting the columns it changed."""
    theirs, ours = row.values.get("tiktok_handle"), brand.values.get("tiktok_handle")
    if theirs and ours and theirs != ours:
        message = f"{brand.values['name']} is already saved with @{ours}, not @{theirs}."
        raise ImportRejected([RowProblem(row.line, message)])
    changed = []
    for name, value in row.values.items():
        if name == "status" or brand.values.get(name) == value:
            continue
        brand.values[name] = value
        # name_key and website_domain follow name and website: not news of their own.
        if name not in ("name_key", "website_domain"):
            changed.append(name)
    status = row.values.get("status")
    if status is not None and status != brand.values["status"]:
        old, brand.values["status"] = brand.values["status"], status
        brand.activities.append(
            (ActivityKind.STATUS_CHANGED, f"Status: {old.label} → {status.label}.")
        )
        changed.append("status")
    if _add_tags(brand, row):
        changed.append("tags")
    if row.contact is not None and _merge_contact(brand, row.contact, plan):
        changed.append("contacts")
    for name in changed:
        if name not in brand.changed:
            brand.changed.append(name)


def _add_tags(brand: PlannedBrand, row: ImportRow) -> bool:
    have = set(brand.tags)
    new = [name for name in row.tags if name not in have]
    if len(have) + len(new) > normalise.TAGS_PER_BRAND:
        message = f"{brand.values['name']} would have more than {normalise.TAGS_PER_BRAND} tags."
        raise ImportRejected([RowProblem(row.line, message)])
    brand.tags.extend(new)
    brand.new_tags.extend(new)
    return bool(new)


def _merge_contact(brand: PlannedBrand, row: ContactRow, plan: ImportPlan) -> bool:
    """Add or update the row's contact on `brand`; True when anything changed."""
    contacts = brand.contacts
    contact = next((c for c in contacts if row.email and c.email == row.email), None) or next(
        (c for c in contacts if c.name.casefold() == row.name.casefold()), None
    )
    changed = False
    if contact is None:
        contact = PlannedContact(None, row.name, row.email, row.role, is_primary=False)
        contacts.append(contact)
        plan.contacts_added += 1
        changed = True
    else:
        for name in ("name", "email", "role"):
            value = getattr(row, name)
            if value and getattr(contact, name) != value:
                setattr(contact, name, value)
                changed = True
    primary = next((c for c in contacts if c.is_primary), None)
    if primary is None or (row.primary and primary is not contact):
        if primary is not None:
            primary.is_primary = False
        contact.is_primary = True
        changed = True
    return changed
