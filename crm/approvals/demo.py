"""Demo approvals: a deal sent for approval, one draft approved and one sent back by the brand."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import database, dates
from crm.accounts.models import User
from crm.approvals import services
from crm.approvals.models import ApprovalLink
from crm.deals import services as deals
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus
from crm.ownership import owned

REVISION_COMMENT = (
    "Love the hook! Could you show the label for a second longer at 0:08, "
    "and drop the last line about the price?"
)


def _deal_with_two_open(session: Session, owner_id: int) -> Deal | None:
    """The first active deal with at least two deliverables not posted yet."""
    open_count = (
        select(func.count())
        .where(Deliverable.deal_id == Deal.id, Deliverable.status != DeliverableStatus.POSTED)
        .scalar_subquery()
    )
    return session.scalars(
        owned(Deal, owner_id)
        .where(Deal.status == DealStatus.ACTIVE, open_count >= 2)
        .order_by(Deal.id)
        .limit(1)
    ).first()


def populate(session: Session, user: User) -> bool:
    """Send one demo deal's drafts for approval: the brand approved one, asked a revision of
    another. Nothing when the demo has links already or no deal to send."""
    if session.scalar(owned(ApprovalLink, user.id, func.count())):
        return False
    deal = _deal_with_two_open(session, user.id)
    if deal is None:
        return False
    now = database.utcnow()
    today = dates.today_in(user.timezone)
    first, second = [d for d in deal.deliverables if d.status is not DeliverableStatus.POSTED][:2]
    for draft in (first, second):
        deals.move_deliverable(session, draft, DeliverableStatus.SUBMITTED, today)
    made = services.create_link(session, user, deal, None, now - timedelta(days=2))
    services.approve(session, made.link, first.id, now - timedelta(days=1))
    services.ask_revision(session, made.link, second.id, REVISION_COMMENT, now - timedelta(hours=3))
    return True
