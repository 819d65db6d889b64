"""The brand list: search, filters, sorting and pages, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from crm.brands.models import Brand, BrandSource, BrandStatus, BrandTag
from crm.brands.normalise import sweet_spot
from crm.brands.rows import BrandRow, brand_rows
from crm.brands.search import ListSearch, list_search, matching_brands
from crm.ownership import owned
from crm.pagination import COUNT_CAP, Key, Order, Page, keyset_page, unindexed

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
# A list narrowed by a tag or "good targets" counts this far ("100+"): see count_cap_for.
CHECKED_COUNT_CAP = 100
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


def _columns(filters: BrandFilters, walk: bool) -> list[ColumnElement[bool]]:
    """The filters on the brand's own columns (status, category, source) as conditions."""
    column = unindexed if walk else (lambda c: c)
    conditions: list[ColumnElement[bool]] = []
    if filters.status in BrandStatus._value2member_map_:
        conditions.append(column(Brand.status) == BrandStatus(filters.status))
    if filters.category:
        conditions.append(column(Brand.product_category) == filters.category)
    if filters.source in BrandSource._value2member_map_:
        conditions.append(column(Brand.source) == BrandSource(filters.source))
    return conditions


def _tagged(owner_id: int, tag: str) -> Select[Any]:
    """The ids of the creator's brands tagged `tag` (one range of ix_brand_tags_owner_name)."""
    return owned(BrandTag, owner_id, BrandTag.brand_id).where(BrandTag.name == tag.casefold())


def filtered(
    owner_id: int, filters: BrandFilters, search: ListSearch | None = None, *, walk: bool = False
) -> Select[Any]:
    """A SELECT of the creator's brands matching `filters` (unordered).

    `search`, when given, is how the list applies `filters.q` (see search.list_search).
    `walk`: the same rows, written to be read along a sort's index with each row checked:
    no filter's own index is used (SQLite), and the tag is looked up brand by brand.
    """
    statement = owned(Brand, owner_id)
    if search is not None:
        statement = statement.where(search.condition)
    elif filters.q.strip():
        statement = statement.where(Brand.id.in_(matching_brands(owner_id, filters.q)))
    statement = statement.where(*_columns(filters, walk))
    if filters.tag and walk:
        tag = filters.tag.casefold()
        statement = statement.where(
            exists().where(BrandTag.brand_id == Brand.id, BrandTag.name == tag)
        )
    elif filters.tag:
        statement = statement.where(Brand.id.in_(_tagged(owner_id, filters.tag)))
    if filters.good_only:
        statement = statement.where(good_target_clause())
    return statement


def count_cap_for(filters: BrandFilters, cap: int = COUNT_CAP) -> int:
    """How far the list counts: not as far when a tag or "good targets" narrows it.

    Those filters are checked brand by brand against another table or the brand's own
    columns, so each brand counted costs a lookup: counting to 1,000 read over 2,000 rows
    at 100,000 brands (and PostgreSQL chose to read the account's 28,000 good targets).
    """
    return min(cap, CHECKED_COUNT_CAP) if filters.tag or filters.good_only else cap


def _walks(session: Session, owner_id: int, filters: BrandFilters) -> bool:
    """Whether SQLite should read the page along the sort's index, checking each brand.

    When no index holds both the filters and the sort, SQLite reads every match through
    the filter's index and sorts them all: at 100,000 brands, thousands of rows for one
    page. When the filters together pass more than COUNT_CAP brands, a page of matches is
    near in the sort order instead; when they pass fewer (a common status with a rare
    category), reading those few through the rare filter's index is nearer. PostgreSQL's
    planner weighs the two itself, and a search has its own plan (search.list_search).
    """
    if session.get_bind().dialect.name != "sqlite" or filters.q.strip():
        return False
    columns = _columns(filters, walk=False)
    recent = filters.sort not in SORTS or filters.sort == DEFAULT_SORT
    # No filter: the sort's own index. One column filter in recent order: its index
    # (owner, column, updated_at, id) from migration 0013.
    if (
        not filters.tag
        and not filters.good_only
        and (not columns or (len(columns) == 1 and recent))
    ):
        return False
    if not filters.tag and not columns:
        return True  # "good targets" alone: no index reads them, the sort's index is as near
    # Each filter counted through its own index, up to the cap, in one statement: walk only
    # when none is rare. (Counting them together would read every match of the common
    # ones brand by brand: 15 -> 31 ms for a tag with good targets at 100,000 brands.)
    narrowing = [owned(Brand, owner_id, Brand.id).where(column) for column in columns]
    if filters.tag:
        narrowing.append(_tagged(owner_id, filters.tag))
    counts = session.execute(select(*(_counted_to_cap(query) for query in narrowing))).one()
    return all(count > COUNT_CAP for count in counts)


def _counted_to_cap(query: Select[Any]) -> Any:
    limited = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(limited).scalar_subquery()


def list_brands(
    session: Session,
    owner_id: int,
    filters: BrandFilters,
    cursor: str | None,
    size: int,
    count_cap: int = COUNT_CAP,
) -> Page[BrandRow]:
    """One page of brands from `cursor`, with tags and primary contacts: five queries, any page."""
    _label, order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    # The search's own count is the list's when nothing else narrows it.
    only_searched = bool(filters.q.strip()) and not replace(filters, q="", sort="").active
    search = (
        list_search(session, owner_id, filters.q, count_cap, counted=only_searched)
        if filters.q.strip()
        else None
    )
    walk = (
        filtered(owner_id, filters, search, walk=True)
        if _walks(session, owner_id, filters)
        else None
    )
    return keyset_page(
        session,
        filtered(owner_id, filters, search),
        order,
        cursor,
        size,
        count_cap=count_cap_for(filters, count_cap),
        count=search.count if only_searched and search is not None else None,
        walk=walk,
        # The ids come from the filtered rows: loading them needs the owner, not the filters.
        rows_for=lambda ids: brand_rows(session, owner_id, ids),
    )


def has_brands(session: Session, owner_id: int) -> bool:
    """Whether the creator has any brand at all (one row read, not a count)."""
    return session.scalar(owned(Brand, owner_id, Brand.id).limit(1)) is not None
