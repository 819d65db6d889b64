"""Deal operations: save a deal (directly or from a won pitch), its deliverables and revisions.

The field rules live in crm.deals.checks; these add what needs the database (whose
brand, pitch or deal it is). Functions flush and never commit; `today` is the creator's
day, passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm import creation_tokens, money
from crm.accounts.models import User
from crm.add_on_policy.services import saved_percents
from crm.brands.models import Brand, Contact
from crm.creation_tokens import AlreadyCreated
from crm.deals.checks import (
    BRIEF_MAX,
    TITLE_MAX,
    DealData,
    DealError,
    check_day,
    check_deal,
    check_link,
    check_text,
    parse_money,
)
from crm.deals.invoice_models import Invoice
from crm.deals.models import (
    Deal,
    DealKind,
    Deliverable,
    DeliverableStatus,
    DeliverableType,
)
from crm.ownership import get_owned, owned
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from crm.pitches.services import pitch_title
from crm.timeline.models import ActivityKind
from crm.timeline.services import log_activity

# What callers of the services take from here (the checks are theirs too).
__all__ = [
    "DealData",
    "DealError",
    "DeliverableData",
    "RevisionLimitReached",
    "check_deal",
    "deal_for_pitch",
    "deal_from_pitch",
    "delete_deal",
    "edit_posting",
    "extra_revision_fee",
    "move_deliverable",
    "parse_money",
    "request_revision",
    "save_deal",
    "save_deliverable",
    "start_rights",
]

# The creator's extra-revision fee, as a percent of the deal's amount per extra round, is
# kept in their add-on policy under this key (no row: they set none).
EXTRA_REVISION = "extra_revision"

KIND_FOR_PITCH = {
    PitchKind.UGC: DealKind.UGC,
    PitchKind.SPONSORSHIP: DealKind.SPONSORED_POST,
    PitchKind.AFFILIATE: DealKind.AFFILIATE,
    PitchKind.RETAINER: DealKind.RETAINER,
}
# A revision is asked of a draft the brand has seen.
REVIEWED = frozenset(
    {DeliverableStatus.SUBMITTED, DeliverableStatus.REVISIONS, DeliverableStatus.APPROVED}
)


class RevisionLimitReached(DealError):
    """One more revision would go past the deal's limit; says the extra fee when there is one."""

    def __init__(self, message: str, fee_cents: int | None) -> None:
        super().__init__(message, field="revisions_used")
        self.fee_cents = fee_cents


@dataclass(frozen=True)
class DeliverableData:
    """What a deliverable form says, already typed."""

    title: str
    type: DeliverableType = DeliverableType.UGC_VIDEO
    brief: str = ""
    due_on: date | None = None
    draft_url: str = ""


def _links(
    session: Session, owner_id: int, deal: Deal | None, data: DealData
) -> tuple[Brand, Contact | None, Pitch | None]:
    """The brand, contact and pitch `data` names, each the creator's own (else not found)."""
    brand = get_owned(session, Brand, data.brand_id, owner_id)
    if brand is None:
        raise DealError("Brand not found: pick one of your brands.", field="brand_id")
    contact = None
    if data.contact_id is not None:
        contact = get_owned(session, Contact, data.contact_id, owner_id)
        if contact is None or contact.brand_id != brand.id:
            raise DealError("Contact not found: pick one of this brand's.", field="contact_id")
    pitch = None
    if data.pitch_id is not None:
        pitch = get_owned(session, Pitch, data.pitch_id, owner_id)
        if pitch is None or pitch.brand_id != brand.id:
            raise DealError("Pitch not found: pick one of this brand's.", field="pitch_id")
        if pitch.status is not PitchStatus.WON:
            raise DealError("Only a won pitch becomes a deal: mark it won first.", field="pitch_id")
        existing = deal_for_pitch(session, owner_id, pitch.id)
        if existing is not None and existing is not deal:
            raise DealError("That pitch already has its deal.", field="pitch_id")
    return brand, contact, pitch


def _first_posted_on(deal: Deal) -> date | None:
    posted = [d.posted_on for d in deal.deliverables if d.posted_on is not None]
    return min(posted, default=None)


