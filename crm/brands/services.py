"""Brand operations: create, edit, status, contacts, notes. They flush; the view commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.brands import normalise
from crm.brands.models import (
    Brand,
    BrandKind,
    BrandSource,
    BrandStatus,
    BrandTag,
    Contact,
)
from crm.brands.search import refresh_search  # noqa: F401  (its flush listener comes with it)
from crm.database import utcnow
from crm.errors import FieldError
from crm.ownership import owned
from crm.sentences import end_sentence
from crm.timeline.models import ActivityKind, BrandActivity
from crm.timeline.services import log_activity

NOTE_MAX = 2_000
# The same note twice within this window is a double submit, not a second note.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


class BrandError(FieldError):
    """A refused brand change; `field` names the form field it belongs next to."""

    def __init__(self, message: str, field: str | None = None, brand_id: int | None = None) -> None:
        super().__init__(message, field)
        # The existing brand a duplicate clashes with, for a link beside the message.
        self.brand_id = brand_id


@dataclass(frozen=True)
class BrandData:
    """What the brand form (or an import row) says about a brand, as typed."""

    name: str
    website: str = ""
    tiktok_handle: str = ""
    tiktok_followers: int | None = None
    product_category: str = "other"
    kind: BrandKind = BrandKind.DTC
    source: BrandSource = BrandSource.OTHER
    runs_tiktok_ads: bool = False
    status: BrandStatus = BrandStatus.LEAD
    tags: str = ""
    notes: str = ""


@dataclass(frozen=True)
class ContactData:
    name: str
    email: str = ""
    role: str = ""
    is_primary: bool = False


@contextmanager
def _beside(field_name: str) -> Iterator[None]:
    """Turn a normaliser's complaint into a BrandError shown beside `field_name`."""
    try:
        yield
    except normalise.InvalidValue as error:
        raise BrandError(str(error), field=field_name) from None


def clean_brand(data: BrandData) -> dict[str, Any]:
    """The stored column values for `data`, or a BrandError naming the field at fault."""
    values: dict[str, Any] = {}
    with _beside("name"):
        values["name"] = normalise.clean_name(data.name)
        values["name_key"] = normalise.name_key(values["name"])
    with _beside("website"):
        values["website"], values["website_domain"] = normalise.clean_website(data.website)
    with _beside("tiktok_handle"):
        values["tiktok_handle"] = normalise.clean_handle(data.tiktok_handle)
    with _beside("product_category"):
        values["product_category"] = normalise.clean_category(data.product_category)
    followers = data.tiktok_followers
    if followers is not None and followers < 0:
        raise BrandError("Enter a follower count of 0 or more.", field="tiktok_followers")
    if followers is not None and followers > normalise.FOLLOWERS_MAX:
        too_many = f"At most {normalise.FOLLOWERS_MAX:,} followers; check for an extra digit."
        raise BrandError(too_many, field="tiktok_followers")
    if len(data.notes) > normalise.NOTES_MAX:
        raise BrandError(f"Keep notes under {normalise.NOTES_MAX:,} characters.", field="notes")
    values.update(
        tiktok_followers=followers,
        kind=data.kind,
        source=data.source,
        runs_tiktok_ads=data.runs_tiktok_ads,
        status=data.status,
        notes=data.notes.strip(),
    )
    return values


def clean_tags(text: str) -> list[str]:
    """Tags as typed ('skincare, q4') cleaned, or a BrandError beside the tags field."""
    with _beside("tags"):
        return normalise.clean_tags(text)


def _check_unique(
    session: Session, owner_id: int, values: dict[str, Any], brand_id: int | None
) -> None:
    """Refuse a second brand with the same name or TikTok handle (imports match on these)."""
    checks = [("name", Brand.name_key, values["name_key"], "a brand named")]
    if values["tiktok_handle"]:
        checks.append(("tiktok_handle", Brand.tiktok_handle, values["tiktok_handle"], "@"))
    for field_name, column, value, what in checks:
        clash = session.scalars(
            owned(Brand, owner_id).where(column == value, Brand.id != (brand_id or 0)).limit(1)
        ).first()
        if clash is not None:
            shown = f"@{value}" if what == "@" else f"{what} {clash.name}"
            raise BrandError(
                f"You already have {shown} in your brands.", field=field_name, brand_id=clash.id
            )


