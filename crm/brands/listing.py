"""The brand list: search, filters, sorting and pages, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import Session, selectinload

from crm.brands.models import Brand, BrandSource, BrandStatus, BrandTag
from crm.brands.normalise import sweet_spot
from crm.brands.search import ListSearch, list_search, matching_brands
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Key, Order, Page, keyset_page

# Sort key -> (label, order). Every order ends on id so pages never overlap; each has an
# index (owner_id, key, id) in migration 0013.
SORTS: dict[str, tuple[str, Order]] = {
    "recent": (
        "Recent activity",
        Order("recent", (Key(Brand.updated_at, descending=True), Key(Brand.id, descending=True))),
    ),
    "name": ("Name A-Z", Order("name", (Key(Brand.name_key), Key(Brand.id)))),
    "followers": (
        "TikTok followers",
        Order(
            "followers",
            (
                Key(Brand.tiktok_followers, descending=True, nulls_last=True),
                Key(Brand.id, descending=True),
            ),
        ),
    ),
    "newest": (
        "Newest first",
        Order("newest", (Key(Brand.created_at, descending=True), Key(Brand.id, descending=True))),
    ),
}
DEFAULT_SORT = "recent"
# Sorts read as a position in an alphabet or a ranking, not as time: "Previous" / "Next".
SORTS_NOT_BY_TIME = frozenset({"name", "followers"})


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


def filtered(owner_id: int, filters: BrandFilters, search: ListSearch | None = None) -> Select[Any]:
    """A SELECT of the creator's brands matching `filters` (unordered).

    `search`, when given, is how the list applies `filters.q` (see search.list_search).
    """
    statement = owned(Brand, owner_id)
    if search is not None:
        statement = statement.where(search.condition)
    elif filters.q.strip():
        statement = statement.where(Brand.id.in_(matching_brands(owner_id, filters.q)))
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
    session: Session,
    owner_id: int,
    filters: BrandFilters,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
) -> Page[Brand]:
    """One page of brands from `cursor`, tags and contacts loaded: five queries, any page."""
    _label, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    search = list_search(session, owner_id, filters.q, count_cap) if filters.q.strip() else None
    # The search's own count is the list's when nothing else narrows it.
    only_searched = search is not None and not replace(filters, q="", sort="").active
    return keyset_page(
        session,
        filtered(owner_id, filters, search),
        order,
        cursor,
        size,
        options=(selectinload(Brand.tags), selectinload(Brand.contacts)),
        count_cap=count_cap,
        count=search.count if only_searched and search is not None else None,
    )


def has_brands(session: Session, owner_id: int) -> bool:
    """Whether the creator has any brand at all (one row read, not a count)."""
    return session.scalar(owned(Brand, owner_id, Brand.id).limit(1)) is not None
