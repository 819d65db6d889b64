"""Column values to JSON and back, generic over the column types, every value checked.

Dates are ISO days, datetimes ISO UTC with their offset, enums their values, Decimals
text. Reading back refuses what the column (and the service's limits: amounts, lengths,
enums, currencies) would not take, so a hand-edited file is held to the same rules.
"""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from crm import inputs
from crm.backup.tables import INT_RANGES, LONG_TEXT_MAX, TEXT_MAX, BackedUp
from crm.database import UTCDateTime
from crm.errors import FieldError
from crm.money import CURRENCIES

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BackupError(FieldError):
    """A backup refused: not one, a newer version, a row that breaks a rule, a full account."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def to_json(value: Any) -> Any:
    """A column value as plain JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def from_json(spec: BackedUp, column: sa.Column, raw: Any, where: str) -> Any:
    """`raw` from the file as the value `column` stores; BackupError naming `where` if not."""
    if raw is None:
        if column.nullable:
            return None
        raise BackupError(f"{where}: '{column.name}' can't be empty.")
    try:
        value = _typed(column, raw)
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        raise BackupError(f"{where}: '{column.name}' is not a {_kind(column)}.") from None
    _check_limits(spec, column, value, where)
    return value


def _typed(column: sa.Column, raw: Any) -> Any:
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(raw)
    if isinstance(kind, sa.Boolean):
        if not isinstance(raw, bool):
            raise TypeError
        return raw
    if isinstance(kind, sa.Integer):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise TypeError
        return raw
    if isinstance(kind, UTCDateTime):
        moment = datetime.fromisoformat(_text(raw))
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(UTC)
    if isinstance(kind, sa.Date):
        if not DAY.fullmatch(_text(raw)):
            raise ValueError
        return date.fromisoformat(raw)
    if isinstance(kind, sa.Numeric):
        return Decimal(_text(raw))
    if isinstance(kind, sa.String):  # Text is a String
        return _text(raw)
    raise TypeError(f"no backup rule for {kind!r}")  # a new column type: add its rule here


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError
    return raw


def _kind(column: sa.Column) -> str:
    kind = column.type
    if isinstance(kind, sa.Enum):
        return "known choice (" + ", ".join(kind.enums) + ")"
    if isinstance(kind, sa.Boolean):
        return "true or false"
    if isinstance(kind, sa.Integer):
        return "whole number"
    if isinstance(kind, UTCDateTime):
        return "time with its offset (2026-03-02T10:00:00+00:00)"
    if isinstance(kind, sa.Date):
        return "day (2026-03-02)"
    return "text"


def _check_limits(spec: BackedUp, column: sa.Column, value: Any, where: str) -> None:
    name = column.name
    if isinstance(value, int) and not isinstance(value, bool):
        high = inputs.INT8_MAX if isinstance(column.type, sa.BigInteger) else inputs.INT4_MAX
        if name.endswith("_cents"):
            high = spec.cents_max
            if value < 0:
                raise BackupError(f"{where}: '{name}' can't be negative.")
        if not -high <= value <= high:
            raise BackupError(f"{where}: '{name}' is out of range (at most {high:,}).")
        low, top = INT_RANGES.get(f"{spec.name}.{name}", (-high, high))
        if not low <= value <= top:
            raise BackupError(f"{where}: '{name}' must be from {low:,} to {top:,}.")
    elif isinstance(value, str) and not isinstance(value, enum.Enum):
        most = column.type.length or TEXT_MAX.get(f"{spec.name}.{name}", LONG_TEXT_MAX)
        if len(value) > most:
            raise BackupError(f"{where}: '{name}' is longer than {most:,} characters.")
        if "\x00" in value:
            raise BackupError(f"{where}: '{name}' holds a NUL character.")
        if name.endswith("currency") and value not in CURRENCIES:
            raise BackupError(f"{where}: '{name}' is not one of {', '.join(CURRENCIES)}.")
