"""Email operations on pitches: save the draft, record that an email went out (flush only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand
from crm.dates import show_date
from crm.emails.kinds import PITCH_KIND_FOR, EmailKind
from crm.pitches import followups, services
from crm.pitches.models import Pitch, PitchChannel, PitchStatus
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity


@dataclass(frozen=True)
class EmailText:
    """What the creator has in the editor."""

    subject: str
    body: str
    quoted_cents: int | None = None


def create_draft(
    session: Session,
    owner_id: int,
    brand: Brand,
    kind: EmailKind,
    text: EmailText,
    currency: str,
    contact_id: int | None,
    now: datetime,
    token: str | None = None,
) -> Pitch:
    """A new draft pitch holding the email and its quoted rate (pitches.services does it)."""
    data = services.PitchData(
        kind=PITCH_KIND_FOR[kind],
        channel=PitchChannel.EMAIL,
        contact_id=contact_id,
        quoted_cents=text.quoted_cents,
        currency=currency,
        subject=text.subject,
        body=text.body,
    )
    return services.create_pitch(session, owner_id, brand.id, data, now, token=token)


def update_draft(
    session: Session, owner_id: int, pitch: Pitch, text: EmailText, contact_id: int | None
) -> Pitch:
    """Put the edited email (and its rate) on a draft pitch; anything but a draft is refused."""
    if pitch.status != PitchStatus.DRAFT:
        raise services.PitchError(
            f"This pitch is {pitch.status.label.lower()}, so its first email can't change now."
        )
    data = services.PitchData(
        kind=pitch.kind,
        channel=PitchChannel.EMAIL,
        contact_id=pitch.contact_id or contact_id,
        quoted_cents=text.quoted_cents,
        currency=pitch.currency,
        subject=text.subject,
        body=text.body,
    )
    return services.update_pitch(session, owner_id, pitch, data)


def record_sent(session: Session, user: User, pitch: Pitch, kind: EmailKind, now: datetime) -> str:
    """Move the pitch on for an email that went out; returns what happened, in words.

    The first email sends the draft (the follow-up date is set from the cadence), a
    follow-up is logged against the cadence, and rates sent mean the brand answered
    and talks are on: the pitch moves to negotiating.
    """
    steps = followups.user_cadence(user)
    if kind.is_pitch:
        services.transition(session, pitch, PitchStatus.SENT, now, steps)
        due = pitch.next_followup_on
        return (
            f"Pitch marked sent. First follow-up due {show_date(due, weekday=True)}."
            if due
            else "Sent."
        )
    if kind in (EmailKind.FIRST_FOLLOWUP, EmailKind.SECOND_FOLLOWUP):
        # The email is out already: record it, early or not (nothing to ask).
        result = followups.log_followup(session, pitch, now, steps, confirmed=True)
        if result.ghosted:
            return "The cadence had run out with no answer: the pitch is now ghosted."
        next_on = show_date(result.next_on, weekday=True)
        return f"Follow-up {result.number} logged. Next date: {next_on}."
    return _rates_sent(session, pitch, now, steps)


def _rates_sent(session: Session, pitch: Pitch, now: datetime, steps: tuple[int, ...]) -> str:
    if pitch.status == PitchStatus.SENT:
        services.transition(session, pitch, PitchStatus.REPLIED, now, steps)
    if pitch.status == PitchStatus.REPLIED:
        services.transition(
            session, pitch, PitchStatus.NEGOTIATING, now, steps, reason=", rates sent"
        )
        return "Rates sent: the pitch is now negotiating."
    if pitch.status != PitchStatus.NEGOTIATING:
        raise services.PitchError(
            f"This pitch is {pitch.status.label.lower()}; nothing to reply to."
        )
    log_activity(
        session,
        pitch.brand,
        ActivityKind.RATES_SENT,
        f"Rates sent: {services.pitch_title(pitch)}.",
        pitch_id=pitch.id,
        at=now,
    )
    return "Rates sent and logged on the pitch."


def log_email_sent(
    session: Session, pitch: Pitch, kind: EmailKind, to_address: str, subject: str, now: datetime
) -> None:
    """One timeline line for an email the app sent itself: what, to whom, when."""
    log_activity(
        session,
        pitch.brand,
        ActivityKind.EMAIL_SENT,
        f"{kind.label} emailed to {to_address}: {subject}.",
        pitch_id=pitch.id,
        at=now,
    )
