"""Pitch operations: create, edit, move through the state machine, delete (flush, never commit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import Session

from crm import creation_tokens
from crm.accounts.models import User
from crm.brands.models import Brand, Contact
from crm.brands.services import change_status
from crm.dates import local_day
from crm.errors import FieldError
from crm.inputs import ONE_LINE_MESSAGE, is_one_line
from crm.money import CURRENCIES, MAX_CENTS
from crm.ownership import get_owned, owned
from crm.pitches import cadence, rate_sentence, states
from crm.pitches.models import Pitch, PitchChannel, PitchKind, PitchStatus
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity

# Product policy: a brand pitched this recently gets a "you pitched them already" warning.
RECENT_PITCH_DAYS = 30
SUBJECT_MAX = 200
BODY_MAX = 20_000
# A quote above a million is a typo, and stays well inside a 32-bit integer of cents.
QUOTE_MAX_CENTS = MAX_CENTS


class PitchError(FieldError):
    """A refused pitch change; `field` names the form field it belongs next to."""


class AlreadyCreated(creation_tokens.AlreadyCreated):
    """The new-pitch form was submitted twice; `pitch` is the one the first submit made."""

    def __init__(self, pitch: Pitch) -> None:
        super().__init__(pitch, "That pitch was already saved; here it is.")
        self.pitch = pitch


@dataclass(frozen=True)
class PitchData:
    """What the pitch form says, already typed."""

    kind: PitchKind = PitchKind.UGC
    channel: PitchChannel = PitchChannel.EMAIL
    contact_id: int | None = None
    quoted_cents: int | None = None
    currency: str = "USD"
    subject: str = ""
    body: str = ""


def pitch_title(pitch: Pitch) -> str:
    """How a pitch is named in timelines and lists: its subject, or its kind and channel."""
    return pitch.subject or f"{pitch.kind.label} pitch by {pitch.channel.label.lower()}"


def _check(session: Session, owner_id: int, brand: Brand, data: PitchData) -> Contact | None:
    """Refuse what the form can't catch alone; returns the chosen contact."""
    if data.quoted_cents is not None and data.quoted_cents < 0:
        raise PitchError("A rate can't be negative.", field="quoted_rate")
    if data.quoted_cents is not None and data.quoted_cents > QUOTE_MAX_CENTS:
        raise PitchError("That rate looks too large; check the amount.", field="quoted_rate")
    if data.currency not in CURRENCIES:
        raise PitchError("Pick a currency from the list.", field="currency")
    if len(data.subject) > SUBJECT_MAX:
        raise PitchError(f"Keep the subject under {SUBJECT_MAX} characters.", field="subject")
    if not is_one_line(data.subject):  # it becomes the Subject: header
        raise PitchError(ONE_LINE_MESSAGE, field="subject")
    if len(data.body) > BODY_MAX:
        raise PitchError(f"Keep the message under {BODY_MAX:,} characters.", field="body")
    if data.contact_id is None:
        return None
    contact = get_owned(session, Contact, data.contact_id, owner_id)
    if contact is None or contact.brand_id != brand.id:
        raise PitchError("Pick one of this brand's contacts.", field="contact_id")
    return contact


def _apply(pitch: Pitch, data: PitchData) -> None:
    pitch.kind = data.kind
    pitch.channel = data.channel
    pitch.contact_id = data.contact_id
    pitch.quoted_cents = data.quoted_cents
    pitch.currency = data.currency
    pitch.subject = data.subject.strip()
    # The quote wins over the message: a rate sentence left from an earlier price is rewritten.
    pitch.body = rate_sentence.align(data.body.strip(), data.quoted_cents, data.currency)


def create_pitch(
    session: Session,
    owner_id: int,
    brand_id: int,
    data: PitchData,
    now: datetime,
    token: str | None = None,
) -> Pitch:
    """A new draft pitch to one of the owner's brands, logged on the brand's timeline.

    A second submit of the same form (same `token`) raises AlreadyCreated with the first
    pitch; the unique (owner, token) constraint settles two submits racing each other.
    """
    brand = get_owned(session, Brand, brand_id, owner_id)
    if brand is None:
        raise PitchError("Pick one of your brands.", field="brand_id")
    _check(session, owner_id, brand, data)
    creation_tokens.refuse_repeat(session, Pitch, owner_id, token, AlreadyCreated)
    pitch = Pitch(
        owner_id=owner_id,
        brand_id=brand.id,
        status=PitchStatus.DRAFT,
        creation_token=token or None,
        created_at=now,
        updated_at=now,
    )
    _apply(pitch, data)
    creation_tokens.insert_once(session, pitch, AlreadyCreated)
    log_activity(
        session,
        brand,
        ActivityKind.PITCH_CREATED,
        f"Pitch drafted: {pitch_title(pitch)}.",
        pitch_id=pitch.id,
        at=now,
    )
    return pitch