def _apply(deal: Deal, data: DealData) -> None:
    for name in DealData.__dataclass_fields__:
        if name not in ("title", "notes", "usage_channels", "exclusivity_category"):
            setattr(deal, name, getattr(data, name))
    deal.title = data.title.strip()
    deal.notes = data.notes.strip()
    deal.usage_channels = data.usage_channels.strip()
    deal.exclusivity_category = data.exclusivity_category.strip()


def _already(deal: Deal) -> AlreadyCreated:
    return AlreadyCreated(deal, "That deal was already saved.")


def save_deal(
    session: Session,
    owner: User,
    deal: Deal | None,
    data: DealData,
    today: date,
    *,
    token: str | None = None,
) -> Deal:
    """Create or update a deal; a new one gets a line on its brand's timeline.

    A new deal's `token` is its form's one-time token: a second submit of that form
    raises AlreadyCreated with the first deal (crm.creation_tokens).
    """
    if deal is None:
        creation_tokens.refuse_repeat(session, Deal, owner.id, token, _already)
    data = check_deal(data, today)
    brand, _contact, pitch = _links(session, owner.id, deal, data)
    created = deal is None
    deal = deal or Deal(owner_id=owner.id, creation_token=token or None)
    _apply(deal, data)
    if not created and (posted_on := _first_posted_on(deal)) is not None:
        # A right added after the content went up starts on the day it was posted.
        start_rights(deal, posted_on)
    if not created:
        session.flush()
        return deal
    _insert(session, deal)
    _log_created(session, brand, deal, pitch)
    return deal


def _insert(session: Session, deal: Deal) -> None:
    """Add `deal` in a savepoint, so losing a race for its pitch leaves the session usable."""
    try:
        with session.begin_nested():
            session.add(deal)
            session.flush()
    except IntegrityError:
        token = deal.creation_token
        if token and (first := creation_tokens.find_by_token(session, Deal, deal.owner_id, token)):
            raise _already(first) from None
        if deal.pitch_id is None:
            raise
        raise DealError("That pitch already has its deal.", field="pitch_id") from None


def refuse_if_invoiced(session: Session, owner_id: int, *where: Any, what: str) -> None:
    """Refuse deleting `what` while an invoice is on one of its deals (`where` picks them):
    an invoice's number and the income it recorded stay on record."""
    invoiced = owned(Invoice, owner_id, Invoice.id).join(Deal, Deal.id == Invoice.deal_id)
    if session.scalar(invoiced.where(*where).limit(1)) is not None:
        raise DealError(
            f"This {what} has invoices, which stay on record: void them and cancel the deal "
            "instead of deleting it."
        )


def delete_deal(session: Session, deal: Deal) -> None:
    """Delete a deal with its deliverables (the brand's timeline keeps its lines); one with
    invoices is refused."""
    refuse_if_invoiced(session, deal.owner_id, Deal.id == deal.id, what="deal")
    session.delete(deal)
    session.flush()


def _log_created(session: Session, brand: Brand, deal: Deal, pitch: Pitch | None) -> None:
    if deal.kind is DealKind.GIFTED:
        worth = f"gifted, worth {money.format_money(deal.gifted_value_cents, deal.currency)}"
    else:
        worth = money.format_money(deal.amount_cents, deal.currency)
        if deal.kind is DealKind.RETAINER:
            worth += " a month"
    source = " from the won pitch" if pitch is not None else ""
    log_activity(
        session,
        brand,
        ActivityKind.DEAL_CREATED,
        f"Deal agreed{source}: {deal.title} ({worth}).",
        pitch_id=pitch.id if pitch is not None else None,
    )


def deal_for_pitch(session: Session, owner_id: int, pitch_id: int) -> Deal | None:
    """The deal the creator made from pitch `pitch_id`, if any."""
    return session.scalars(owned(Deal, owner_id).where(Deal.pitch_id == pitch_id)).first()


