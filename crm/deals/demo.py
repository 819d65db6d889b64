"""Demo deals: work at different stages for the demo's client brands, through the real services.

Deliverables due this week and overdue, a gifted deal with its product's value, rights
(paid usage ending within 14 days, a perpetual one, an exclusivity) and invoices draft,
sent, overdue and paid (its income recorded by the invoice service). Last, a monthly
retainer entered two months back, rolled by the real retainer roll: its past months posted
and paid, this month's videos to make and its invoice drafted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, BrandStatus
from crm.dates import month_range, today_in
from crm.deals import invoice_drafts, invoices, retainers, services
from crm.deals.due import week_end
from crm.deals.invoice_models import Invoice
from crm.deals.models import (
    Deal,
    DealKind,
    Deliverable,
    DeliverableStatus,
    DeliverableType,
    PaymentTerms,
)
from crm.market.current import market
from crm.ownership import owned
from crm.pitches.models import Pitch, PitchStatus

T = DeliverableType
S = DeliverableStatus


@dataclass(frozen=True)
class _Work:
    """One demo deliverable: its due date (days from today), where it stands, when posted."""

    title: str
    type: DeliverableType
    due: int
    status: DeliverableStatus = S.BRIEFED
    posted: int | None = None  # days ago


def _won_pitch(session: Session, owner_id: int, brand_id: int, kind: DealKind) -> Pitch | None:
    """A won pitch of the brand, of the deal's kind, no deal came from yet: the deal's source."""
    taken = select(Deal.pitch_id).where(Deal.owner_id == owner_id, Deal.pitch_id.is_not(None))
    kinds = [p for p, d in services.KIND_FOR_PITCH.items() if d is kind]
    return session.scalars(
        owned(Pitch, owner_id)
        .where(
            Pitch.brand_id == brand_id,
            Pitch.status == PitchStatus.WON,
            Pitch.kind.in_(kinds),
            Pitch.quoted_cents.is_not(None),
            Pitch.id.not_in(taken),
        )
        .order_by(Pitch.id)
        .limit(1)
    ).first()


def _deal(
    session: Session, user: User, brand: Brand, data: services.DealData, work: list[_Work]
) -> Deal:
    """The deal with its deliverables; from the brand's won pitch when one fits, at its quote."""
    today = today_in(user.timezone)
    data = replace(data, brand_id=brand.id)
    pitch = (
        None if data.kind is DealKind.GIFTED else _won_pitch(session, user.id, brand.id, data.kind)
    )
    if pitch is not None and pitch.quoted_cents is not None:
        amount = pitch.quoted_cents
        data = replace(data, pitch_id=pitch.id, amount_cents=amount, currency=pitch.currency)
    deal = services.save_deal(session, user, None, data, today)
    for item in work:
        due_on = today + timedelta(days=item.due)
        data_item = services.DeliverableData(item.title, item.type, due_on=due_on)
        deliverable = services.save_deliverable(session, user, deal, None, data_item, today)
        if item.posted is not None:
            services.move_deliverable(
                session, deliverable, S.POSTED, today, posted_on=today - timedelta(days=item.posted)
            )
        elif item.status is not S.BRIEFED:
            services.move_deliverable(session, deliverable, item.status, today)
    return deal


def _invoice(
    session: Session, user: User, deal: Deal, issued_ago: int, line: int | None = None
) -> Invoice:
    """A draft from the deal's own lines (only its `line`th when given), issued `issued_ago`
    days back, due by its terms."""
    today = today_in(user.timezone)
    issue_on = today - timedelta(days=issued_ago)
    data, _deposit = invoice_drafts.draft_for(session, deal, issue_on, market())
    if line is not None:
        data = replace(data, lines=[data.lines[line]])
    return invoices.create_invoice(session, user, deal, data, today)


# The demo retainer's months: this one and the two before it.
RETAINER_MONTHS = 3