def update_pitch(session: Session, owner_id: int, pitch: Pitch, data: PitchData) -> Pitch:
    """Change what a pitch says; the brand and the status stay as they are."""
    _check(session, owner_id, pitch.brand, data)
    _apply(pitch, data)
    session.flush()
    return pitch


def owner_day(session: Session, owner_id: int, now: datetime) -> date:
    """The day it is at `now` for the creator `owner_id`, in their timezone."""
    owner = session.get(User, owner_id)
    return local_day(now, owner.timezone if owner else None)


def _stamp(
    session: Session, pitch: Pitch, target: PitchStatus, now: datetime, steps: tuple[int, ...]
) -> None:
    """Set the timestamps and follow-up date that go with moving to `target`."""
    if target == PitchStatus.SENT:
        pitch.sent_at = now
        pitch.followups_sent = 0
        sent_on = owner_day(session, pitch.owner_id, now)
        pitch.next_followup_on = cadence.first_followup_on(sent_on, steps)
        return
    # Anything after sent means nobody needs chasing any more.
    pitch.next_followup_on = None
    if target == PitchStatus.REPLIED:
        pitch.replied_at = now
        pitch.closed_at = None  # a late answer to a ghosted pitch reopens it
    elif target in states.CLOSED_STATUSES:
        pitch.closed_at = now


def transition(
    session: Session,
    pitch: Pitch,
    target: PitchStatus,
    now: datetime,
    steps: tuple[int, ...] = cadence.DEFAULT_CADENCE,
    reason: str = "",
) -> Pitch:
    """Move `pitch` to `target` if the state machine allows it (else TransitionRefused).

    Stamps the time, writes the brand's timeline and moves the brand along
    (a sent pitch makes a lead contacted, a won one makes the brand a client).
    """
    current = pitch.status
    states.check_transition(current, target, pitch.inbound)
    _stamp(session, pitch, target, now, steps)
    pitch.status = target
    pitch.updated_at = now
    session.flush()
    brand = pitch.brand
    was = states.status_label(current, pitch.inbound).lower()
    text = f"Pitch {target.label.lower()}: {pitch_title(pitch)} (was {was})"
    log_activity(
        session, brand, ActivityKind.PITCH_STATUS, f"{text}{reason}.", pitch_id=pitch.id, at=now
    )
    new_brand_status = states.brand_status_after(brand.status, target)
    if new_brand_status is not None:
        change_status(session, brand, new_brand_status, at=now)
    return pitch


def delete_pitch(session: Session, pitch: Pitch, now: datetime) -> None:
    """Delete a pitch; its own timeline lines go with it, one line records the deletion."""
    brand = pitch.brand
    title = pitch_title(pitch)
    session.delete(pitch)
    session.flush()
    log_activity(session, brand, ActivityKind.PITCH_DELETED, f"Pitch deleted: {title}.", at=now)


def recent_or_open_pitch(
    session: Session, owner_id: int, brand_id: int, now: datetime
) -> Pitch | None:
    """The brand's open pitch, or one sent in the last RECENT_PITCH_DAYS, newest first."""
    since = now - timedelta(days=RECENT_PITCH_DAYS)
    return session.scalars(
        owned(Pitch, owner_id)
        .where(
            Pitch.brand_id == brand_id,
            or_(Pitch.status.in_(states.OPEN_STATUSES), Pitch.sent_at >= since),
        )
        .order_by(Pitch.created_at.desc(), Pitch.id.desc())
        .limit(1)
    ).first()


PITCHES_SHOWN = 50


@dataclass(frozen=True)
class BrandPitches:
    """The newest pitches to one brand, and how many it has in all."""

    items: list[Pitch]
    total: int


def brand_pitches(session: Session, brand: Brand) -> BrandPitches:
    """The brand's newest pitches (at most PITCHES_SHOWN) and their total."""
    statement = owned(Pitch, brand.owner_id).where(Pitch.brand_id == brand.id)
    total = session.scalar(statement.with_only_columns(func.count(Pitch.id))) or 0
    pitches = session.scalars(
        statement.order_by(Pitch.created_at.desc(), Pitch.id.desc()).limit(PITCHES_SHOWN)
    ).all()
    return BrandPitches(list(pitches), total)