def deal_from_pitch(
    session: Session,
    owner: User,
    pitch: Pitch,
    amount_cents: int | None,
    today: date,
    *,
    videos_per_month: int | None = None,
) -> Deal:
    """The deal for a won pitch, made once: a second call returns the first deal.

    The amount defaults to the pitch's quote; a retainer starts this month and needs
    its videos a month.
    """
    if pitch.owner_id != owner.id:
        raise DealError("Pitch not found.", field="pitch_id")
    if pitch.status is not PitchStatus.WON:
        raise DealError("Only a won pitch becomes a deal: mark it won first.", field="pitch_id")
    existing = deal_for_pitch(session, owner.id, pitch.id)
    if existing is not None:
        return existing
    # None with no quote either: check_deal refuses it beside the amount.
    amount = pitch.quoted_cents if amount_cents is None else amount_cents
    kind = KIND_FOR_PITCH[pitch.kind]
    data = DealData(
        brand_id=pitch.brand_id,
        title=pitch_title(pitch),  # a subject fits: both are 200 characters at most
        kind=kind,
        amount_cents=amount,
        currency=pitch.currency,
        contact_id=pitch.contact_id,
        pitch_id=pitch.id,
        videos_per_month=videos_per_month if kind is DealKind.RETAINER else None,
        start_month=today.replace(day=1) if kind is DealKind.RETAINER else None,
    )
    try:
        return save_deal(session, owner, None, data, today)
    except DealError as error:
        # Two requests raced: the other one made the deal; this one shows it.
        if error.field == "pitch_id" and (found := deal_for_pitch(session, owner.id, pitch.id)):
            return found
        raise


def start_rights(deal: Deal, posted_on: date) -> None:
    """Start the deal's granted rights that have no start yet on the day it was posted."""
    if deal.usage_start is None and (deal.usage_perpetual or deal.usage_days is not None):
        deal.usage_start = posted_on
    if deal.whitelisting_start is None and deal.whitelisting_days is not None:
        deal.whitelisting_start = posted_on
    if deal.exclusivity_start is None and deal.exclusivity_days is not None:
        deal.exclusivity_start = posted_on


def save_deliverable(
    session: Session,
    owner: User,
    deal: Deal,
    deliverable: Deliverable | None,
    data: DeliverableData,
    today: date,
    *,
    token: str | None = None,
) -> Deliverable:
    """Create (at the end of the deal's list) or update one of the deal's deliverables.

    A new one made with a form's one-time `token` that already made one raises
    AlreadyCreated with the first (crm.creation_tokens).
    """
    if deal.owner_id != owner.id:
        raise DealError("Deal not found.", field="deal_id")
    if deliverable is not None and deliverable.deal_id != deal.id:
        raise DealError("Deliverable not found on this deal.", field="deal_id")
    if not data.title.strip():
        raise DealError("Give the deliverable a title.", field="title")
    check_text(data.title, TITLE_MAX, "title")
    check_text(data.brief, BRIEF_MAX, "brief", one_line=False)
    check_day(data.due_on, today, "due_on")
    draft_url = check_link(data.draft_url, "draft_url")
    created = deliverable is None
    if deliverable is None:
        creation_tokens.refuse_repeat(session, Deliverable, owner.id, token, _already_added)
        last = session.scalar(
            select(func.max(Deliverable.position)).where(Deliverable.deal_id == deal.id)
        )
        # By id, not `deal=`: the deal's collection would flush it before the savepoint.
        deliverable = Deliverable(
            owner_id=owner.id,
            deal_id=deal.id,
            position=0 if last is None else last + 1,
            creation_token=token or None,
        )
    deliverable.type = data.type
    deliverable.title = data.title.strip()
    deliverable.brief = data.brief.strip()
    deliverable.due_on = data.due_on
    deliverable.draft_url = draft_url
    if created:
        creation_tokens.insert_once(session, deliverable, _already_added)
        deliverable.deal = deal
    else:
        session.flush()
    return deliverable


def _already_added(first: creation_tokens.CreatedOnce) -> creation_tokens.AlreadyCreated:
    return creation_tokens.AlreadyCreated(first, "That deliverable was already added.")


def move_deliverable(
    session: Session,
    deliverable: Deliverable,
    status: DeliverableStatus,
    today: date,
    *,
    posted_on: date | None = None,
    live_url: str = "",
    by: str = "",
) -> Deliverable:
    """Move a deliverable to `status`; posting dates it and starts the deal's rights.

    Moving to revisions is a revision request (counted against the deal's limit). Moving
    to the status it has changes nothing (no line, no post date): the post date and live
    link change only by editing them (edit_posting). `by` says on the timeline who moved it
    when not the creator ("by the brand via link").
    """
    if status is not DeliverableStatus.POSTED and (posted_on is not None or live_url):
        raise DealError("The post date and live link come with posting.", field="posted_on")
    was, deal = deliverable.status, deliverable.deal  # loaded first: no autoflush half-way
    if status is was:
        return deliverable
    if status is DeliverableStatus.REVISIONS:
        return request_revision(session, deliverable)
    if status is DeliverableStatus.POSTED:
        _post(deliverable, deal, posted_on or today, live_url, today)
    else:
        deliverable.posted_on = None
    deliverable.status = status
    session.flush()
    what = f"moved from {was.label.lower()} to {status.label.lower()}"
    if by:
        what = f"{status.label.lower()} {by}"
    _log_move(session, deliverable, what)
    return deliverable


