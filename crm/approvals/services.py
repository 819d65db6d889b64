"""Approval links: make, list, regenerate and revoke them; a brand's approve or revision.

A link's token is shown once; only its SHA-256 is stored (crm.accounts.services.token_hash).
A brand acts only on a submitted draft: approving moves it to approved, a revision request
counts against the deal's limit (crm.deals.services.request_revision). Once acted on, the
deliverable is no longer submitted, so a second submit of the same form changes nothing.
Functions flush and never commit; `now` is passed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, contains_eager, selectinload

from crm import dates
from crm.accounts.models import User
from crm.accounts.services import token_hash
from crm.approvals.models import AnswerKind, ApprovalAnswer, ApprovalLink
from crm.deals import services as deals
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus
from crm.errors import FieldError
from crm.inquiries.services import INBOX_SHOWN
from crm.ownership import get_owned, owned

LINK_DAYS_DEFAULT = 30
LINK_DAYS_MIN = 1
LINK_DAYS_MAX = 365
# token_urlsafe(32) is 43 characters; anything much longer is not one of ours.
TOKEN_MAX = 100
COMMENT_MAX = 2_000
# A deal's page lists this many live links at most (more is a link per deliverable, resent).
LINKS_SHOWN = 50
# A brand's page shows this many deliverables at most (a deal owes a handful).
DELIVERABLES_SHOWN = 100
# What the timeline says of the brand's doing.
BY_BRAND = "by the brand via link"
# The brand can act on a draft it has been sent, and on nothing else.
ACTIONABLE = DeliverableStatus.SUBMITTED
# Open: still to go up (a link for the deal covers these).
OPEN = Deliverable.status != DeliverableStatus.POSTED
# A cancelled deal's links are dead (the same 404 as an unknown token) and it gets no new ones.
LINKABLE = Deal.status != DealStatus.CANCELLED
CANCELLED = "This deal is cancelled: there is nothing to approve."


class ApprovalError(FieldError):
    """A refused link or answer; the message is for the person who asked."""


@dataclass(frozen=True)
class NewLink:
    """A link just made or regenerated: the raw token exists only here."""

    link: ApprovalLink
    token: str


def link_days(owner: User) -> int:
    """How long the creator's new links work, kept within 1 to 365 days."""
    days = owner.approval_link_days or LINK_DAYS_DEFAULT
    return min(max(days, LINK_DAYS_MIN), LINK_DAYS_MAX)


def save_link_days(session: Session, owner: User, days: int | None) -> None:
    """Set how many days new approval links work (1 to 365)."""
    if days is None or not LINK_DAYS_MIN <= days <= LINK_DAYS_MAX:
        raise ApprovalError(
            f"Enter a number of days from {LINK_DAYS_MIN} to {LINK_DAYS_MAX}.", field="link_days"
        )
    owner.approval_link_days = days
    session.flush()


def create_link(
    session: Session, owner: User, deal: Deal, deliverable_id: int | None, now: datetime
) -> NewLink:
    """A new link for one of the deal's deliverables, or (None) all its open ones."""
    if deal.owner_id != owner.id:
        raise ApprovalError("Deal not found.", field="deliverable")
    if deal.status is DealStatus.CANCELLED:
        raise ApprovalError(CANCELLED, field="deliverable")
    if deliverable_id is not None:
        found = get_owned(session, Deliverable, deliverable_id, owner.id)
        if found is None or found.deal_id != deal.id:
            raise ApprovalError("Pick one of this deal's deliverables.", field="deliverable")
        if found.status is DeliverableStatus.POSTED:
            raise ApprovalError("That one is posted already: nothing to approve.", "deliverable")
    token = secrets.token_urlsafe(32)
    link = ApprovalLink(
        owner_id=owner.id,
        deal_id=deal.id,
        deliverable_id=deliverable_id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(days=link_days(owner)),
    )
    session.add(link)
    session.flush()
    return NewLink(link, token)


def regenerate_link(session: Session, owner: User, link: ApprovalLink, now: datetime) -> NewLink:
    """A new token for `link` (its old address stops working), good for the full period again."""
    if link.owner_id != owner.id:
        raise ApprovalError("Link not found.")
    if link.deal.status is DealStatus.CANCELLED:
        raise ApprovalError(CANCELLED)
    token = secrets.token_urlsafe(32)
    link.token_hash = token_hash(token)
    link.created_at = now
    link.expires_at = now + timedelta(days=link_days(owner))
    link.revoked_at = None
    session.flush()
    return NewLink(link, token)


def revoke_link(session: Session, link: ApprovalLink, now: datetime) -> bool:
    """Stop `link` working; False when it was revoked already."""
    if link.revoked_at is not None:
        return False
    link.revoked_at = now
    session.flush()
    return True


def active_links(
    session: Session, owner_id: int, deal_id: int, now: datetime
) -> list[ApprovalLink]:
    """The deal's links that still work, newest first."""
    return list(
        session.scalars(
            owned(ApprovalLink, owner_id)
            .join(ApprovalLink.deal)
            .where(LINKABLE)
            .where(ApprovalLink.deal_id == deal_id, ApprovalLink.revoked_at.is_(None))
            .where(ApprovalLink.expires_at > now)
            .options(selectinload(ApprovalLink.deliverable))
            .order_by(ApprovalLink.id.desc())
            .limit(LINKS_SHOWN)
        )
    )


