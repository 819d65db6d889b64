"""The creator's calendar feed: a secret URL and the iCalendar it serves.

The URL's token is shown once, when made; only its SHA-256 is stored, so a copy of the
database can't read anyone's calendar. The feed holds all-day events for deliverables
due (not posted), follow-ups due, invoices due (sent, not paid) and rights windows
ending, each with a UID that stays
the same from one fetch to the next (a calendar app then moves an event, not copies it).
Reads are bounded: only events from PAST_DAYS ago to AHEAD_DAYS ahead, each kind read along an
index range of its dates (rights: crm.deals.rights_sql's last-day indexes), soonest first and
at most EVENTS_MAX per kind. `feed_etag` names the events without serialising them, so a
calendar app revalidating an unchanged feed gets a 304 for the price of the reads.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import delete, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import money
from crm.accounts.models import User
from crm.accounts.services import token_hash
from crm.brands.models import Brand
from crm.deals.calendar_models import CalendarFeed
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus
from crm.deals.rights import RightsKind
from crm.deals.rights_sql import ends_between, window_end
from crm.ownership import owned
from crm.pitches.followups import IS_SENT
from crm.pitches.models import Pitch

# What a calendar app shows of a feed: the last two weeks and the next six months.
PAST_DAYS = 14
AHEAD_DAYS = 180
# Per kind of event, soonest first: the next hundred follow-ups (or deliverables, invoices,
# rights ends) are what a calendar is read for; the later ones come in as these pass, and the
# Due and follow-ups pages list everything. (250 a kind made a busy feed of 1,200 events that
# took 55 ms to serve on every poll.)
EVENTS_MAX = 100
# token_urlsafe(32) is 43 characters; anything much longer is not one of ours.
TOKEN_MAX = 100
UID_DOMAIN = "creator-crm"
# Served by the partial index ix_deliverables_due: the literal written into the SQL.
NOT_POSTED = Deliverable.status != literal(DeliverableStatus.POSTED.value, literal_execute=True)


def feed_of(session: Session, owner_id: int) -> CalendarFeed | None:
    """The creator's feed, if they made one."""
    return session.scalars(
        select(CalendarFeed).where(CalendarFeed.owner_id == owner_id)
    ).one_or_none()


def new_feed_token(session: Session, owner_id: int, now: datetime) -> str:
    """A new secret for the creator's feed (made, or replacing the old one: its URL stops)."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(session, owner_id)
    if feed is None:
        try:
            # Two first clicks at once: only the unique owner_id sees the clash.
            with session.begin_nested():
                session.add(
                    CalendarFeed(owner_id=owner_id, token_hash=token_hash(token), created_at=now)
                )
            return token
        except IntegrityError:
            feed = feed_of(session, owner_id)
            assert feed is not None
    feed.token_hash = token_hash(token)
    feed.created_at = now
    session.flush()
    return token


def revoke_feed(session: Session, owner_id: int) -> bool:
    """Forget the creator's feed: its URL stops working. False when there was none."""
    result = session.execute(delete(CalendarFeed).where(CalendarFeed.owner_id == owner_id))
    session.flush()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def owner_of_token(session: Session, token: str) -> User | None:
    """The creator whose feed `token` opens, or None (unknown, regenerated or revoked)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return session.scalars(
        select(User)
        .join(CalendarFeed, CalendarFeed.owner_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(token))
    ).one_or_none()


@dataclass(frozen=True)
class FeedEvent:
    """One all-day event; `stamp` is when its source last changed (DTSTAMP)."""

    uid: str
    on: date
    summary: str
    description: str
    stamp: datetime


def _uid(kind: str, *parts: object) -> str:
    return "-".join([kind, *(str(p) for p in parts)]) + f"@{UID_DOMAIN}"


def deliverable_events(session: Session, owner_id: int, first: date, last: date) -> list[FeedEvent]:
    """Deliverables not posted yet, due between `first` and `last`."""
    rows = session.execute(
        owned(
            Deliverable,
            owner_id,
            Deliverable.id,
            Deliverable.title,
            Deliverable.due_on,
            Deliverable.status,
            Deliverable.updated_at,
            Deal.title.label("deal_title"),
            Brand.name.label("brand_name"),
        )
        .join(Deal, Deal.id == Deliverable.deal_id)
        .join(Brand, Brand.id == Deal.brand_id)
        .where(NOT_POSTED, Deliverable.due_on >= first, Deliverable.due_on <= last)
        .where(Deal.status != DealStatus.CANCELLED)
        .order_by(Deliverable.due_on, Deliverable.id)
        .limit(EVENTS_MAX)
    ).all()
    return [
        FeedEvent(
            _uid("deliverable", row.id),
            row.due_on,
            f"Due: {row.title} ({row.brand_name})",
            f"{row.deal_title}: {row.title}, {row.status.label.lower()}.",
            row.updated_at,
        )
        for row in rows
    ]


def followup_events(session: Session, owner_id: int, first: date, last: date) -> list[FeedEvent]:
    """Sent pitches whose next follow-up falls between `first` and `last`."""
    rows = session.execute(
        owned(
            Pitch,
            owner_id,
            Pitch.id,
            Pitch.subject,
            Pitch.next_followup_on,
            Pitch.followups_sent,
            Pitch.updated_at,
            Brand.name.label("brand_name"),
        )
        .join(Brand, Brand.id == Pitch.brand_id)
        .where(IS_SENT, Pitch.next_followup_on >= first, Pitch.next_followup_on <= last)
        # The order of ix_pitches_followups_due: read along it, the first EVENTS_MAX rows are
        # the answer (ordered by id alone after the day, every day's pitches were sorted).
        .order_by(Pitch.next_followup_on, Pitch.sent_at, Pitch.id)
        .limit(EVENTS_MAX)
    ).all()
    return [
        FeedEvent(
            _uid("followup", row.id),
            row.next_followup_on,
            f"Follow up: {row.brand_name}",
            f"Follow-up {row.followups_sent + 1} on {row.subject or 'your pitch'}.",
            row.updated_at,
        )
        for row in rows
    ]


def invoice_events(session: Session, owner_id: int, first: date, last: date) -> list[FeedEvent]:
    """Sent invoices not paid yet, due between `first` and `last`, with their totals."""
    total = (
        select(func.coalesce(func.sum(InvoiceLine.quantity * InvoiceLine.unit_cents), 0))
        .where(InvoiceLine.invoice_id == Invoice.id)
        .scalar_subquery()
        .label("total_cents")
    )
    rows = session.execute(
        owned(
            Invoice,
            owner_id,
            Invoice.id,
            Invoice.number,
            Invoice.due_on,
            Invoice.currency,
            Invoice.updated_at,
            total,
            Deal.title.label("deal_title"),
            Brand.name.label("brand_name"),
        )
        .join(Deal, Deal.id == Invoice.deal_id)
        .join(Brand, Brand.id == Deal.brand_id)
        .where(Invoice.status == InvoiceStatus.SENT)
        .where(Invoice.due_on >= first, Invoice.due_on <= last)
        .order_by(Invoice.due_on, Invoice.id)
        .limit(EVENTS_MAX)
    ).all()
    return [
        FeedEvent(
            _uid("invoice", row.id),
            row.due_on,
            f"Invoice due: {row.number} ({row.brand_name})",
            f"{row.number} for {row.deal_title}: "
            f"{money.format_money(int(row.total_cents), row.currency)}, not marked paid yet.",
            row.updated_at,
        )
        for row in rows
    ]


def _rights_ending(owner_id: int, kind: RightsKind, first: date, last: date) -> Any:
    """The first EVENTS_MAX deals whose `kind` window ends from `first` to `last`, soonest
    first: one range of the kind's index (owner, last day)."""
    end = window_end(kind).label("ends_on")
    rows = (
        owned(
            Deal,
            owner_id,
            literal(kind.value).label("kind"),
            Deal.id,
            Deal.title,
            Deal.updated_at,
            end,
            Brand.name.label("brand_name"),
        )
        .join(Brand, Brand.id == Deal.brand_id)
        .where(ends_between(kind, first, last))
        .order_by(window_end(kind), Deal.id)
        .limit(EVENTS_MAX)
        .subquery(f"{kind.value}_ends")
    )
    return select(*rows.c)


