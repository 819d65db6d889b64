"""Backups of older versions, brought up to the current one a step at a time.

When the file's layout changes, VERSION in crm.backup.export goes up by one and a step
`UPGRADES[old]` turns a document of version `old` into one of `old + 1` (a renamed
column, a new required column and its value for old rows). There is only version 1 so far.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crm.backup.export import FORMAT, VERSION
from crm.backup.values import BackupError

Document = dict[str, Any]

UPGRADES: dict[int, Callable[[Document], Document]] = {}


def current(document: Any) -> Document:
    """`document` brought to the current version; BackupError when it is no backup we can read."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("This file is not a Creator CRM backup.")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BackupError("This backup has no version number it can be read by.")
    if version > VERSION:
        raise BackupError(
            f"This backup was made by a newer Creator CRM (format version {version}); "
            f"this one reads up to version {VERSION}: update it first."
        )
    while version < VERSION:
        document = UPGRADES[version](document)
        version += 1
        document["version"] = version
    if not isinstance(document.get("tables"), dict):
        raise BackupError("This backup has no tables.")
    return document
