"""The retainer roll: each month of an active retainer gets its deliverables and its invoice, once.

`roll_retainers` is what `crm deals roll-retainers` runs, safe to run daily from cron.
A month counts in the creator's timezone. Nothing is rolled for a month before the deal was
entered: a retainer typed in today with a start month long past gets this month, not years
of overdue videos and draft invoices. Each deal-month is its own transaction: its
`retainer_months` row is inserted first, in a savepoint, and the unique (deal, month)
lets only one run through; a run that loses, at any overlap, skips the month.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from crm import database, dates
from crm.accounts.models import User
from crm.deals import invoices
from crm.deals.checks import TITLE_MAX
from crm.deals.invoice_models import Invoice
from crm.deals.models import Deal, DealKind, DealStatus, Deliverable, DeliverableType
from crm.deals.retainer_models import RetainerMonth
from crm.deals.services import DeliverableData, save_deliverable
from crm.errors import FieldError
from crm.ownership import owned

# Creators looked at per query; each one's deals and months are read apart.
BATCH = 100


@dataclass(frozen=True)
class RolledMonth:
    """One month a run created: its deliverables, and its invoice (None without a fee)."""

    owner_id: int
    deal_id: int
    deal_title: str
    month: date
    deliverables: int
    invoice_number: str | None


@dataclass(frozen=True)
class FailedMonth:
    """A month that could not be rolled (nothing of it kept): why, as the creator would read it."""

    owner_id: int
    deal_id: int
    deal_title: str
    month: date
    reason: str


@dataclass
class RollResult:
    rolled: list[RolledMonth] = field(default_factory=list)
    failed: list[FailedMonth] = field(default_factory=list)
    # Months another run rolled between this run's look and its insert.
    taken_by_another_run: int = 0
    retainers: int = 0


def month_name(month: date) -> str:
    """'March 2027'."""
    return dates.show_month(f"{month:%Y-%m}")


def _next_month(month: date) -> date:
    return dates.month_days(month.year, month.month)[1]


def month_end(month: date) -> date:
    """The last day of `month`'s month."""
    return _next_month(month) - timedelta(days=1)


def first_month(deal: Deal, zone: str | None) -> date | None:
    """The 1st of the first month to roll: the later of the start month and the month the
    deal was entered (in the creator's timezone `zone`)."""
    if deal.start_month is None:
        return None
    entered = dates.local_day(deal.created_at, zone).replace(day=1)
    return max(deal.start_month.replace(day=1), entered)


def months_due(deal: Deal, today: date, zone: str | None) -> Iterator[date]:
    """The 1st of each month the retainer owes by `today` (the creator's day, in `zone`):
    from its first month (see `first_month`) to today's month, none whose 1st is after
    `cancelled_on`."""
    month = first_month(deal, zone)
    if month is None:
        return
    while month <= today and (deal.cancelled_on is None or month <= deal.cancelled_on):
        yield month
        month = _next_month(month)


def _titled(head: str, tail: str, most: int) -> str:
    """`head` + `tail`, the head shortened so the whole fits in `most` characters."""
    return head[: max(most - len(tail), 0)].rstrip() + tail


def deliverable_title(deal_title: str, number: int, of: int, month: date) -> str:
    """'Glow Co retainer: video 2 of 4, March 2027'."""
    return _titled(deal_title, f": video {number} of {of}, {month_name(month)}", TITLE_MAX)


def _retainer_owners() -> Select[tuple[int]]:
    return select(Deal.owner_id).where(
        Deal.kind == DealKind.RETAINER, Deal.status == DealStatus.ACTIVE
    )


def roll_retainers(session: Session, now: datetime | None = None) -> RollResult:
    """Roll every creator's active retainers up to their month at `now` (default: the clock).

    Creators are read `BATCH` at a time; every deal-month is committed on its own.
    """
    now = now or database.utcnow()
    result = RollResult()
    after = 0
    while True:
        users = session.scalars(
            select(User)
            .where(User.id > after, User.id.in_(_retainer_owners()))
            .order_by(User.id)
            .limit(BATCH)
        ).all()
        if not users:
            return result
        after = users[-1].id
        for user in users:
            roll_creator(session, user, dates.local_day(now, user.timezone), result)
        session.expunge_all()


