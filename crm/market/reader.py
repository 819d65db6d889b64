"""Typed access to parsed TOML that names the key at fault when a value is wrong."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Any

from crm.config import ConfigError
from crm.market.ranges import CentsRange, Range
from crm.money import to_cents

_MISSING: Any = object()


class SeedError(ConfigError):
    """The seed file is broken; the message names the key at fault."""


def _is_number(value: object) -> bool:
    # TOML booleans arrive as bool, which Python counts as int.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class Reader:
    """One table of the file, with the dotted path that leads to it."""

    def __init__(self, data: dict[str, Any], name: str, prefix: str = "") -> None:
        self.data = data
        self.name = name
        self.prefix = prefix

    def fail(self, key: str, problem: str) -> None:
        """Raise SeedError for `key` of this table."""
        raise SeedError(f"{self.name}: {self.prefix}{key} {problem}")

    def only(self, *allowed: str) -> None:
        """Refuse keys the app does not know (a typo would otherwise pass silently)."""
        for key in self.data:
            if key not in allowed:
                self.fail(key, f"is not a known key (expected: {', '.join(allowed)})")

    def get(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail(key, "is missing")
        return default

    def text(self, key: str, default: Any = _MISSING) -> str:
        value = self.get(key, default)
        if not isinstance(value, str) or (not value.strip() and default is _MISSING):
            self.fail(key, "must be non-empty text")
        return str(value)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            self.fail(key, "must be a non-empty list of text")
        return tuple(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return bool(value)

    def count(self, key: str, default: Any = _MISSING) -> int:
        value = self.get(key, default)
        if not _is_number(value) or not float(value).is_integer() or value < 0:
            self.fail(key, "must be a whole number, 0 or more")
        return int(value)

    def number(self, key: str) -> float:
        value = self.get(key)
        if not _is_number(value) or value < 0:
            self.fail(key, "must be a number, 0 or more")
        return float(value)

    def range(self, key: str, *, whole: bool = False, most: float | None = None) -> Range:
        value = self.get(key)
        shape = "[low, high] whole numbers" if whole else "[low, high]"
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(_is_number(v) and v >= 0 for v in value)
            or (whole and not all(float(v).is_integer() for v in value))
            or value[0] > value[1]
        ):
            self.fail(key, f"must be {shape} with 0 <= low <= high")
        if most is not None and value[1] > most:
            self.fail(key, f"must not go above {most:g}")
        return Range(float(value[0]), float(value[1]))

    def money_range(self, key: str) -> CentsRange:
        found = self.range(key)
        return CentsRange(to_cents(found.low), to_cents(found.high))

    def pair_range(self, low_key: str, high_key: str) -> Range:
        low, high = self.number(low_key), self.number(high_key)
        if low > high:
            self.fail(low_key, f"must not be more than {high_key} ({high:g})")
        return Range(low, high)

    def table(self, key: str) -> Reader:
        value = self.get(key)
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
        return Reader(value, self.name, f"{self.prefix}{key}.")

    def tables(self, key: str) -> Iterator[Reader]:
        value = self.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            self.fail(key, "must be a non-empty list of tables")
        for index, item in enumerate(value):
            yield Reader(item, self.name, f"{self.prefix}{key}[{index}].")

    def unique(self, key: str, values: Iterable[str]) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                self.fail(key, f"has the key {value!r} twice")
            seen.add(value)
