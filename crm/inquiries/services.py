"""An inquiry lands: the brand and contact matched or made a lead, an inbound pitch, a line
on the timeline; and the creator's inbox reads (unread counts, newest first, mark as read).

The brand is matched the way the brands CSV import matches a row
(crm.brands.merging.matching_brand_id): by website domain (the site given, else the email's
domain unless it is a free mailbox), else by name. A stranger fills this form, so a matched
brand's stored details are never overwritten; only a new contact may be added to it.
Functions flush and never commit; `now` is passed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select, update
from sqlalchemy.orm import Session, joinedload

from crm.accounts.models import User
from crm.approvals.models import ApprovalAnswer
from crm.brands import merging, normalise
from crm.brands.models import Brand, BrandSource, BrandStatus, Contact
from crm.brands.services import BrandData, BrandError, ContactData, save_brand, save_contact
from crm.errors import FieldError
from crm.inquiries import models as m
from crm.inquiries.models import Inquiry, InquiryKind
from crm.money import MAX_CENTS, format_money
from crm.ownership import owned
from crm.pitches.models import Pitch, PitchChannel, PitchKind, PitchStatus
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity

# Mailboxes anyone can open: their domain says nothing about the brand.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "yandex.com",
    }
)
# What a brand asks for -> the pitch kind it lands as.
PITCH_KINDS = {
    InquiryKind.UGC_VIDEO: PitchKind.UGC,
    InquiryKind.SPONSORED_POST: PitchKind.SPONSORSHIP,
    InquiryKind.PACKAGE: PitchKind.UGC,
    InquiryKind.RETAINER: PitchKind.RETAINER,
    InquiryKind.OTHER: PitchKind.UGC,
}
INBOUND_WORDS = "Inbound: via your media kit"
# Anything shaped like an HTML tag is dropped: the brand's words are kept as plain text
# ("budget < 500" stays), and every page shows them escaped.
_TAG = re.compile(r"</?[A-Za-z!][^<>]*>")
# The inbox lists this many inquiries and answers at most.
INBOX_SHOWN = 50


class InquiryError(FieldError):
    """A refused inquiry; the message is for the brand, beside `field`."""


@dataclass(frozen=True)
class InquiryData:
    """What the brand typed (one-line fields already one line: the form checks that)."""

    name: str
    email: str
    company: str
    kind: InquiryKind
    website: str = ""
    deliverables: str = ""
    dates: str = ""
    budget_cents: int | None = None
    message: str = ""


def plain_text(text: str) -> str:
    """`text` without anything shaped like an HTML tag, trimmed."""
    return _TAG.sub("", text).strip()


def _bounded(field: str, text: str, limit: int, required: str = "") -> str:
    value = plain_text(text)
    if required and not value:
        raise InquiryError(required, field=field)
    if len(value) > limit:
        raise InquiryError(f"Keep this under {limit:,} characters.", field=field)
    return value


def _checked(data: InquiryData) -> InquiryData:
    """The data as stored: plain text within the limits, or an InquiryError beside its field."""
    try:
        email = normalise.clean_email(data.email)
    except normalise.InvalidValue as error:
        raise InquiryError(str(error), field="email") from None
    if not email:
        raise InquiryError("Enter your email address so the creator can answer.", field="email")
    budget = data.budget_cents
    if budget is not None and not 0 <= budget <= MAX_CENTS:
        raise InquiryError("Enter a budget like 800 or 1,250.", field="budget")
    return InquiryData(
        name=_bounded("name", data.name, m.NAME_MAX, "Enter your name."),
        email=email,
        company=_bounded("company", data.company, m.COMPANY_MAX, "Enter your company or brand."),
        kind=data.kind,
        website=_bounded("website", data.website, m.WEBSITE_MAX),
        deliverables=_bounded("deliverables", data.deliverables, m.DELIVERABLES_MAX),
        dates=_bounded("dates", data.dates, m.DATES_MAX),
        budget_cents=budget,
        message=_bounded("message", data.message, m.MESSAGE_MAX),
    )


def _website(data: InquiryData) -> tuple[str, str]:
    """The brand's website and domain: the one typed, else its email's (not a free mailbox)."""
    try:
        website, domain = normalise.clean_website(data.website)
    except normalise.InvalidValue as error:
        raise InquiryError(str(error), field="website") from None
    mail_domain = data.email.rpartition("@")[2]
    if not domain and mail_domain and mail_domain not in FREE_MAIL_DOMAINS:
        website, domain = normalise.clean_website(mail_domain)
    return website, domain


def _brand(session: Session, owner_id: int, data: InquiryData) -> tuple[Brand, bool]:
    """The matched brand, or a new lead; True when it was made now."""
    website, domain = _website(data)
    try:
        name = normalise.clean_name(data.company)
    except normalise.InvalidValue as error:
        raise InquiryError(str(error), field="company") from None
    values = {"name_key": normalise.name_key(name), "website_domain": domain}
    found = merging.matching_brand_id(session, owner_id, values)
    if found is not None:
        return session.get_one(Brand, found), False
    lead = BrandData(
        name=name, website=website, source=BrandSource.INBOUND, status=BrandStatus.LEAD
    )
    try:
        return save_brand(session, owner_id, None, lead), True
    except BrandError as error:
        field = {"name": "company", "website": "website"}.get(error.field or "")
        raise InquiryError(error.message, field=field) from None


def _contact(session: Session, brand: Brand, data: InquiryData) -> Contact:
    """The brand's contact with this email (else this name), or a new one."""
    contacts = list(
        session.scalars(owned(Contact, brand.owner_id).where(Contact.brand_id == brand.id))
    )
    same = next((c for c in contacts if c.email == data.email), None) or next(
        (c for c in contacts if c.name.casefold() == data.name.casefold() and not c.email), None
    )
    if same is not None:
        return same
    return save_contact(session, brand, None, ContactData(name=data.name, email=data.email))


