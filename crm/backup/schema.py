"""The JSON Schema (draft 2020-12) of a backup, built from the same table list the export uses.

crm/backup/schema.json is this function's output, kept in the repository for anyone reading a
backup without the app; tests/test_backup_schema.py fails when the two differ. After a change:
`python -m crm.backup.schema > crm/backup/schema.json`.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from crm import inputs
from crm.backup.export import FORMAT, VERSION
from crm.backup.tables import BACKED_UP, LONG_TEXT_MAX, PROFILE, TEXT_MAX, BackedUp, columns
from crm.database import UTCDateTime


def backup_schema() -> dict[str, Any]:
    """The schema of a backup file of the current version."""
    import crm.models  # noqa: F401  (every table on the metadata)

    tables = {spec.name: _table(spec) for spec in BACKED_UP}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://creator-crm.example/backup.schema.json",
        "title": "Creator CRM backup",
        "description": (
            "All of one creator's data. Ids are the exporting server's: a restore gives every "
            "row a new id and translates the foreign keys. Left out: the login (email, password "
            "hash), sessions, reset links, the calendar feed's secret token, owner ids, and "
            "tables derived from others (brand search, pitch totals)."
        ),
        "type": "object",
        "required": ["format", "version", "exported_at", "tables"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "exported_at": {"type": "string", "format": "date-time"},
            "tables": {
                "type": "object",
                "additionalProperties": False,
                "properties": tables,
            },
        },
    }


def _table(spec: BackedUp) -> dict[str, Any]:
    cols = columns(spec)
    row = {
        "type": "object",
        "additionalProperties": False,
        "required": [column.name for column in cols if not column.nullable],
        "properties": {column.name: _value(spec, column) for column in cols},
    }
    rows: dict[str, Any] = {"type": "array", "items": row}
    if spec.name == PROFILE:
        rows.update(minItems=1, maxItems=1)
    return rows


def _value(spec: BackedUp, column: sa.Column) -> dict[str, Any]:
    kind = column.type
    found: dict[str, Any]
    if isinstance(kind, sa.Enum):
        found = {"enum": list(kind.enums)}
    elif isinstance(kind, sa.Boolean):
        found = {"type": "boolean"}
    elif isinstance(kind, sa.Integer):
        high = inputs.INT8_MAX if isinstance(kind, sa.BigInteger) else inputs.INT4_MAX
        if column.name.endswith("_cents"):
            found = {"type": "integer", "minimum": 0, "maximum": spec.cents_max}
        else:
            found = {"type": "integer", "minimum": -high, "maximum": high}
    elif isinstance(kind, UTCDateTime):
        found = {"type": "string", "format": "date-time"}
    elif isinstance(kind, sa.Date):
        found = {"type": "string", "format": "date"}
    else:
        most = kind.length or TEXT_MAX.get(f"{spec.name}.{column.name}", LONG_TEXT_MAX)
        found = {"type": "string", "maxLength": most}
    if column.nullable:
        return {"anyOf": [found, {"type": "null"}]}
    return found


def schema_text() -> str:
    """The schema as the text kept in crm/backup/schema.json."""
    return json.dumps(backup_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
