"""TikTok's header names and cell values: what each column is called, and what a cell says.

Header names are per interface language, like the month names; a table is recognised by its
header cells folded (case, spacing, a byte-order mark), never by its file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

# What each column is called, per interface language. Only English headers are known from real
# files (whether a Spanish interface translates them is unknown, so English ones are accepted
# whatever the dates' language); a language that does is one more entry with the same keys.
HEADER_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "date": ("Date",),
        "video_views": ("Video Views",),  # Studio's "Video Views", business "Video views"
        "profile_views": ("Profile Views",),
        "likes": ("Likes",),
        "comments": ("Comments",),
        "shares": ("Shares",),
        "followers": ("Followers",),
        "followers_difference": ("Difference in followers from previous day",),
        "total_viewers": ("Total Viewers",),
        "new_viewers": ("New Viewers",),
        "returning_viewers": ("Returning Viewers",),
        "hour": ("Hour",),
        "active_followers": ("Active followers",),
        "gender": ("Gender",),
        "territory": ("Top territories",),
        "distribution": ("Distribution",),
        "export_day": ("Time",),
        "video_title": ("Video title",),
        "video_link": ("Video link",),
        "post_time": ("Post time",),
        "total_likes": ("Total likes",),
        "total_comments": ("Total comments",),
        "total_shares": ("Total shares",),
        "total_views": ("Total views",),
        "new_followers": ("New followers",),
        "total_followers": ("Total followers",),
        "net_growth": ("Net growth",),
        "reached_audience": ("Reached audience",),
        "engaged_audience": ("Engaged audience",),
    },
}

# What stands for "no figure": Studio writes `undefined`, the business export `NAN` and `--`.
MISSING = frozenset({"", "undefined", "nan", "--", "-", "null", "n/a"})

# 1,234 / 1.234 / 1 234 (also with a non-breaking or narrow space) / 1'234, or plain digits;
# a minus too, as Overview writes "-1" comments on a day more were deleted than written.
_COUNT = re.compile(r"-?(?:\d{1,3}(?:([,. \u00a0\u202f'])\d{3})?(?:\1\d{3})*|\d+)")


def fold_header(text: str) -> str:
    """A header cell as compared: no byte-order mark, spaces collapsed, case folded."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for names in HEADER_NAMES.values():
        for key, texts in names.items():
            for text in texts:
                keys[fold_header(text)] = key
    return keys


HEADER_KEYS = _header_keys()


def columns(header: Sequence[str]) -> dict[str, int]:
    """Where each known column is in this header (the first, if one repeats)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = HEADER_KEYS.get(fold_header(cell))
        if key is not None:
            found.setdefault(key, index)
    return found


def has_all(found: Iterable[str], groups: Sequence[tuple[str, ...]]) -> bool:
    """Whether every group has one of its keys among the columns found."""
    present = set(found)
    return all(present.intersection(group) for group in groups)


class BadCell(ValueError):
    """A cell that says something, but not a figure."""


def is_missing(text: str) -> bool:
    """Whether a cell means "no figure" (never a zero)."""
    return text.strip().casefold() in MISSING


def count(text: str) -> int | None:
    """A whole number from a cell ("1,234", "undefined" -> None); BadCell if it is not one."""
    if is_missing(text):
        return None
    cleaned = text.strip()
    if not _COUNT.fullmatch(cleaned):
        raise BadCell(cleaned)
    digits = int(re.sub(r"\D", "", cleaned))
    return -digits if cleaned.startswith("-") else digits


def share(text: str) -> Decimal | None:
    """A share from 0 to 1 ("0.59", "0,59", "59%"); BadCell if it is not one."""
    if is_missing(text):
        return None
    cleaned = text.strip().replace(",", ".")
    percent = cleaned.endswith("%")
    try:
        value = Decimal(cleaned.removesuffix("%").strip())
    except InvalidOperation:
        raise BadCell(text.strip()) from None
    if percent:
        value /= 100
    if not value.is_finite() or not 0 <= value <= 1:
        raise BadCell(text.strip())
    return value