def _take_turn(session: Session, owner_id: int) -> None:
    """Lock the kit owner's row until the transaction ends, so inquiries match in turn.

    Two brands asking at once would each miss the other's uncommitted lead and make a
    second brand. On PostgreSQL the second waits here and, under READ COMMITTED, then sees
    the first's brand; NO KEY UPDATE leaves rows that only point at the user (every insert
    of the creator's) unblocked. SQLite ignores the clause: a write transaction there
    begins IMMEDIATE (crm.database), one writer at a time.
    """
    session.execute(select(User.id).where(User.id == owner_id).with_for_update(key_share=True))


def receive(session: Session, owner: User, data: InquiryData, now: datetime) -> Inquiry:
    """File an inquiry: brand and contact (matched or made), an inbound pitch, a timeline line."""
    data = _checked(data)
    _take_turn(session, owner.id)
    brand, _made = _brand(session, owner.id, data)
    contact = _contact(session, brand, data)
    pitch = Pitch(
        owner_id=owner.id,
        brand_id=brand.id,
        contact_id=contact.id,
        kind=PITCH_KINDS[data.kind],
        channel=PitchChannel.EMAIL,
        currency=owner.currency,
        subject=f"Inquiry: {data.kind.label}",
        # The brand wrote first: the ball is in the creator's court.
        status=PitchStatus.REPLIED,
        inbound=True,
        replied_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(pitch)
    session.flush()
    inquiry = Inquiry(
        owner_id=owner.id,
        pitch_id=pitch.id,
        brand_id=brand.id,
        name=data.name,
        email=data.email,
        company=data.company,
        website=data.website,
        kind=data.kind,
        deliverables=data.deliverables,
        dates=data.dates,
        budget_cents=data.budget_cents,
        currency=owner.currency,
        message=data.message,
        created_at=now,
    )
    session.add(inquiry)
    log_activity(
        session, brand, ActivityKind.INQUIRY, timeline_text(inquiry), pitch_id=pitch.id, at=now
    )
    return inquiry


def summary_lines(inquiry: Inquiry) -> list[str]:
    """What the brand asked for, a line a field (the timeline, the emails)."""
    lines = [f"What: {inquiry.kind.label}"]
    if inquiry.deliverables:
        lines.append(f"Deliverables: {inquiry.deliverables}")
    if inquiry.dates:
        lines.append(f"Dates: {inquiry.dates}")
    if inquiry.budget_cents is not None:
        lines.append(f"Budget: {format_money(inquiry.budget_cents, inquiry.currency)}")
    if inquiry.website:
        lines.append(f"Website: {inquiry.website}")
    return lines


def timeline_text(inquiry: Inquiry) -> str:
    """The timeline line: who asked, for what, and their message."""
    head = f"Inquiry via your media kit from {inquiry.name} ({inquiry.email})."
    text = "\n".join([head, *summary_lines(inquiry)])
    return f"{text}\n\n{inquiry.message}" if inquiry.message else text


def for_pitch(session: Session, pitch: Pitch) -> Inquiry | None:
    """The inquiry an inbound pitch came from."""
    return session.scalars(
        owned(Inquiry, pitch.owner_id).where(Inquiry.pitch_id == pitch.id)
    ).first()


def inbox_count(session: Session, owner_id: int) -> int:
    """New inquiries plus unread brand answers: the navigation's badge, in one query."""
    row = session.execute(_inbox_count_statement(), {"owner_id": owner_id}).one()
    return int(row[0] or 0) + int(row[1] or 0)


@cache
def _inbox_count_statement() -> Select[Any]:
    """Built once, the owner a bound parameter: every page's navigation runs it, and
    building it cost more than running it."""
    owner_id = bindparam("owner_id", type_=Integer)
    inquiries = owned(Inquiry, owner_id, func.count()).where(Inquiry.seen_at.is_(None))
    answers = owned(ApprovalAnswer, owner_id, func.count()).where(ApprovalAnswer.seen_at.is_(None))
    return select(inquiries.scalar_subquery(), answers.scalar_subquery())


def recent(session: Session, owner_id: int, limit: int = INBOX_SHOWN) -> list[Inquiry]:
    """The creator's latest inquiries, newest first, brand loaded."""
    return list(
        session.scalars(
            owned(Inquiry, owner_id)
            .options(joinedload(Inquiry.brand))
            .order_by(Inquiry.id.desc())
            .limit(limit)
        )
    )


def mark_seen(session: Session, owner_id: int, now: datetime) -> int:
    """Mark every new inquiry of the creator seen; how many were."""
    result = session.execute(
        update(Inquiry)
        .where(Inquiry.owner_id == owner_id, Inquiry.seen_at.is_(None))
        .values(seen_at=now)
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]
