"""The creator's clock: their timezone, their "today", their months, and the one date format.

Times are stored in UTC; what a creator calls today, a due date or a month is cut in
their own timezone (an IANA name on the profile, UTC when unset or unknown).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from crm import database

DEFAULT_ZONE = "UTC"
# The zones a person lives in (America/Los_Angeles), not aliases like US/Pacific or Etc/GMT+8.
_AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
_ZONE_NAME_MAX = 64


@cache
def known_zones() -> frozenset[str]:
    """Every IANA name this machine's tz database knows."""
    return frozenset(available_timezones())


def is_known_zone(name: str) -> bool:
    """True when `name` is an IANA timezone this machine can use."""
    return isinstance(name, str) and len(name) <= _ZONE_NAME_MAX and name in known_zones()


def zone_or_utc(name: str | None) -> str:
    """`name` when it is a known timezone, else UTC (a browser's guess may be anything)."""
    return name if name and is_known_zone(name) else DEFAULT_ZONE


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(zone_or_utc(name))
    except ZoneInfoNotFoundError:  # a name listed but its file missing: still a clock
        return ZoneInfo(DEFAULT_ZONE)


def _place(name: str) -> str:
    return name.partition("/")[2].replace("_", " ").replace("/", " / ")


@cache
def zone_groups() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(area, ((name, city), ...)) for the profile's select, areas and cities sorted."""
    groups = []
    for area in _AREAS:
        names = sorted(n for n in known_zones() if n.startswith(f"{area}/"))
        groups.append((area, tuple((n, _place(n)) for n in names)))
    return (("UTC", ((DEFAULT_ZONE, "UTC"),)), *(g for g in groups if g[1]))


def local_day(now: datetime, zone: str | None) -> date:
    """The calendar day it is in `zone` at the aware instant `now`."""
    return now.astimezone(_zone(zone)).date()


def today_in(zone: str | None) -> date:
    """Today in `zone`, by the one clock tests can move (crm.database.utcnow)."""
    return local_day(database.utcnow(), zone)


def month_days(year: int, month: int) -> tuple[date, date]:
    """The first day of the month and the first day of the next."""
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


def month_range(year: int, month: int, zone: str | None) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a calendar month as lived in `zone`."""
    tz = _zone(zone)
    first, following = month_days(year, month)
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(following, time(), tz)
    return start.astimezone(UTC), end.astimezone(UTC)


MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def show_month(key: str, short: bool = False) -> str:
    """'2026-12' as a person says it: 'December 2026' ('Dec 2026' short); else as given."""
    year, _, month = str(key).partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return str(key)
    name = MONTH_NAMES[int(month) - 1]
    return f"{name[:3] if short else name} {int(year)}"


def show_date(
    value: date | datetime | None,
    zone: str | None = None,
    *,
    weekday: bool = False,
    with_time: bool = False,
    empty: str = "—",
) -> str:
    """'Dec 1, 2026' ('Tue, Dec 1, 2026' with the weekday; '..., 3:05 pm' with the time).

    An aware datetime is shown in `zone`; a plain date is a calendar day and shown as is.
    """
    if value is None:
        return empty
    moment = value.astimezone(_zone(zone)) if isinstance(value, datetime) else value
    text = f"{moment:%b} {moment.day}, {moment.year}"
    if weekday:
        text = f"{moment:%a}, {text}"
    if with_time and isinstance(moment, datetime):
        hour = moment.hour % 12 or 12
        text += f", {hour}:{moment:%M} {'am' if moment.hour < 12 else 'pm'}"
    return text