def link_for_token(session: Session, token: str, now: datetime) -> ApprovalLink | None:
    """The live link `token` opens; None when unknown, regenerated, revoked, expired or its
    deal cancelled."""
    if not token or len(token) > TOKEN_MAX:
        return None
    link = session.scalars(
        select(ApprovalLink)
        .join(ApprovalLink.deal)
        .where(ApprovalLink.token_hash == token_hash(token), LINKABLE)
        .options(contains_eager(ApprovalLink.deal))
    ).one_or_none()
    if link is None or not link.is_live(now):
        return None
    return link


def covered(session: Session, link: ApprovalLink) -> list[Deliverable]:
    """What the link shows: its one deliverable, or every open one of its deal, in order."""
    query = select(Deliverable).where(Deliverable.deal_id == link.deal_id)
    if link.deliverable_id is not None:
        query = query.where(Deliverable.id == link.deliverable_id)
    else:
        query = query.where(OPEN)
    query = query.order_by(Deliverable.position, Deliverable.id).limit(DELIVERABLES_SHOWN)
    return list(session.scalars(query))


def revisions_left(deliverable: Deliverable) -> int:
    """Revisions the deal still includes for this deliverable (0 past the limit)."""
    return max(deliverable.deal.revision_limit - deliverable.revisions_used, 0)


def _target(session: Session, link: ApprovalLink, deliverable_id: int | None) -> Deliverable:
    """The covered deliverable the brand answers on, locked against a parallel answer."""
    ids = {d.id for d in covered(session, link)}
    if deliverable_id is None or deliverable_id not in ids:
        raise ApprovalError("That draft isn't on this link.")
    deliverable = session.scalars(
        select(Deliverable)
        .where(Deliverable.id == deliverable_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if deliverable.status is not ACTIONABLE:
        raise ApprovalError(not_actionable(deliverable))
    return deliverable


def not_actionable(deliverable: Deliverable) -> str:
    """What the page says of a deliverable the brand can't act on now."""
    status = deliverable.status
    if status is DeliverableStatus.APPROVED or status is DeliverableStatus.POSTED:
        return f"{deliverable.title} is {status.label.lower()} already."
    if status is DeliverableStatus.REVISIONS:
        return f"A revision of {deliverable.title} is under way: the new draft comes here."
    return f"{deliverable.title} has no draft to review yet."


def approve(
    session: Session, link: ApprovalLink, deliverable_id: int | None, now: datetime
) -> Deliverable:
    """The brand approves a submitted draft: approved, on the timeline, the creator told."""
    deliverable = _target(session, link, deliverable_id)
    today = dates.local_day(now, session.get_one(User, link.owner_id).timezone)
    deals.move_deliverable(session, deliverable, DeliverableStatus.APPROVED, today, by=BY_BRAND)
    _answered(session, link, deliverable, AnswerKind.APPROVED, "", now)
    return deliverable


def check_comment(comment: str) -> str:
    """The brand's revision comment: plain text, required, at most COMMENT_MAX characters."""
    comment = comment.strip()
    if not comment:
        raise ApprovalError("Say what should change.", field="comment")
    if len(comment) > COMMENT_MAX:
        raise ApprovalError(f"Keep it under {COMMENT_MAX:,} characters.", field="comment")
    return comment


def ask_revision(
    session: Session,
    link: ApprovalLink,
    deliverable_id: int | None,
    comment: str,
    now: datetime,
    *,
    confirm: bool = False,
) -> Deliverable:
    """The brand asks for a revision; past the deal's limit only once they `confirm` (else
    deals.RevisionLimitReached, naming the extra-revision fee)."""
    comment = check_comment(comment)
    deliverable = _target(session, link, deliverable_id)
    deals.request_revision(session, deliverable, past_limit=confirm, by=BY_BRAND, comment=comment)
    _answered(session, link, deliverable, AnswerKind.REVISION, comment, now)
    return deliverable


def _answered(
    session: Session,
    link: ApprovalLink,
    deliverable: Deliverable,
    kind: AnswerKind,
    comment: str,
    now: datetime,
) -> None:
    link.last_used_at = now
    session.add(
        ApprovalAnswer(
            owner_id=link.owner_id,
            deal_id=link.deal_id,
            deliverable_id=deliverable.id,
            kind=kind,
            comment=comment,
            at=now,
        )
    )
    session.flush()


def unread_count(session: Session, owner_id: int) -> int:
    """Brand answers the creator hasn't seen yet (the badge's number)."""
    return (
        session.scalar(
            owned(ApprovalAnswer, owner_id, func.count()).where(ApprovalAnswer.seen_at.is_(None))
        )
        or 0
    )


def recent_answers(
    session: Session, owner_id: int, limit: int = INBOX_SHOWN
) -> list[ApprovalAnswer]:
    """The creator's latest brand answers, newest first."""
    return list(
        session.scalars(
            owned(ApprovalAnswer, owner_id)
            .options(selectinload(ApprovalAnswer.deliverable), selectinload(ApprovalAnswer.deal))
            .order_by(ApprovalAnswer.id.desc())
            .limit(limit)
        )
    )


def mark_seen(session: Session, owner_id: int, now: datetime) -> int:
    """Mark every unread answer of the creator seen; how many were."""
    result = session.execute(
        update(ApprovalAnswer)
        .where(ApprovalAnswer.owner_id == owner_id, ApprovalAnswer.seen_at.is_(None))
        .values(seen_at=now)
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]
