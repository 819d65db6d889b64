"""The follow-up cadence: pure date arithmetic over a list of waits, in days.

A cadence "4,7,7" means: follow up 4 days after sending, again 7 days after the first
follow-up, and a last time 7 days after the second. The last wait then applies once
more as the time the brand has to answer the final follow-up; when that passes with
no answer, the pitch is ghosted. So with N steps a creator sends at most N follow-ups.

Example with "4,7,7", sent on 1 March and every follow-up logged the day it is due:
    follow-up 1 due 5 March, follow-up 2 due 12 March, follow-up 3 due 19 March,
    no answer by 26 March -> ghosted.
"""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_CADENCE: tuple[int, ...] = (4, 7, 7)
MIN_STEPS, MAX_STEPS = 1, 5
MIN_DAYS, MAX_DAYS = 1, 60


class CadenceError(ValueError):
    """Text that is not a usable cadence; the message says what to fix."""


def parse_cadence(text: str) -> tuple[int, ...]:
    """'4, 7, 7' -> (4, 7, 7); raises CadenceError for anything outside the rules."""
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise CadenceError("Enter the days between follow-ups, for example 4, 7, 7.")
    if len(parts) > MAX_STEPS:
        raise CadenceError(f"Use at most {MAX_STEPS} follow-ups.")
    steps = []
    for part in parts:
        # ASCII digits only: '²' is a digit to isdigit() but not to int(), and 5,000 nines
        # are more than int() reads.
        if not (part.isascii() and part.isdigit()):
            raise CadenceError(f"{part[:20]!r} is not a whole number of days.")
        days = int(part) if len(part) <= 6 else None
        if days is None or not MIN_DAYS <= days <= MAX_DAYS:
            shown = part if len(part) <= 6 else f"{part[:6]}…"
            raise CadenceError(f"Each wait must be {MIN_DAYS} to {MAX_DAYS} days ({shown} isn't).")
        steps.append(days)
    return tuple(steps)


def cadence_or_default(text: str | None) -> tuple[int, ...]:
    """The stored cadence, or the default when what is stored no longer parses."""
    try:
        return parse_cadence(text or "")
    except CadenceError:
        return DEFAULT_CADENCE


def format_cadence(steps: tuple[int, ...]) -> str:
    """(4, 7, 7) -> '4,7,7' (how it is stored)."""
    return ",".join(str(days) for days in steps)


def first_followup_on(sent_on: date, steps: tuple[int, ...]) -> date:
    """When the first follow-up is due for a pitch sent on `sent_on`."""
    return sent_on + timedelta(days=steps[0])


def next_after_followup(logged_on: date, followups_sent: int, steps: tuple[int, ...]) -> date:
    """The next date after follow-up number `followups_sent` (1-based) was sent on `logged_on`.

    Before the last follow-up it is when the next one is due; after it, the day the
    brand's time to answer runs out (the last wait again).
    """
    index = min(followups_sent, len(steps) - 1)
    return logged_on + timedelta(days=steps[index])


def cadence_done(followups_sent: int, steps: tuple[int, ...]) -> bool:
    """True when every follow-up of the cadence has been sent."""
    return followups_sent >= len(steps)


def is_ghosted(
    followups_sent: int, next_date: date | None, today: date, steps: tuple[int, ...]
) -> bool:
    """True when the cadence has run out and the brand's time to answer has passed."""
    return cadence_done(followups_sent, steps) and next_date is not None and next_date <= today


def describe(steps: tuple[int, ...]) -> str:
    """A sentence for the settings page: what this cadence does."""
    parts = [f"follow up {steps[0]} days after sending"]
    parts += [f"again {days} days later" for days in steps[1:]]
    return (
        "; ".join(parts)
        + f"; no answer {steps[-1]} days after the last follow-up marks the pitch ghosted."
    ).capitalize()
