"""The brand list: search, filters, sorting and pages, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import Session, selectinload

from crm.brands.models import Brand, BrandSource, BrandStatus, BrandTag
from crm.brands.normalise import sweet_spot
from crm.brands.search import matching_brands
from crm.ownership import owned
from crm.pagination import Page, paginate

# Sort key -> (label, ORDER BY). Every order ends on id so pages never overlap.
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "recent": ("Recent activity", (Brand.updated_at.desc(), Brand.id.desc())),
    "name": ("Name A-Z", (Brand.name_key, Brand.id)),
    "followers": (
        "TikTok followers",
        (Brand.tiktok_followers.is_(None), Brand.tiktok_followers.desc(), Brand.id),
    ),
    "newest": ("Newest first", (Brand.created_at.desc(), Brand.id.desc())),
}
DEFAULT_SORT = "recent"


@dataclass(frozen=True)
class BrandFilters:
    """What the creator searched and filtered by; empty strings mean 'any'."""

    q: str = ""
    status: str = ""
    category: str = ""
    source: str = ""
    tag: str = ""
    good_only: bool = False
    sort: str = DEFAULT_SORT

    def query_args(self) -> dict[str, str]:
        """The filters as URL query arguments (for pagination links and export)."""
        args = {
            "q": self.q,
            "status": self.status,
            "category": self.category,
            "source": self.source,
            "tag": self.tag,
            "good": "1" if self.good_only else "",
            "sort": "" if self.sort == DEFAULT_SORT else self.sort,
        }
        return {key: value for key, value in args.items() if value}

    @property
    def active(self) -> bool:
        return any((self.q, self.status, self.category, self.source, self.tag, self.good_only))


def good_target_clause() -> ColumnElement[bool]:
    """SQL for 'a good target': the same rule as normalise.is_good_target."""
    low, high = sweet_spot()
    return or_(Brand.runs_tiktok_ads.is_(True), Brand.tiktok_followers.between(low, high))


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(statement: Select[Any], owner_id: int, q: str) -> Select[Any]:
    return statement.where(Brand.id.in_(matching_brands(owner_id, q)))


def filtered(owner_id: int, filters: BrandFilters) -> Select[Any]:
    """A SELECT of the creator's brands matching `filters` (unordered)."""
    statement = owned(Brand, owner_id)
    if filters.q.strip():
        statement = _search(statement, owner_id, filters.q)
    if filters.status in BrandStatus._value2member_map_:
        statement = statement.where(Brand.status == BrandStatus(filters.status))
    if filters.category:
        statement = statement.where(Brand.product_category == filters.category)
    if filters.source in BrandSource._value2member_map_:
        statement = statement.where(Brand.source == BrandSource(filters.source))
    if filters.tag:
        statement = statement.where(
            Brand.id.in_(
                owned(BrandTag, owner_id, BrandTag.brand_id).where(
                    BrandTag.name == filters.tag.casefold()
                )
            )
        )
    if filters.good_only:
        statement = statement.where(good_target_clause())
    return statement


def list_brands(
    session: Session, owner_id: int, filters: BrandFilters, page: int, size: int
) -> Page[Brand]:
    """One page of brands with their tags and contacts loaded: four queries, whatever the page."""
    _label, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return paginate(
        session,
        filtered(owner_id, filters),
        page,
        size,
        order_by=order,
        options=(selectinload(Brand.tags), selectinload(Brand.contacts)),
    )
