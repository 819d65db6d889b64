"""Exports of other platforms creators download too, told by their title lines and header
(never the file's name), so the upload says what they are instead of offering to map them
as income: Creator CRM doesn't import Instagram, Facebook or YouTube analytics.

The shapes are those of the real files in ../shared/samples: Meta Business Suite's metric
files (a metric title such as "Reach" or "Instagram follows", then "Date","Primary"), its
posts export (Post ID, Account username, Permalink...), and YouTube Studio's advanced-mode
table and chart (Content, Video title, Video publish time...).
"""

from __future__ import annotations

from collections.abc import Sequence


def _cells(header: Sequence[str]) -> list[str]:
    return [cell.strip().strip('"').strip().casefold() for cell in header]


def _text(preamble: Sequence[str], header: Sequence[str]) -> str:
    return " ".join([*preamble, *header]).casefold()


def what_it_is(preamble: Sequence[str], header: Sequence[str]) -> str | None:
    """ "an Instagram analytics export" and the like, or None for none of these."""
    cells = _cells(header)
    if cells[:2] == ["date", "primary"]:
        title = " ".join(preamble).casefold()
        return (
            "a Facebook analytics export"
            if "facebook" in title
            else ("an Instagram analytics export")
        )
    text = _text(preamble, header)
    if all(name in text for name in ("post id", "account username", "permalink")):
        return "an Instagram analytics export"
    if {"content", "video title", "video publish time"} <= set(cells):
        return "a YouTube Studio export"
    return None
