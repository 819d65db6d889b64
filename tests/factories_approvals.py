"""Factories for approval links; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.approvals import services
from crm.approvals.models import ApprovalLink
from crm.database import utcnow
from crm.deals.models import Deal, Deliverable, DeliverableStatus
from tests.factories_deals import make_deal, make_deliverable


def submitted(
    session: Session, owner: User, deal: Deal | None = None, **overrides: Any
) -> Deliverable:
    """A deliverable whose draft is submitted (what a brand can act on)."""
    deliverable = make_deliverable(session, owner, deal, **overrides)
    deliverable.status = DeliverableStatus.SUBMITTED
    session.commit()
    return deliverable


def make_link(
    session: Session,
    owner: User,
    deal: Deal | None = None,
    deliverable: Deliverable | None = None,
    now: datetime | None = None,
) -> services.NewLink:
    """A link made through the service; `deliverable` None covers the deal's open ones."""
    deal = deal or (deliverable.deal if deliverable else make_deal(session, owner))
    made = services.create_link(
        session, owner, deal, deliverable.id if deliverable else None, now or utcnow()
    )
    session.commit()
    return made


def make_approval_link(session: Session, owner: User) -> ApprovalLink:
    return make_link(session, owner).link


ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {"link_id": make_approval_link}
