"""Follow-ups: logging one, ghosting when the cadence runs out, the due list, the cadence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, joinedload

from crm.accounts.models import User
from crm.dates import show_date
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Count, Key, Order, Page, keyset_page
from crm.pitches import cadence
from crm.pitches.followup_rows import FollowupRow, followup_rows
from crm.pitches.models import Pitch, PitchStatus
from crm.pitches.services import PitchError, owner_day, pitch_title, transition
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity

# The furthest any timezone is ahead of UTC (Kiribati, UTC+14).
_MOST_AHEAD = timedelta(hours=14)

# `status = 'sent'` with the value in the SQL text, not a bound parameter: only then
# can the planner match the partial index ix_pitches_followups_due (SQLite never plans
# with bound values; PostgreSQL's generic plans for prepared statements do not either).
IS_SENT = Pitch.status == literal(PitchStatus.SENT.value, literal_execute=True)

# Counts on badges and the dashboard stop here and read "99+": a count never reads more
# than this many rows, however many follow-ups are due.
BADGE_CAP = 99


def capped(count: int) -> str:
    """A count as a badge says it: "99+" past the cap."""
    return f"{BADGE_CAP}+" if count > BADGE_CAP else f"{count:,}"


def _counted_up_to(rows: Select[tuple[int]], cap: int | None) -> Select[tuple[int]]:
    """A count of `rows` that stops at cap + 1 (reads them all when cap is None)."""
    if cap is not None:
        rows = rows.limit(cap + 1)
    return select(func.count()).select_from(rows.subquery())


class NotDueYet(PitchError):
    """A follow-up logged before its date: the creator is asked first (`confirmed=True`)."""

    def __init__(self, pitch: Pitch, today: date) -> None:
        due = pitch.next_followup_on
        assert due is not None
        days = (due - today).days
        super().__init__(
            f"The follow-up to {pitch.brand.name} isn't due until {due:%b} {due.day}, "
            f"{due.year} (in {days} day{'' if days == 1 else 's'})."
        )
        self.pitch = pitch
        self.due = due


@dataclass(frozen=True)
class FollowupResult:
    """What logging a follow-up did: counted one, or found the cadence over and ghosted."""

    ghosted: bool
    number: int
    next_on: date | None


def user_cadence(user: User) -> tuple[int, ...]:
    """The creator's follow-up cadence as days."""
    return cadence.cadence_or_default(user.followup_cadence)


def set_cadence(session: Session, user: User, steps: tuple[int, ...]) -> None:
    """Store a new cadence; pitches already sent keep the date they have."""
    user.followup_cadence = cadence.format_cadence(steps)
    session.flush()


def _ghost(session: Session, pitch: Pitch, now: datetime, steps: tuple[int, ...]) -> None:
    reason = f", no answer after {pitch.followups_sent} follow-up(s)"
    transition(session, pitch, PitchStatus.GHOSTED, now, steps, reason=reason)


def log_followup(
    session: Session,
    pitch: Pitch,
    now: datetime,
    steps: tuple[int, ...],
    confirmed: bool = False,
) -> FollowupResult:
    """Record that the creator followed up today and set the next date from the cadence.

    If the cadence has run out and the brand's time to answer has passed, the pitch
    is ghosted instead (the same rule as the follow-ups page's "mark ghosted"). One
    logged before its date raises NotDueYet unless `confirmed`: chasing a brand early
    is usually a mis-click, and it moves every later date forward.
    """
    if pitch.status != PitchStatus.SENT:
        raise PitchError(
            f"Only a sent pitch can be followed up; this one is {pitch.status.label.lower()}."
        )
    today = owner_day(session, pitch.owner_id, now)
    if cadence.is_ghosted(pitch.followups_sent, pitch.next_followup_on, today, steps):
        _ghost(session, pitch, now, steps)
        return FollowupResult(ghosted=True, number=pitch.followups_sent, next_on=None)
    if cadence.cadence_done(pitch.followups_sent, steps):
        raise PitchError(
            f"You've sent all {len(steps)} follow-ups of your cadence. With no answer by "
            f"{show_date(pitch.next_followup_on, weekday=True)} the pitch is marked ghosted; "
            "or mark it now."
        )
    if not confirmed and pitch.next_followup_on is not None and pitch.next_followup_on > today:
        raise NotDueYet(pitch, today)
    pitch.followups_sent += 1
    pitch.next_followup_on = cadence.next_after_followup(today, pitch.followups_sent, steps)
    pitch.updated_at = now
    session.flush()
    text = f"Follow-up {pitch.followups_sent} of {len(steps)} sent: {pitch_title(pitch)}."
    log_activity(
        session, pitch.brand, ActivityKind.FOLLOWUP_LOGGED, text, pitch_id=pitch.id, at=now
    )
    return FollowupResult(
        ghosted=False, number=pitch.followups_sent, next_on=pitch.next_followup_on
    )