def rights_events(session: Session, owner_id: int, first: date, last: date) -> list[FeedEvent]:
    """The last day of each rights window ending between `first` and `last` (however old
    the deal), EVENTS_MAX per kind at most: one statement of three index ranges."""
    statement = union_all(*(_rights_ending(owner_id, kind, first, last) for kind in RightsKind))
    events = []
    for row in session.execute(statement):
        kind = RightsKind(row.kind)
        events.append(
            FeedEvent(
                _uid("rights", row.id, kind.value),
                _as_date(row.ends_on),
                f"{kind.label} ends: {row.title} ({row.brand_name})",
                f"The last day of {kind.label.lower()} on {row.title}: "
                "a chance to sell an extension.",
                row.updated_at,
            )
        )
    return events


def _as_date(value: date | str) -> date:
    # SQLite's date() gives text; PostgreSQL's date + integer gives a date.
    return value if isinstance(value, date) else date.fromisoformat(value)


def feed_events(session: Session, owner_id: int, today: date) -> list[FeedEvent]:
    """Every event of the creator's feed from PAST_DAYS ago to AHEAD_DAYS ahead."""
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)
    return [
        *deliverable_events(session, owner_id, first, last),
        *followup_events(session, owner_id, first, last),
        *invoice_events(session, owner_id, first, last),
        *rights_events(session, owner_id, first, last),
    ]


def feed_etag(events: Iterable[FeedEvent]) -> str:
    """A validator for the feed made of its events: any event added, dropped or changed (a
    brand renamed, a date moved) changes it, and no iCalendar is built to find out."""
    digest = hashlib.sha256()
    for item in events:
        parts = (item.uid, item.on.isoformat(), item.summary, item.description, item.stamp)
        digest.update("\x1f".join(str(part) for part in parts).encode() + b"\x1e")
    return digest.hexdigest()[:32]


def calendar_bytes(events: Iterable[FeedEvent]) -> bytes:
    """The events as an iCalendar file (RFC 5545), all-day and free (they block no time).

    Each event is serialised once per process and kept (`_event_bytes`): a calendar app
    fetches the same feed again and again, and building a component costs a third of a
    millisecond, so a full feed would otherwise spend most of its time there."""
    head, tail = _calendar_frame()
    return b"".join([head, *(_event_bytes(item) for item in events), tail])


@cache
def _calendar_frame() -> tuple[bytes, bytes]:
    """The calendar's own lines, split where its events go (before END:VCALENDAR)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Creator CRM//Deals and follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Creator CRM")
    whole = calendar.to_ical()
    end = whole.rindex(b"END:VCALENDAR")
    return whole[:end], whole[end:]


# About 250 bytes each: 8,192 events (a few large feeds or many small ones) stay under 3 MB.
@lru_cache(maxsize=8192)
def _event_bytes(item: FeedEvent) -> bytes:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", item.stamp)
    event.add("dtstart", item.on)
    event.add("dtend", item.on + timedelta(days=1))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("transp", "TRANSPARENT")
    return event.to_ical()