def _months_back(month: date, count: int) -> date:
    """The 1st of the month `count` months before `month`'s."""
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _retainer(session: Session, user: User, brand: Brand) -> Deal:
    """Two videos a month for a fee at the low end of the seed's UGC retainers, entered
    (and started) two months back, then rolled as `crm deals roll-retainers` does.

    The roll commits each month it makes, so this runs after every other demo deal.
    """
    today = today_in(user.timezone)
    start = _months_back(today, RETAINER_MONTHS - 1)
    deal = _deal(
        session,
        user,
        brand,
        services.DealData(
            brand_id=0,
            title="Monthly UGC retainer",
            kind=DealKind.RETAINER,
            amount_cents=market().ugc.retainer_monthly.low,
            currency=user.currency,
            payment_terms=PaymentTerms.NET_15,
            videos_per_month=2,
            start_month=start,
        ),
        [],
    )
    # Entered back then: the roll makes no month before the one the deal was entered in.
    deal.created_at = month_range(start.year, start.month, user.timezone)[0]
    session.flush()
    retainers.roll_creator(session, user, today, retainers.RollResult())
    # The months before this one: their videos posted, their invoices paid.
    this_month = today.replace(day=1)
    for work in session.scalars(
        owned(Deliverable, user.id).where(
            Deliverable.deal_id == deal.id, Deliverable.due_on < this_month
        )
    ).all():
        posted_on = work.due_on - timedelta(days=6)
        services.move_deliverable(session, work, S.POSTED, today, posted_on=posted_on)
    for bill in session.scalars(
        owned(Invoice, user.id)
        .where(Invoice.deal_id == deal.id, Invoice.issue_on < this_month)
        .order_by(Invoice.issue_on)
    ).all():
        invoices.mark_sent(session, bill)
        invoices.mark_paid(session, user, bill, bill.due_on, today, market())
    return deal


def populate(session: Session, user: User) -> bool:
    """Add the demo deals unless the user has deals already."""
    if session.scalar(owned(Deal, user.id, func.count())):
        return False
    clients = list(
        session.scalars(
            owned(Brand, user.id)
            .where(Brand.status == BrandStatus.CLIENT)
            .order_by(Brand.id)
            .limit(3)
        )
    )
    if not clients:
        return False
    today = today_in(user.timezone)
    # A day in the creator's week still to come (today, on a Sunday).
    this_week = (min(today + timedelta(days=2), week_end(today)) - today).days
    first, second, third = (clients * 3)[:3]
    currency = user.currency

    # Two videos posted three weeks ago: their 30 days of paid usage end within 14 days.
    posted = _deal(
        session,
        user,
        first,
        services.DealData(
            brand_id=0,
            title="Two UGC videos with 30 days of ad usage",
            amount_cents=60_000,
            currency=currency,
            payment_terms=PaymentTerms.NET_15,
            usage_days=30,
            usage_channels="TikTok Spark Ads, Meta ads",
        ),
        [
            _Work("Unboxing video", T.UGC_VIDEO, -24, posted=20),
            _Work("Before and after video", T.UGC_VIDEO, -22, posted=20),
        ],
    )
    # A sponsored post with perpetual usage and a category exclusivity: one video out,
    # the story late, the raw footage due this week.
    sponsored = _deal(
        session,
        user,
        second,
        services.DealData(
            brand_id=0,
            title="Sponsored post with exclusivity",
            kind=DealKind.SPONSORED_POST,
            amount_cents=90_000,
            currency=currency,
            payment_terms=PaymentTerms.NET_30,
            usage_perpetual=True,
            usage_channels="Brand's own TikTok and website",
            exclusivity_category="home",  # the seed's product category key
            exclusivity_days=60,
        ),
        [
            _Work("Sponsored video", T.SPONSORED_POST, -12, posted=10),
            _Work("Follow-up story", T.STORY, -3, status=S.EDITING),
            _Work("Raw footage", T.RAW_FOOTAGE, this_week, status=S.FILMING),
        ],
    )
    # A UGC bundle in progress: one due this week, one coming up.
    bundle = _deal(
        session,
        user,
        third,
        services.DealData(
            brand_id=0,
            title="UGC bundle: two short clips",
            amount_cents=45_000,
            currency=currency,
            payment_terms=PaymentTerms.NET_15,
        ),
        [
            _Work("Clip 1: the hook", T.UGC_VIDEO, this_week, status=S.SUBMITTED),
            _Work("Clip 2: how it works", T.UGC_VIDEO, 10, status=S.SCRIPTING),
        ],
    )
    # Product only: its value kept apart from cash.
    _deal(
        session,
        user,
        first,
        services.DealData(
            brand_id=0,
            title="Gifted product: honest review",
            kind=DealKind.GIFTED,
            gifted_value_cents=8_500,
            currency=currency,
        ),
        [_Work("Review story", T.STORY, this_week + 7, status=S.SCRIPTING)],
    )

    # Invoices: paid (its income recorded), overdue (sent, past due), sent, draft.
    paid = _invoice(session, user, posted, 19)
    invoices.mark_sent(session, paid)
    invoices.mark_paid(session, user, paid, today - timedelta(days=4), today, market())
    overdue = _invoice(session, user, sponsored, 40)  # net 30: due ten days ago
    invoices.mark_sent(session, overdue)
    # The bundle bills a clip at a time: the first sent with its draft, the second drafted.
    sent = _invoice(session, user, bundle, 3, line=0)
    invoices.mark_sent(session, sent)
    _invoice(session, user, bundle, 0, line=1)
    session.flush()
    _retainer(session, user, second)
    session.flush()
    return True