def save_brand(session: Session, owner_id: int, brand: Brand | None, data: BrandData) -> Brand:
    """Create a brand or update `brand`; logs creation and status changes on its timeline."""
    values = clean_brand(data)
    tags = clean_tags(data.tags)
    _check_unique(session, owner_id, values, brand.id if brand else None)
    created = brand is None
    old_status = None if brand is None else brand.status
    brand = brand or Brand(owner_id=owner_id)
    for name, value in values.items():
        setattr(brand, name, value)
    session.add(brand)
    session.flush()
    set_tags(session, brand, tags)
    if created:
        what = f"Added {brand.name} (status: {brand.status.label})."
        log_activity(session, brand, ActivityKind.BRAND_CREATED, what)
    elif old_status != brand.status:
        _log_status(session, brand, old_status)
    return brand


def set_tags(session: Session, brand: Brand, names: list[str]) -> None:
    """Make `brand`'s tags exactly `names` (already cleaned)."""
    current = {tag.name: tag for tag in brand.tags}
    for name, tag in current.items():
        if name not in names:
            brand.tags.remove(tag)
    for name in names:
        if name not in current:
            brand.tags.append(BrandTag(owner_id=brand.owner_id, name=name))
    session.flush()


def _log_status(session: Session, brand: Brand, old: BrandStatus | None) -> None:
    before = old.label if old else "none"
    log_activity(
        session, brand, ActivityKind.STATUS_CHANGED, f"Status: {before} → {brand.status.label}."
    )


def change_status(
    session: Session, brand: Brand, status: BrandStatus, at: datetime | None = None
) -> bool:
    """Move `brand` to `status`, logged on its timeline; False when it already was there."""
    if brand.status == status:
        return False
    old = brand.status
    brand.status = status
    session.flush()
    log_activity(
        session, brand, ActivityKind.STATUS_CHANGED, f"Status: {old.label} → {status.label}.", at=at
    )
    return True


def delete_brand(session: Session, brand: Brand) -> None:
    """Delete `brand` with its contacts, tags, timeline, pitches and deals; one with an
    invoice on a deal is refused (invoices stay on record)."""
    from crm.deals.models import Deal
    from crm.deals.services import refuse_if_invoiced

    refuse_if_invoiced(session, brand.owner_id, Deal.brand_id == brand.id, what="brand")
    session.delete(brand)
    session.flush()


def add_note(session: Session, brand: Brand, text: str) -> BrandActivity:
    """A free note on the brand's timeline; the same note sent twice is refused."""
    note = text.strip()
    if not note:
        raise BrandError("Write something in the note first.", field="text")
    if len(note) > NOTE_MAX:
        raise BrandError(f"Keep a note under {NOTE_MAX:,} characters.", field="text")
    recent = session.scalars(
        owned(BrandActivity, brand.owner_id).where(
            BrandActivity.brand_id == brand.id,
            BrandActivity.kind == ActivityKind.NOTE,
            BrandActivity.text == note,
            BrandActivity.at >= utcnow() - DOUBLE_SUBMIT_WINDOW,
        )
    ).first()
    if recent is not None:
        raise BrandError("That note is already on the timeline.", field="text")
    return log_activity(session, brand, ActivityKind.NOTE, note)


def delete_note(session: Session, note: BrandActivity) -> None:
    """Remove a free note; other timeline lines are history and stay."""
    if note.kind != "note":
        raise BrandError("Only notes you wrote can be deleted from the timeline.")
    session.delete(note)
    session.flush()


