"""The columns a creator mapped for their own CSV: checked, remembered per header layout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from crm.imports.models import ColumnMappingKept
from crm.imports.readers.earnings import header_name
from crm.imports.readers.mapped import (
    DAY_ORDERS,
    MAPPING_FIELDS,
    STATUSES,
    ColumnMapping,
    layout_key,
)
from crm.imports.services import ImportRefused
from crm.ownership import owned

COLUMN_NAME_MAX = 200  # what the import form carries of a picked column's name
DECIMALS = {".": "a point (1,234.56)", ",": "a comma (1.234,56)"}
_NAMES = set(MAPPING_FIELDS)


def checked(
    values: Mapping[str, Any], header: Sequence[str], streams: Mapping[str, str]
) -> ColumnMapping:
    """A mapping of `header`'s columns, or ImportRefused naming the field that is wrong."""
    columns = {header_name(cell) for cell in header}
    for field in ("day", "amount"):
        if not values.get(field):
            label = "date" if field == "day" else "amount"
            raise ImportRefused(f"Pick the column that holds the {label}.", field=field)
    picked = [values.get(f) for f in ("day", "amount", "stream", "brand", "note") if values.get(f)]
    if any(len(name) > COLUMN_NAME_MAX for name in picked):
        raise ImportRefused(
            f"A column name is longer than {COLUMN_NAME_MAX} characters: shorten it in the "
            "file's first line.",
            field="day",
        )
    for name in picked:
        if header_name(name) not in columns:
            raise ImportRefused(f"The file has no column {name!r}.", field="day")
    if len({header_name(n) for n in picked}) < len(picked):
        raise ImportRefused("Each column can hold one thing: pick another.", field="amount")
    if values.get("day_order", "ymd") not in DAY_ORDERS:
        raise ImportRefused("Pick how the dates are written.", field="day_order")
    if values.get("decimal", ".") not in DECIMALS:
        raise ImportRefused("Pick how the amounts mark cents.", field="decimal")
    if values.get("default_stream", ColumnMapping.default_stream) not in streams:
        raise ImportRefused("Pick a stream the lines count as.", field="default_stream")
    if (values.get("status") or "paid") not in STATUSES:
        raise ImportRefused("Say whether the lines are paid.", field="status")
    chosen = {k: v for k, v in values.items() if k in _NAMES}
    for optional in ("stream", "brand", "note"):
        chosen[optional] = chosen.get(optional) or None  # "" from a form: not mapped
    chosen["status"] = chosen.get("status") or "paid"
    return ColumnMapping(**chosen)


# Header names that say what a column holds, folded (crm.imports.readers.earnings.header_name),
# in English, Spanish and German: the mapping page picks these columns to start with.
LIKELY: dict[str, tuple[str, ...]] = {
    "day": ("date", "day", "paid on", "paid_on", "fecha", "dia", "día", "datum", "tag"),
    "amount": (
        "amount",
        "total",
        "sum",
        "importe",
        "monto",
        "cantidad",
        "total_eur",
        "betrag",
        "summe",
        "gesamt",
        "gesamtbetrag",
    ),
    "note": (
        "description",
        "note",
        "notes",
        "memo",
        "details",
        "descripcion",
        "descripción",
        "concepto",
        "nota",
        "beschreibung",
        "notiz",
        "verwendungszweck",
    ),
    "brand": ("brand", "client", "customer", "marca", "cliente", "marke", "kunde"),
    "stream": ("stream", "income stream", "income_stream"),
}


def likely(header: Sequence[str]) -> dict[str, str]:
    """The columns whose names say what they hold, by field ("day": "Fecha")."""
    picked: dict[str, str] = {}
    for field, names in LIKELY.items():
        wanted = {header_name(name) for name in names}
        for cell in header:
            name = header_name(cell, drop_currency=True)
            if cell.strip() and name in wanted and cell not in picked.values():
                picked[field] = cell
                break
    return picked


def remembered(session: Session, owner_id: int, header: Sequence[str]) -> ColumnMapping | None:
    """The mapping last used for a file with this header layout, if any still fits it."""
    kept = session.scalars(
        owned(ColumnMappingKept, owner_id).where(ColumnMappingKept.layout == layout_key(header))
    ).first()
    if kept is None:
        return None
    try:
        mapping = ColumnMapping(**{k: v for k, v in kept.mapping.items() if k in _NAMES})
    except TypeError:  # written by a version with other fields: map it again
        return None
    return mapping if mapping.columns(header) is not None else None


def remember(
    session: Session, owner_id: int, header: Sequence[str], mapping: ColumnMapping
) -> None:
    """Keep `mapping` for this header layout (replacing the one kept before)."""
    layout = layout_key(header)
    kept = session.scalars(
        owned(ColumnMappingKept, owner_id).where(ColumnMappingKept.layout == layout)
    ).first()
    if kept is None:
        kept = ColumnMappingKept(owner_id=owner_id, layout=layout)
        session.add(kept)
    kept.mapping = asdict(mapping)
    session.flush()
