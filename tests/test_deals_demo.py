"""The demo account has deals at every stage: work due and late, rights, invoices, and a
retainer the roll has made months of."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from crm.database import utcnow
from crm.dates import today_in
from crm.deals import demo, retainers
from crm.deals.due import week_end
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.models import Deal, DealKind, DealStatus, Deliverable, DeliverableStatus
from crm.deals.retainer_models import RetainerMonth
from crm.deals.rights import RightsKind
from crm.deals.rights_rows import rights_page
from crm.demo import ensure_demo_account
from crm.income.models import IncomeEntry, IncomeStatus
from crm.market.current import market


def test_the_demo_has_deals_at_each_stage(session) -> None:
    user, created = ensure_demo_account(session, "fast")
    assert created
    today = utcnow().date()
    deals = list(session.scalars(select(Deal).where(Deal.owner_id == user.id)))
    assert len(deals) >= 3
    assert {d.brand_id for d in deals} and any(d.pitch_id for d in deals)
    gifted = [d for d in deals if d.kind is DealKind.GIFTED]
    assert gifted and all(d.gifted_value_cents > 0 and d.amount_cents == 0 for d in gifted)

    open_work = list(
        session.scalars(
            select(Deliverable).where(
                Deliverable.owner_id == user.id, Deliverable.status != DeliverableStatus.POSTED
            )
        )
    )
    assert any(d.due_on < today for d in open_work), "nothing overdue"
    assert any(today <= d.due_on <= week_end(today) for d in open_work), "nothing due this week"

    rows = rights_page(session, user.id, today, None, 25).rows
    usage = [r for r in rows if r.kind is RightsKind.USAGE]
    assert any(r.ending_soon and not r.window.perpetual for r in usage)
    assert any(r.window.perpetual and r.window.start is not None for r in usage)
    assert any(r.kind is RightsKind.EXCLUSIVITY and r.detail for r in rows)

    found = list(session.scalars(select(Invoice).where(Invoice.owner_id == user.id)))
    statuses = Counter(i.status for i in found)
    assert statuses[InvoiceStatus.DRAFT] and statuses[InvoiceStatus.PAID]
    sent = [i for i in found if i.status is InvoiceStatus.SENT]
    assert any(i.due_on < today for i in sent), "no overdue invoice"
    assert any(i.due_on >= today for i in sent), "no sent invoice still in time"
    paid = next(i for i in found if i.status is InvoiceStatus.PAID)
    entry = session.get(IncomeEntry, paid.income_entry_id)
    assert entry is not None and entry.status is IncomeStatus.PAID
    assert entry.amount_cents == paid.total_cents

    # Running it again adds nothing.
    assert demo.populate(session, user) is False
    assert session.scalar(select(Deal.id).where(Deal.owner_id == user.id).limit(1))
    again, _created = ensure_demo_account(session, "fast")
    assert len(list(session.scalars(select(Deal).where(Deal.owner_id == again.id)))) == len(deals)


def test_the_demo_has_a_retainer_rolled_for_its_months(session) -> None:
    user, _created = ensure_demo_account(session, "fast")
    today = today_in(user.timezone)
    (deal,) = session.scalars(
        select(Deal).where(Deal.owner_id == user.id, Deal.kind == DealKind.RETAINER)
    )
    assert deal.status is DealStatus.ACTIVE and deal.videos_per_month == 2
    fee = market().ugc.retainer_monthly
    assert fee.low <= deal.amount_cents <= fee.high
    this_month = today.replace(day=1)
    months = session.scalars(
        select(RetainerMonth.month)
        .where(RetainerMonth.deal_id == deal.id)
        .order_by(RetainerMonth.month)
    ).all()
    assert len(months) == demo.RETAINER_MONTHS and months[-1] == this_month
    assert months[0] == deal.start_month
    # The months before this one delivered and paid; this one's videos to make, its bill drafted.
    videos = list(session.scalars(select(Deliverable).where(Deliverable.deal_id == deal.id)))
    assert len(videos) == 2 * demo.RETAINER_MONTHS
    for video in videos:
        past = video.due_on < this_month
        assert (video.status is DeliverableStatus.POSTED) is past, video.title
    bills = list(
        session.scalars(
            select(Invoice).where(Invoice.deal_id == deal.id).order_by(Invoice.issue_on)
        )
    )
    assert [b.issue_on for b in bills] == list(months)
    assert [b.status for b in bills] == [InvoiceStatus.PAID] * (demo.RETAINER_MONTHS - 1) + [
        InvoiceStatus.DRAFT
    ]
    assert all(b.total_cents == deal.amount_cents for b in bills)
    # The command finds nothing left to roll for the demo this month.
    again = retainers.RollResult()
    retainers.roll_creator(session, user, today, again)
    assert again.rolled == [] and again.retainers == 1
