"""The follow-ups page's rows as plain values: a pitch with its brand's name and contact.

Each row was a Pitch with its Brand and Contact joined in as ORM objects; the page shows a
dozen of their columns, read here in the same one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_
from sqlalchemy.orm import Session

from crm.brands.models import Brand, Contact
from crm.ownership import owned
from crm.pitches.models import Pitch, PitchChannel, PitchKind


@dataclass(frozen=True, slots=True)
class FollowupRow:
    """What the follow-ups page shows of a sent pitch."""

    id: int
    kind: PitchKind
    channel: PitchChannel
    subject: str
    quoted_cents: int | None
    currency: str
    followups_sent: int
    next_followup_on: date
    sent_at: datetime | None
    brand_name: str
    # The pitch's contact; None when it was sent to no one in particular.
    contact_name: str | None
    contact_email: str | None


_SHOWN = (
    Pitch.id,
    Pitch.kind,
    Pitch.channel,
    Pitch.subject,
    Pitch.quoted_cents,
    Pitch.currency,
    Pitch.followups_sent,
    Pitch.next_followup_on,
    Pitch.sent_at,
    Brand.name,
    Contact.name,
    Contact.email,
)


def followup_rows(session: Session, owner_id: int, ids: Sequence[int]) -> list[FollowupRow]:
    """The rows of the creator's pitches `ids` (any order), brand and contact joined: one query."""
    statement = (
        owned(Pitch, owner_id, *_SHOWN)
        .join(Brand, and_(Brand.id == Pitch.brand_id, Brand.owner_id == owner_id))
        .outerjoin(Contact, and_(Contact.id == Pitch.contact_id, Contact.owner_id == owner_id))
        .where(Pitch.id.in_(ids))
    )
    return [FollowupRow(*row) for row in session.execute(statement)]
