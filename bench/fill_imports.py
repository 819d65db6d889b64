"""The benchmark's imports: a record of each file a creator imported, for the imports page.

A creator imports a TikTok export or an earnings report every week or two: at N brands, N/200
imports (500 at 100k), newest a day ago, every tenth undone. Only the records: the pages
measured list them, they don't read what each wrote.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

SOURCES = (
    ("tiktok", "TikTok Studio: Overview", "Overview.csv", 365, 7),
    ("ltk", "LTK earnings", "LTK-earnings-export.csv", 1500, 30),
    ("amazon", "Amazon Associates: earnings", "Fee-Earnings.zip", 400, 30),
)


def import_rows(owner_id: int, count: int, now: datetime) -> Iterator[dict[str, Any]]:
    """`count` import records of `owner_id`, newest first, two to six days apart."""
    at = now - timedelta(days=1)
    for number in range(count):
        source, label, name, rows, days = SOURCES[number % len(SOURCES)]
        ends = at.date() - timedelta(days=1)
        sha = hashlib.sha256(f"{owner_id}-{number}".encode()).hexdigest()
        yield {
            "owner_id": owner_id,
            "source": source,
            "label": label,
            "file_name": name,
            "sha256": sha,
            "created_at": at,
            "date_from": ends - timedelta(days=days - 1),
            "date_to": ends,
            "rows_read": rows,
            "rows_skipped": number % 7,
            "entries_written": rows // 5,
            "entries_replaced": (number % 3) * 4,
            "undone_at": at + timedelta(hours=1) if number % 10 == 9 else None,
        }
        at -= timedelta(days=2 + number % 5)
