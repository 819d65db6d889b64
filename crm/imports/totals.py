"""An upload's totals as text: one labelled line per program or figure.

The preview page and `crm import` both show them so. A total is money (cents by currency,
per program or stream, fees under "<program> fees") unless it is one of the counts in
crm.imports.digest.COUNTED: the days of stats with their views and followers, videos, views alone,
audience shares per dimension.
"""

from __future__ import annotations

from collections.abc import Mapping

from crm.money import format_money


def preview_totals(
    totals: Mapping[str, Mapping[str, int]], labels: Mapping[str, str] | None = None
) -> list[str]:
    """A line per total, in order; `labels` names the streams (key -> label)."""
    labels = labels or {}
    lines = []
    for name, by in totals.items():
        if name == "stats":
            # The days are the table's date range already: said only when nothing else is.
            parts = []
            if "views" in by:
                parts.append(f"{by['views']:,} views")
            if "followers" in by:
                parts.append(f"{by['followers']:,} followers at the end")
            lines.append(", ".join(parts) or _count(by["days"], "day"))
        elif name == "videos":
            lines.append(_count(by["videos"], "video"))
        elif name == "views":
            lines.append(f"{by['views']:,} views")
        elif name == "audience":
            lines.append(", ".join(_count(n, f"{dimension} share") for dimension, n in by.items()))
        else:
            amounts = " + ".join(format_money(cents, currency) for currency, cents in by.items())
            lines.append(f"{labels.get(name, name)}: {amounts}")
    return lines


def _count(number: int, what: str) -> str:
    return f"{number:,} {what}{'' if number == 1 else 's'}"