def edit_posting(
    session: Session, deliverable: Deliverable, today: date, *, posted_on: date, live_url: str
) -> Deliverable:
    """Change a posted deliverable's post date and live link, as its edit form says."""
    if deliverable.status is not DeliverableStatus.POSTED:
        raise DealError("The post date and live link come with posting.", field="posted_on")
    _post(deliverable, deliverable.deal, posted_on, live_url, today)
    session.flush()
    return deliverable


def _post(
    deliverable: Deliverable, deal: Deal, posted_on: date, live_url: str, today: date
) -> None:
    """Date a posted deliverable (never ahead of `today`) and start the deal's rights."""
    check_day(posted_on, today, "posted_on")
    if posted_on > today:
        raise DealError("The post date can't be in the future.", field="posted_on")
    deliverable.live_url = check_link(live_url, "live_url") or deliverable.live_url
    deliverable.posted_on = posted_on
    start_rights(deal, posted_on)


def _log_move(session: Session, deliverable: Deliverable, what: str) -> None:
    deal = deliverable.deal
    log_activity(
        session,
        deal.brand,
        ActivityKind.DELIVERABLE_MOVED,
        f"{deliverable.title} ({deal.title}) {what}.",
        pitch_id=deal.pitch_id,
    )


def extra_revision_fee(session: Session, deal: Deal) -> int | None:
    """The creator's fee for one revision past the limit, from their add-on policy; None unset."""
    percent = saved_percents(session, deal.owner_id).get(EXTRA_REVISION)
    if not percent or not deal.amount_cents:
        return None
    return (deal.amount_cents * percent * 2 + 100) // 200  # percent of cents, half up


def request_revision(
    session: Session,
    deliverable: Deliverable,
    *,
    past_limit: bool = False,
    by: str = "",
    comment: str = "",
) -> Deliverable:
    """Count a revision the brand asked for; past the deal's limit only with `past_limit`.

    Past the limit without it: RevisionLimitReached, naming the extra-revision fee when
    the creator's add-on policy has one. `by` and `comment` go on the timeline line
    (a brand asking through an approval link).
    """
    deal = deliverable.deal
    if deliverable.status not in REVIEWED:
        raise DealError(
            "A revision is asked of a submitted draft: mark it submitted first.",
            field="revisions_used",
        )
    number = deliverable.revisions_used + 1
    if number > deal.revision_limit and not past_limit:
        raise _limit_reached(session, deal, number)
    deliverable.revisions_used = number
    deliverable.status = DeliverableStatus.REVISIONS
    session.flush()
    of = f"{number} of {deal.revision_limit}" if number <= deal.revision_limit else f"{number}"
    extra = "" if number <= deal.revision_limit else ", past the deal's limit"
    log_activity(
        session,
        deal.brand,
        ActivityKind.REVISION_REQUESTED,
        f"Revision {of} requested{' ' + by if by else ''} on {deliverable.title} "
        f"({deal.title}){extra}{': ' + comment if comment else ''}.",
        pitch_id=deal.pitch_id,
    )
    return deliverable


def _limit_reached(session: Session, deal: Deal, number: int) -> RevisionLimitReached:
    limit = deal.revision_limit
    included = f"{limit} revision{'s' if limit != 1 else ''}"
    message = f"This would be revision {number}: the deal includes {included}."
    fee = extra_revision_fee(session, deal)
    if fee is not None:
        message += (
            f" Your add-on policy charges {money.format_money(fee, deal.currency)} "
            "for each extra revision."
        )
    else:
        message += " Agree a fee for the extra revision with the brand, or raise the limit."
    return RevisionLimitReached(message, fee)
