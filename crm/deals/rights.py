"""Rights windows as arithmetic on dates: when a usage, whitelisting or exclusivity right ends.

Pure: plain values in, no session, no app. A window counts its start as day 1, the way
a contract reads ("30 days from March 1" runs to March 30, inclusive). Perpetual usage
has no end.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

# Rights ending this soon are a chance to sell an extension.
ENDING_SOON_DAYS = 14


class RightsKind(enum.StrEnum):
    USAGE = "usage"
    WHITELISTING = "whitelisting"
    EXCLUSIVITY = "exclusivity"

    @property
    def label(self) -> str:
        return {
            "usage": "Paid usage",
            "whitelisting": "Whitelisting / Spark Ads",
            "exclusivity": "Exclusivity",
        }[self.value]


def window_end(start: date, days: int | None) -> date | None:
    """The last day of `days` from `start`, start as day 1; days None (perpetual): None."""
    if days is None:
        return None
    if days < 1:
        raise ValueError("a window lasts at least one day")
    return start + timedelta(days=days - 1)


def is_active(start: date | None, end: date | None, today: date) -> bool:
    """True from the start day through the end day; a window not started yet is not active."""
    if start is None or today < start:
        return False
    return end is None or today <= end


def ending_within(end: date | None, today: date, days: int = ENDING_SOON_DAYS) -> bool:
    """True when `end` falls in the `days` days counting today (a window still running)."""
    if end is None:
        return False
    last = window_end(today, days)
    assert last is not None
    return today <= end <= last


@dataclass(frozen=True)
class RightsWindow:
    """One right a deal grants; `start` None until the content is posted."""

    kind: RightsKind
    start: date | None
    end: date | None
    perpetual: bool = False
    days: int | None = None

    def is_active(self, today: date) -> bool:
        return is_active(self.start, self.end, today)

    def ending_within(self, today: date, days: int = ENDING_SOON_DAYS) -> bool:
        return not self.perpetual and ending_within(self.end, today, days)


class HasRights(Protocol):
    """What `windows` reads from a deal (a Deal row, or anything shaped like one)."""

    usage_days: int | None
    usage_perpetual: bool
    usage_start: date | None
    whitelisting_days: int | None
    whitelisting_start: date | None
    exclusivity_days: int | None
    exclusivity_start: date | None


def _window(kind: RightsKind, start: date | None, days: int | None) -> RightsWindow:
    end = window_end(start, days) if start is not None else None
    return RightsWindow(kind, start, end, days=days)


def windows(deal: HasRights) -> list[RightsWindow]:
    """The rights `deal` grants, in the order usage, whitelisting, exclusivity."""
    found: list[RightsWindow] = []
    if deal.usage_perpetual:
        found.append(RightsWindow(RightsKind.USAGE, deal.usage_start, None, perpetual=True))
    elif deal.usage_days is not None:
        found.append(_window(RightsKind.USAGE, deal.usage_start, deal.usage_days))
    if deal.whitelisting_days is not None:
        found.append(
            _window(RightsKind.WHITELISTING, deal.whitelisting_start, deal.whitelisting_days)
        )
    if deal.exclusivity_days is not None:
        found.append(_window(RightsKind.EXCLUSIVITY, deal.exclusivity_start, deal.exclusivity_days))
    return found