def _clean_contact(data: ContactData) -> dict[str, Any]:
    name = " ".join(data.name.split())
    if not name:
        raise BrandError("Enter the contact's name.", field="name")
    if len(name) > normalise.CONTACT_NAME_MAX:
        raise BrandError(f"Keep the name under {normalise.CONTACT_NAME_MAX} characters.", "name")
    role = " ".join(data.role.split())
    if len(role) > normalise.ROLE_MAX:
        raise BrandError(f"Keep the role under {normalise.ROLE_MAX} characters.", field="role")
    with _beside("email"):
        email = normalise.clean_email(data.email)
    return {"name": name, "email": email, "role": role}


def save_contact(
    session: Session, brand: Brand, contact: Contact | None, data: ContactData
) -> Contact:
    """Add a contact to `brand` or update `contact`; a brand's first contact is its primary."""
    values = _clean_contact(data)
    others = [c for c in _contacts(session, brand) if contact is None or c.id != contact.id]
    _check_contact_clash(brand, others, values)
    created = contact is None
    contact = contact or Contact(owner_id=brand.owner_id, brand_id=brand.id)
    for name, value in values.items():
        setattr(contact, name, value)
    session.add(contact)
    session.flush()
    if data.is_primary or not any(c.is_primary for c in others):
        make_primary(session, contact)
    if created:
        role = f" ({contact.role})" if contact.role else ""
        log_activity(
            session, brand, ActivityKind.CONTACT_ADDED, f"Added contact {contact.name}{role}."
        )
    return contact


def _check_contact_clash(brand: Brand, others: list[Contact], values: dict[str, Any]) -> None:
    """Refuse the same email twice at a brand, and the same person twice (a double submit)."""
    for other in others:
        if values["email"] and other.email == values["email"]:
            at = end_sentence(brand.name)
            raise BrandError(f"{other.name} already has this email at {at}", "email")
        if other.name.casefold() == values["name"].casefold() and other.email == values["email"]:
            at = end_sentence(brand.name)
            raise BrandError(f"{other.name} is already a contact at {at}", "name")


def _contacts(session: Session, brand: Brand) -> list[Contact]:
    return list(session.scalars(owned(Contact, brand.owner_id).where(Contact.brand_id == brand.id)))


def make_primary(session: Session, contact: Contact) -> None:
    """Make `contact` its brand's one primary contact."""
    others = [
        c
        for c in session.scalars(
            owned(Contact, contact.owner_id).where(
                Contact.brand_id == contact.brand_id, Contact.is_primary.is_(True)
            )
        )
        if c.id != contact.id
    ]
    for other in others:
        other.is_primary = False
    # Clear the old primary first: the unique index allows one per brand at any moment.
    session.flush()
    contact.is_primary = True
    session.flush()


def delete_contact(session: Session, contact: Contact) -> None:
    """Remove a contact; when it was the primary, the oldest remaining contact takes over."""
    brand_id, was_primary, owner_id = contact.brand_id, contact.is_primary, contact.owner_id
    session.delete(contact)
    session.flush()
    if was_primary:
        successor = session.scalars(
            owned(Contact, owner_id)
            .where(Contact.brand_id == brand_id)
            .order_by(Contact.created_at, Contact.id)
            .limit(1)
        ).first()
        if successor is not None:
            successor.is_primary = True
            session.flush()


def brand_count(session: Session, owner_id: int) -> int:
    """How many brands `owner_id` has."""
    return session.scalar(owned(Brand, owner_id, func.count())) or 0


def tag_names(session: Session, owner_id: int) -> list[str]:
    """Every tag the creator uses, for the list's tag filter.

    One index seek per name, from each name to the next (ix_brand_tags_owner_name): a
    DISTINCT would make PostgreSQL read every tag of the account (it has no skip scan).
    """
    names = (
        select(func.min(BrandTag.name).label("name"))
        .where(BrandTag.owner_id == owner_id)
        .cte("tag_names", recursive=True)
    )
    following = (
        select(func.min(BrandTag.name))
        .where(BrandTag.owner_id == owner_id, BrandTag.name > names.c.name)
        .scalar_subquery()
    )
    names = names.union_all(select(following).where(names.c.name.is_not(None)))
    return list(
        session.scalars(
            select(names.c.name).where(names.c.name.is_not(None)).order_by(names.c.name)
        )
    )
