"""The pitch state machine: which status may follow which, as one explicit table.

    draft        -> sent
    sent         -> replied, ghosted, declined
    replied      -> negotiating, won, lost, declined
    negotiating  -> won, lost, declined
    ghosted      -> replied
    won, lost, declined: closed, nothing follows

Decisions behind the table:
- A draft cannot be declined: the brand has never seen it. Delete the draft instead.
- Replied may go straight to won or lost: a brand often says "yes, let's do it" (or
  "no thanks, we went with someone else") in its first answer, with nothing to negotiate.
- Declined means the brand said no; lost means talks happened and did not end in work.
- Ghosted can still turn into replied: late answers happen, and the creator should be
  able to pick the thread up again rather than start over.
- Sent goes to ghosted by hand, or by itself once the follow-up cadence has run out
  (see crm.pitches.followups).

No session, no Flask: the services and the pages both read this module.
"""

from __future__ import annotations

from crm.brands.models import BrandStatus
from crm.pitches.models import PitchStatus

S = PitchStatus

TRANSITIONS: dict[PitchStatus, tuple[PitchStatus, ...]] = {
    S.DRAFT: (S.SENT,),
    S.SENT: (S.REPLIED, S.GHOSTED, S.DECLINED),
    S.REPLIED: (S.NEGOTIATING, S.WON, S.LOST, S.DECLINED),
    S.NEGOTIATING: (S.WON, S.LOST, S.DECLINED),
    S.GHOSTED: (S.REPLIED,),
    S.WON: (),
    S.LOST: (),
    S.DECLINED: (),
}

# Statuses where the brand may still answer or the creator still has to act.
OPEN_STATUSES: frozenset[PitchStatus] = frozenset({S.DRAFT, S.SENT, S.REPLIED, S.NEGOTIATING})
CLOSED_STATUSES: frozenset[PitchStatus] = frozenset({S.WON, S.LOST, S.DECLINED, S.GHOSTED})

# The words on the buttons that make each move.
ACTION_LABELS: dict[PitchStatus, str] = {
    S.SENT: "Mark sent",
    S.REPLIED: "Mark replied",
    S.NEGOTIATING: "Negotiating",
    S.WON: "Won",
    S.LOST: "Lost",
    S.GHOSTED: "Ghosted",
    S.DECLINED: "Declined",
}

# How far along a brand is; a pitch only ever moves its brand forward on this scale.
_BRAND_PROGRESS = {
    BrandStatus.LEAD: 0,
    BrandStatus.CONTACTED: 1,
    BrandStatus.IN_TALKS: 2,
    BrandStatus.CLIENT: 3,
}
_BRAND_STATUS_FOR = {
    S.SENT: BrandStatus.CONTACTED,
    S.REPLIED: BrandStatus.IN_TALKS,
    S.NEGOTIATING: BrandStatus.IN_TALKS,
    S.WON: BrandStatus.CLIENT,
}


# An inbound pitch (the brand asked through the media kit) starts at replied: the ball is in
# the creator's court. Until the creator moves it on, pages call it this, not "Replied",
# which would read as the brand answering a pitch of theirs.
NEW_INQUIRY = "New inquiry"


def is_new_inquiry(status: PitchStatus, inbound: bool) -> bool:
    """True for an inbound pitch still at the status it landed in."""
    return inbound and status is S.REPLIED


def status_label(status: PitchStatus, inbound: bool = False) -> str:
    """The status as the creator reads it: "New inquiry" for an inbound pitch not moved on."""
    return NEW_INQUIRY if is_new_inquiry(status, inbound) else status.label


class TransitionRefused(Exception):
    """A status change the state machine does not allow; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_statuses(current: PitchStatus) -> tuple[PitchStatus, ...]:
    """The statuses a pitch in `current` may move to."""
    return TRANSITIONS[current]


def is_allowed(current: PitchStatus, target: PitchStatus) -> bool:
    """True when `current` -> `target` is in the table."""
    return target in TRANSITIONS[current]


def check_transition(current: PitchStatus, target: PitchStatus, inbound: bool = False) -> None:
    """Raise TransitionRefused, with a message a creator understands, unless allowed."""
    if is_allowed(current, target):
        return
    raise TransitionRefused(refusal_message(current, target, inbound))


def refusal_message(current: PitchStatus, target: PitchStatus, inbound: bool = False) -> str:
    """Why `current` -> `target` is refused, and what to do instead."""
    if current == target:
        return f"This pitch is already {current.label.lower()}."
    if not TRANSITIONS[current]:
        return (
            f"This pitch is closed ({current.label.lower()}); "
            "start a new pitch to the brand instead."
        )
    if current == S.DRAFT and target == S.DECLINED:
        return "A draft hasn't reached the brand, so it can't be declined; delete it instead."
    options = ", ".join(s.label.lower() for s in TRANSITIONS[current])
    what = "new inquiry" if is_new_inquiry(current, inbound) else f"{current.label.lower()} pitch"
    return f"A {what} can't be marked {target.label.lower()}; it can only become {options}."


def brand_status_after(current: BrandStatus, target: PitchStatus) -> BrandStatus | None:
    """The brand's new status when one of its pitches moves to `target`, or None to keep it.

    Only moves forward (lead -> contacted -> in talks -> client); a brand the creator
    marked dormant or not a fit keeps that mark unless the pitch is won.
    """
    wanted = _BRAND_STATUS_FOR.get(target)
    if wanted is None or wanted == current:
        return None
    if current not in _BRAND_PROGRESS:
        return wanted if target == S.WON else None
    return wanted if _BRAND_PROGRESS[wanted] > _BRAND_PROGRESS[current] else None
