"""The creator's calendar feed: a secret URL and the iCalendar it serves.

The URL's token is shown once, when made; only its SHA-256 is stored, so a copy of the
database can't read anyone's calendar. The feed holds all-day events for deliverables
due (not posted), follow-ups due, invoices due (sent, not paid) and rights windows
ending, each with a UID that stays
the same from one fetch to the next (a calendar app then moves an event, not copies it).
Reads are bounded: only events from PAST_DAYS ago to AHEAD_DAYS ahead, each kind read along an
index range of its dates (rights: crm.deals.rights_sql's last-day indexes), soonest first and
at most EVENTS_MAX per kind. The ETag is the feed's count of writes (`CalendarFeed.changes`,
kept by database triggers on every table the events are read from) and the creator's day,
read with the token: a calendar app polling an unchanged feed gets a 304, or the file served
lately from memory (`feed_file`), for that one read; no event row is read.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from icalendar import Calendar, Event
from sqlalchemy import (
    Date,
    Executable,
    Integer,
    bindparam,
    delete,
    literal,
    select,
    union_all,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import money
from crm.accounts.models import User
from crm.accounts.services import token_hash
from crm.brands.models import Brand
from crm.deals.calendar_models import CalendarFeed
from crm.deals.invoice_models import Invoice, InvoiceStatus
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
# The rows of one kind of event, as read.
Rows = Sequence[Any]
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


@dataclass(frozen=True)
class OpenedFeed:
    """The feed a token opens, and its creator, read together."""

    owner: User
    feed: CalendarFeed

    def etag(self, today: date) -> str:
        """The same while none of the feed's rows is written and the creator's day stays:
        the count of writes (a new or regenerated feed has a new token hash, so a count
        starting again at 0 is never mistaken for an old one), the day, and the format."""
        feed = self.feed
        text = (
            f"{EVENTS_FORMAT}\x1f{feed.owner_id}\x1f{feed.token_hash}\x1f{feed.changes}\x1f{today}"
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def feed_of_token(session: Session, token: str) -> OpenedFeed | None:
    """The feed `token` opens, with its creator; None for a token never made, regenerated
    or revoked. One read: it is all an unchanged feed costs."""
    if not token or len(token) > TOKEN_MAX:
        return None
    found = session.execute(
        select(User, CalendarFeed)
        .join(CalendarFeed, CalendarFeed.owner_id == User.id)
        .where(CalendarFeed.token_hash == token_hash(token))
        # The count as it is now, not as an object this session loaded earlier holds it.
        .execution_options(populate_existing=True)
    ).one_or_none()
    return None if found is None else OpenedFeed(*found)


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


def _deliverables_read(owner_id: Any, first: Any, last: Any, limit: int) -> Executable:
    """Deliverables not posted yet, due between `first` and `last`."""
    return (
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
        .limit(limit)
    )


def _deliverable_events(rows: Rows) -> list[FeedEvent]:
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


def _followups_read(owner_id: Any, first: Any, last: Any, limit: int) -> Executable:
    """Sent pitches whose next follow-up falls between `first` and `last`."""
    return (
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
        .limit(limit)
    )


def _followup_events(rows: Rows) -> list[FeedEvent]:
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


def _invoices_read(owner_id: Any, first: Any, last: Any, limit: int) -> Executable:
    """Sent invoices not paid yet, due between `first` and `last`, with their totals."""
    total = Invoice.lines_total_cents.label("total_cents")
    return (
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
        .limit(limit)
    )


def _invoice_events(rows: Rows) -> list[FeedEvent]:
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


def _rights_ending(owner_id: Any, kind: RightsKind, first: Any, last: Any, limit: int) -> Any:
    """The first `limit` deals whose `kind` window ends from `first` to `last`, soonest
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
        .limit(limit)
        .subquery(f"{kind.value}_ends")
    )
    return select(*rows.c)


def _rights_ends_read(owner_id: Any, first: Any, last: Any, limit: int) -> Executable:
    """The last day of each rights window ending between `first` and `last` (however old
    the deal), `limit` per kind at most: one statement of three index ranges."""
    return union_all(*(_rights_ending(owner_id, kind, first, last, limit) for kind in RightsKind))


def _rights_events(rows: Rows) -> list[FeedEvent]:
    events = []
    for row in rows:
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


# Each kind of event: the statement that reads its rows (of the creator, the first and last
# days, and how many at most), and how its events are made of the rows.
_KINDS: dict[str, tuple[Callable[[Any, Any, Any, int], Executable], Callable[[Rows], list]]] = {
    "deliverable": (_deliverables_read, _deliverable_events),
    "followup": (_followups_read, _followup_events),
    "invoice": (_invoices_read, _invoice_events),
    "rights": (_rights_ends_read, _rights_events),
}
# Part of every ETag: bump it when the events made of the same rows change (their wording,
# a field added, the days or the cap), so calendar apps holding the old file get the new one.
EVENTS_FORMAT = 2


@dataclass(frozen=True)
class FeedRows:
    """The rows a creator's feed is made of, as read, by kind (in the order of _KINDS)."""

    by_kind: tuple[Rows, ...]

    def events(self) -> list[FeedEvent]:
        return [
            event
            for (_read, make), rows in zip(_KINDS.values(), self.by_kind, strict=True)
            for event in make(rows)
        ]


@cache
def _statements(limit: int) -> tuple[Executable, ...]:
    """Each kind's statement, built once a process with the creator and the days as bound
    parameters (building them took 5 ms of every request)."""
    owner = bindparam("owner_id", type_=Integer)
    first, last = bindparam("first", type_=Date), bindparam("last", type_=Date)
    return tuple(build(owner, first, last, limit) for build, _make in _KINDS.values())


def feed_rows(session: Session, owner_id: int, today: date) -> FeedRows:
    """The rows of every event of the creator's feed, from PAST_DAYS ago to AHEAD_DAYS ahead:
    a statement a kind."""
    first, last = today - timedelta(days=PAST_DAYS), today + timedelta(days=AHEAD_DAYS)
    values = {"owner_id": owner_id, "first": first, "last": last}
    return FeedRows(tuple(session.execute(read, values).all() for read in _statements(EVENTS_MAX)))


def feed_events(session: Session, owner_id: int, today: date) -> list[FeedEvent]:
    """Every event of the creator's feed from PAST_DAYS ago to AHEAD_DAYS ahead."""
    return feed_rows(session, owner_id, today).events()


# Files served lately, by database and ETag: a calendar app fetches the same feed every few
# minutes to hours, and building a full one (600 events) took 25 ms. About 170 KB at the most
# each. (The ETag counts one database's writes: a process serving two, as the tests and the
# benchmark do, must not hand one's file out for the other's.)
FILES_KEPT = 32
_files: OrderedDict[tuple[URL, str], bytes] = OrderedDict()
_files_lock = threading.Lock()


def feed_file(session: Session, opened: OpenedFeed, today: date) -> tuple[str, bytes]:
    """The feed's ETag and its iCalendar file: kept by the ETag, the rows read and the file
    built only when no process-kept file has it.

    The count is read before the rows: on PostgreSQL a write committed in between is in the
    rows and moves the count on, so a kept file is never older than its ETag says."""
    etag = opened.etag(today)
    key = (session.get_bind().engine.url, etag)
    with _files_lock:
        kept = _files.get(key)
        if kept is not None:
            _files.move_to_end(key)
            return etag, kept
    made = calendar_bytes(feed_rows(session, opened.owner.id, today).events())
    with _files_lock:
        _files[key] = made
        while len(_files) > FILES_KEPT:
            _files.popitem(last=False)
    return etag, made


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
