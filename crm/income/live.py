"""LIVE sessions: each feeds one LIVE-gifts income entry at the creator's own diamond value,
and the formats table says which kind of LIVE earns most per hour."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload

from crm import creation_tokens, inputs, money
from crm.accounts.models import User
from crm.dates import show_date
from crm.income import services
from crm.income.models import IncomeEntry, IncomeStatus, LiveFormat, LiveSession
from crm.market.facts import Market
from crm.ownership import owned
from crm.pagination import Key, Order, Page, keyset_page

LIVE_STREAM = "live"
DURATION_MAX_MINUTES = 24 * 60
DIAMONDS_MAX = 100_000_000
# A diamond is worth a fraction of a cent: its value is kept in millionths of a unit.
DIAMOND_VALUE_MAX_MICROS = 1_000_000  # one whole unit a diamond is far past any real value


@dataclass(frozen=True)
class SessionData:
    held_on: date
    format: LiveFormat
    duration_minutes: int
    diamonds: int


def live_threshold(market: Market) -> int:
    """The follower count that unlocks LIVE (the seed's thresholds)."""
    return next(t.followers for t in market.thresholds if "LIVE" in t.unlocks)


def diamonds_cents(diamonds: int, value_micros: int) -> int:
    """What `diamonds` are worth in cents at `value_micros` millionths of a unit each."""
    return money.convert(diamonds * 100, value_micros)


def set_diamond_value(
    session: Session, owner: User, value_micros: int | None, today: date, market: Market
) -> int:
    """Set (or clear) the creator's own value of one diamond; returns the LIVEs it now feeds.

    LIVEs logged before there was a value get their income entry now; LIVEs that already
    have one keep the value they were saved with until they are edited.
    """
    if value_micros is not None and not 0 < value_micros <= DIAMOND_VALUE_MAX_MICROS:
        raise services.IncomeError(
            "Enter what one diamond is worth to you, above 0 and under 1.", field="value"
        )
    owner.diamond_value_micros = value_micros
    session.flush()
    waiting = session.scalars(owned(LiveSession, owner.id).where(LiveSession.entry_id.is_(None)))
    fed = 0
    for live in waiting:
        _sync_entry(session, owner, live, today, market, _value_too_high)
        fed += live.entry is not None
    return fed


def _value_too_high(owner: User, live: LiveSession) -> services.IncomeError:
    return services.IncomeError(
        f"At this diamond value, the LIVE of {show_date(live.held_on)} is worth over "
        f"10 million {owner.currency}: check the value.",
        field="value",
    )


def _too_many_diamonds(owner: User, live: LiveSession) -> services.IncomeError:
    return services.IncomeError(
        f"At your diamond value, this LIVE is worth over 10 million {owner.currency}: "
        "check the diamonds.",
        field="diamonds",
    )


def feeding(session: Session, entry: IncomeEntry) -> LiveSession | None:
    """The LIVE whose gifts `entry` records (its amount and date follow the LIVE), if any."""
    return session.scalars(
        owned(LiveSession, entry.owner_id).where(LiveSession.entry_id == entry.id)
    ).first()


def _check(data: SessionData, today: date) -> None:
    problem = inputs.date_problem(data.held_on, today)
    if problem:
        raise services.IncomeError(problem, field="held_on")
    if data.held_on > today:
        raise services.IncomeError("A LIVE can't be in the future.", field="held_on")
    if not 1 <= data.duration_minutes <= DURATION_MAX_MINUTES:
        raise services.IncomeError(
            f"Enter 1 to {DURATION_MAX_MINUTES:,} minutes.", field="duration_minutes"
        )
    if not 0 <= data.diamonds <= DIAMONDS_MAX:
        raise services.IncomeError(f"Enter 0 to {DIAMONDS_MAX:,} diamonds.", field="diamonds")


def save_session(
    session: Session,
    owner: User,
    live: LiveSession | None,
    data: SessionData,
    today: date,
    market: Market,
    token: str | None = None,
) -> LiveSession:
    """Create or update a LIVE and its LIVE-gifts entry (one entry per session).

    A second submit of a new-LIVE form (same `token`) raises AlreadyCreated with the first
    LIVE before anything is written: no second LIVE, no second entry.
    """
    already = services.already_saved("LIVE")
    if live is None:
        creation_tokens.refuse_repeat(session, LiveSession, owner.id, token, already)
    _check(data, today)
    new = live is None
    live = live or LiveSession(owner_id=owner.id, creation_token=token or None)
    live.held_on, live.format = data.held_on, data.format
    live.duration_minutes, live.diamonds = data.duration_minutes, data.diamonds
    if new:
        creation_tokens.insert_once(session, live, already)
    session.flush()
    _sync_entry(session, owner, live, today, market, _too_many_diamonds)
    return live


def _sync_entry(
    session: Session,
    owner: User,
    live: LiveSession,
    today: date,
    market: Market,
    too_much: Callable[[User, LiveSession], services.IncomeError],
) -> None:
    """The session's entry follows it; none while there is no value or nothing earned.

    A LIVE worth over the income limit is refused with the caller's `too_much` error: said
    beside the diamonds when a LIVE is saved, beside the value when setting it feeds
    earlier LIVEs.
    """
    cents = diamonds_cents(live.diamonds, owner.diamond_value_micros or 0)
    if cents > services.AMOUNT_MAX_CENTS:
        raise too_much(owner, live)
    if not owner.diamond_value_micros or cents <= 0:
        if live.entry is not None:
            services.delete_entry(session, live.entry)
            live.entry = None
        return
    data = services.EntryData(
        earned_on=live.held_on,
        amount_cents=cents,
        currency=owner.currency,
        stream=LIVE_STREAM,
        status=IncomeStatus.PAID,
        note=f"LIVE ({live.format.label}), {live.diamonds:,} diamonds",
        paid_on=live.held_on,
    )
    live.entry = services.save_entry(session, owner, live.entry, data, today, market)
    session.flush()


def delete_session(session: Session, live: LiveSession) -> None:
    """Remove a LIVE and the income entry it fed."""
    entry = live.entry
    session.delete(live)
    if entry is not None:
        session.delete(entry)
    session.flush()


SESSION_ORDER = Order(
    "live", (Key(LiveSession.held_on, descending=True), Key(LiveSession.id, descending=True))
)


def session_page(
    session: Session, owner_id: int, cursor: str | None, size: int
) -> Page[LiveSession]:
    """One page of the creator's LIVEs, newest first, with the entries they fed."""
    return keyset_page(
        session,
        owned(LiveSession, owner_id),
        SESSION_ORDER,
        cursor,
        size,
        options=(joinedload(LiveSession.entry),),
    )


@dataclass(frozen=True)
class FormatEarnings:
    format: LiveFormat
    sessions: int
    minutes: int
    diamonds: int
    cents: int  # what the entries of these sessions recorded

    @property
    def diamonds_per_hour(self) -> float:
        return self.diamonds * 60 / self.minutes if self.minutes else 0.0

    @property
    def cents_per_hour(self) -> int:
        return self.cents * 60 // self.minutes if self.minutes else 0


def format_earnings(session: Session, owner_id: int) -> list[FormatEarnings]:
    """Each format's sessions, time, diamonds and money, best per hour first (one query)."""
    rows = session.execute(
        owned(
            LiveSession,
            owner_id,
            LiveSession.format,
            func.count(),
            func.sum(LiveSession.duration_minutes),
            func.sum(LiveSession.diamonds),
            func.coalesce(func.sum(IncomeEntry.reporting_cents), 0),
        )
        .outerjoin(IncomeEntry, IncomeEntry.id == LiveSession.entry_id)
        .group_by(LiveSession.format)
    ).all()
    found = [
        FormatEarnings(LiveFormat(fmt), int(n), int(minutes), int(diamonds), int(cents))
        for fmt, n, minutes, diamonds, cents in rows
    ]
    return sorted(found, key=lambda f: (-f.diamonds_per_hour, f.format.value))