def roll_saved_deal(session: Session, user: User, deal: Deal, today: date) -> RollResult:
    """Right after a retainer deal was saved (and committed), roll the creator's due months,
    so a new retainer shows this month's deliverables and invoice at once.

    The cron job's own roll (`roll_creator`), so the job, or saving again, adds nothing
    more. Nothing for a deal of another kind. Commits each month, as the job does.
    """
    result = RollResult()
    if deal.kind is DealKind.RETAINER:
        roll_creator(session, user, today, result)
    return result


def rolled_months(session: Session, owner_id: int, deal_ids: list[int]) -> set[tuple[int, date]]:
    """(deal id, month) of the creator's months rolled already, among `deal_ids`."""
    rows = session.execute(
        owned(RetainerMonth, owner_id, RetainerMonth.deal_id, RetainerMonth.month).where(
            RetainerMonth.deal_id.in_(deal_ids)
        )
    ).all()
    return {(deal_id, month) for deal_id, month in rows}


def roll_creator(session: Session, user: User, today: date, result: RollResult) -> None:
    """Roll the creator's active retainers up to `today`'s month (their day)."""
    deals = session.scalars(
        owned(Deal, user.id)
        .where(
            Deal.kind == DealKind.RETAINER,
            Deal.status == DealStatus.ACTIVE,
            Deal.videos_per_month.is_not(None),
            Deal.start_month <= today,
        )
        .options(joinedload(Deal.brand), joinedload(Deal.contact))
        .order_by(Deal.id)
    ).all()
    result.retainers += len(deals)
    done = rolled_months(session, user.id, [d.id for d in deals])
    for deal in deals:
        for month in months_due(deal, today, user.timezone):
            if (deal.id, month) not in done:
                _roll_month(session, user, deal, month, today, result)


def _roll_month(
    session: Session, user: User, deal: Deal, month: date, today: date, result: RollResult
) -> None:
    owner_id, deal_id, title = user.id, deal.id, deal.title
    row = RetainerMonth(owner_id=owner_id, deal_id=deal_id, month=month)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another run inserted this month first (it waited for that run's commit): skip.
        session.rollback()
        result.taken_by_another_run += 1
        return
    try:
        made = _deliverables(session, user, deal, month, today)
        invoice = _invoice(session, user, deal, month, today)
        row.invoice_id = invoice.id if invoice is not None else None
        session.flush()
    except FieldError as error:
        session.rollback()
        result.failed.append(FailedMonth(owner_id, deal_id, title, month, error.message))
        return
    number = invoice.number if invoice is not None else None
    session.commit()
    result.rolled.append(RolledMonth(owner_id, deal_id, title, month, len(made), number))


def _deliverables(
    session: Session, user: User, deal: Deal, month: date, today: date
) -> list[Deliverable]:
    count = deal.videos_per_month or 0
    due = month_end(month)
    return [
        save_deliverable(
            session,
            user,
            deal,
            None,
            DeliverableData(
                title=deliverable_title(deal.title, number, count, month),
                type=DeliverableType.UGC_VIDEO,
                due_on=due,
            ),
            today,
        )
        for number in range(1, count + 1)
    ]


def _invoice(session: Session, user: User, deal: Deal, month: date, today: date) -> Invoice | None:
    """The month's draft invoice for the fee, dated the 1st; None for a retainer without one."""
    if deal.amount_cents <= 0:
        return None
    count = deal.videos_per_month or 0
    videos = f"{count} video{'s' if count != 1 else ''}"
    line = invoices.LineData(
        _titled(deal.title, f": {videos}, {month_name(month)}", invoices.DESCRIPTION_MAX),
        1,
        deal.amount_cents,
    )
    data = invoices.InvoiceData(
        issue_on=month,
        due_on=invoices.due_for(deal.payment_terms, month),
        lines=[line],
        billing_details=invoices.billing_details(deal),
    )
    invoice = invoices.create_invoice(session, user, deal, data, today)
    # A month's fee is not the deposit a 50% upfront deal's first invoice asks for.
    invoice.is_deposit = False
    session.flush()
    return invoice