def _expired(owner_id: int, today: date, steps: tuple[int, ...]) -> Select[tuple[Pitch]]:
    """Sent pitches whose cadence ran out and whose time to answer is over."""
    return owned(Pitch, owner_id).where(
        IS_SENT,
        Pitch.followups_sent >= len(steps),
        Pitch.next_followup_on <= today,
    )


def count_expired(
    session: Session,
    owner_id: int,
    today: date,
    steps: tuple[int, ...],
    cap: int | None = BADGE_CAP,
) -> int:
    """How many pitches are waiting to be marked ghosted, up to cap + 1 (read only)."""
    rows = _expired(owner_id, today, steps).with_only_columns(Pitch.id)
    return session.scalar(_counted_up_to(rows, cap)) or 0


def ghost_expired(session: Session, owner_id: int, now: datetime, steps: tuple[int, ...]) -> int:
    """Ghost every sent pitch whose cadence ran out with no answer; returns how many.

    Idempotent: a second run finds nothing. Rows are locked (PostgreSQL) and locked
    rows skipped, so two runs at once never ghost, and log, the same pitch twice.
    """
    expired = session.scalars(
        _expired(owner_id, owner_day(session, owner_id, now), steps)
        .options(joinedload(Pitch.brand))
        .order_by(Pitch.next_followup_on, Pitch.id)
        .with_for_update(skip_locked=True, of=Pitch)
    ).all()
    for pitch in expired:
        _ghost(session, pitch, now, steps)
    return len(expired)


def ghost_expired_for_everyone(session: Session, now: datetime) -> int:
    """Ghost expired pitches of every creator, each by their own cadence and day (for cron)."""
    owners = session.scalars(
        select(User).where(
            User.id.in_(
                select(Pitch.owner_id).where(
                    Pitch.status == PitchStatus.SENT,
                    Pitch.next_followup_on <= (now + _MOST_AHEAD).date(),
                )
            )
        )
    ).all()
    return sum(ghost_expired(session, user.id, now, user_cadence(user)) for user in owners)


# Oldest due date first, then the earliest sent; served by the partial index
# ix_pitches_followups_due (owner_id, next_followup_on, sent_at, id) WHERE status = 'sent'.
FOLLOWUP_ORDER = Order(
    "followups",
    (Key(Pitch.next_followup_on), Key(Pitch.sent_at, nullable=True), Key(Pitch.id)),
)


def _sent(owner_id: int) -> Select[tuple[Pitch]]:
    return owned(Pitch, owner_id).where(IS_SENT)


def due_followups(
    session: Session,
    owner_id: int,
    today: date,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
) -> Page[FollowupRow]:
    """Sent pitches with a follow-up due today or overdue, oldest due date first."""
    return keyset_page(
        session,
        _sent(owner_id).where(Pitch.next_followup_on <= today),
        FOLLOWUP_ORDER,
        cursor,
        size,
        count_cap=count_cap,
        # Loaded after the page's ids: the brand and contact join reads only the rows shown.
        rows_for=lambda ids: followup_rows(session, owner_id, ids),
    )


@dataclass(frozen=True)
class ComingUp:
    """Follow-ups due in the next days: the first few, and how many there are in all."""

    pitches: list[FollowupRow]
    total: Count

    @property
    def more(self) -> str:
        """How many are not shown, as a person says it ("980+" past the count's cap)."""
        rest = self.total.value - len(self.pitches)
        return f"{rest:,}+" if self.total.capped else f"{rest:,}"


# Product policy: the follow-ups page looks this far ahead.
COMING_UP_DAYS = 7
COMING_UP_SHOWN = 20


def coming_up(
    session: Session,
    owner_id: int,
    today: date,
    days: int = COMING_UP_DAYS,
    count_cap: int = COUNT_CAP,
) -> ComingUp:
    """Sent pitches whose follow-up falls after today and within `days`, soonest first."""
    window = _sent(owner_id).where(
        Pitch.next_followup_on > today,
        Pitch.next_followup_on <= today + timedelta(days=days),
    )
    page = keyset_page(
        session,
        window,
        FOLLOWUP_ORDER,
        None,
        COMING_UP_SHOWN,
        count_cap=count_cap,
        # Loaded after the page's ids: the brand and contact join reads only the rows shown.
        rows_for=lambda ids: followup_rows(session, owner_id, ids),
    )
    return ComingUp(list(page.items), page.total)


def due_count_query(owner_id: int, today: date, cap: int | None = BADGE_CAP) -> Select[tuple[int]]:
    """The count of follow-ups due today or overdue, up to cap + 1, as a statement."""
    due = owned(Pitch, owner_id, Pitch.id).where(IS_SENT, Pitch.next_followup_on <= today)
    return _counted_up_to(due, cap)


def count_due(session: Session, owner_id: int, today: date, cap: int | None = BADGE_CAP) -> int:
    """How many follow-ups are due today or overdue, up to cap + 1 (for a badge)."""
    return session.scalar(due_count_query(owner_id, today, cap)) or 0
