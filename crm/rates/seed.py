"""The one reader of seed/market.toml. (Minimal for now: niches and product categories.)"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from crm.paths import data_dir


class SeedError(RuntimeError):
    """The seed file is broken; the message names the key at fault."""


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class Market:
    niches: tuple[Choice, ...]
    high_value_niches: frozenset[str]
    product_categories: tuple[Choice, ...]
    raw: dict[str, Any]

    def niche_choices(self) -> list[tuple[str, str]]:
        return [(n.key, n.label) for n in self.niches]

    def category_choices(self) -> list[tuple[str, str]]:
        return [(c.key, c.label) for c in self.product_categories]

    def category_label(self, key: str) -> str:
        return next((c.label for c in self.product_categories if c.key == key), key)

    def niche_label(self, key: str) -> str:
        return next((n.label for n in self.niches if n.key == key), key)


def _choices(data: dict[str, Any], key: str) -> tuple[Choice, ...]:
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise SeedError(f"seed/market.toml: '{key}' must be a non-empty list")
    found = []
    for index, item in enumerate(items):
        if not isinstance(item.get("key"), str) or not isinstance(item.get("label"), str):
            raise SeedError(f"seed/market.toml: '{key}[{index}]' needs a text 'key' and 'label'")
        found.append(Choice(item["key"], item["label"]))
    return tuple(found)


def parse_market(data: dict[str, Any]) -> Market:
    """Check the parsed TOML and build the Market, naming the first key at fault."""
    niches = _choices(data, "niches")
    return Market(
        niches=niches,
        high_value_niches=frozenset(n["key"] for n in data["niches"] if n.get("high_value")),
        product_categories=_choices(data, "product_categories"),
        raw=data,
    )


def load_market_file(path: Path) -> Market:
    """Read and check one market file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise SeedError(f"seed file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path.name}: {exc}") from None
    return parse_market(data)


@cache
def market() -> Market:
    """The installed market facts, read once per process."""
    return load_market_file(data_dir("seed") / "market.toml")
