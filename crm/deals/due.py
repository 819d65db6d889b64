"""The "Due" list: deliverables not posted yet, grouped overdue, this week and coming up.

Each group is read along the partial index ix_deliverables_due (owner_id, due_on, id)
WHERE status != 'posted', joined to its deal by key (a cancelled deal's work is left out
there, in SQL), and capped: a group shows its GROUP_CAP soonest and says how many there are
(counted up to COUNT_CAP: "100+" says there is more than a page of them), so a page never
reads an account. "Show all" opens one group in full, GROUP_PAGE rows a page, each page
starting after the last one's (due_on, id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    and_,
    bindparam,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus, DeliverableType
from crm.ownership import owned
from crm.pagination import Cursor, Key, Order, decode_cursor

# A group shows this many on the list; past it, "Show all N" opens the group alone.
GROUP_CAP = 20
# A group shown alone: this many a page.
GROUP_PAGE = 100
# A group is counted up to this many (past it: "100+"). Each counted row is joined to its deal
# (a cancelled deal's work is left out), so the cap is what a count costs: at the lists'
# 1,000 the four counts took 11 ms of the page's 32 on PostgreSQL at 100k rows.
COUNT_CAP = GROUP_PAGE
# The groups shown, each made of parts of `_ranges`.
GROUPS: dict[str, tuple[str, ...]] = {
    "overdue": ("overdue",),
    "this_week": ("this_week",),
    "coming_up": ("later", "undated"),
}
# A group's order, for its pages' cursors: soonest first, undated last, id last.
ORDER = Order("due", (Key(Deliverable.due_on, nulls_last=True), Key(Deliverable.id)))

# `status != 'posted'` with the value in the SQL text, not a bound parameter: only then
# can the planner match the partial index (see crm.deals.models.NOT_POSTED_SQL).
NOT_POSTED = Deliverable.status != literal(DeliverableStatus.POSTED.value, literal_execute=True)

SORTS = {"due": "Due date", "brand": "Brand"}


def week_end(today: date) -> date:
    """The Sunday that ends the creator's week (today, on a Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def _ranges(today: Any, sunday: Any = None) -> dict[str, ColumnElement[bool]]:
    """Each part of the list as a condition on the due date, in the order shown (`today`
    and `sunday` may be bound parameters: the dashboard builds its counts once)."""
    sunday = week_end(today) if sunday is None else sunday
    return {
        "overdue": Deliverable.due_on < today,
        "this_week": Deliverable.due_on.between(today, sunday),
        "later": Deliverable.due_on > sunday,
        "undated": Deliverable.due_on.is_(None),
    }


@dataclass(frozen=True)
class DueRow:
    """One deliverable as the list shows it, with its deal and brand."""

    id: int
    title: str
    type: DeliverableType
    status: DeliverableStatus
    due_on: date | None
    deal_id: int
    deal_title: str
    brand_id: int
    brand_name: str


@dataclass(frozen=True)
class DueGroup:
    """A part of the list: the rows shown and how many it holds (counted up to `cap` + 1)."""

    key: str
    rows: list[DueRow]
    total: int
    cap: int = COUNT_CAP

    @property
    def more(self) -> str:
        """How many are not shown, as a person says it ("80+" past the count's cap)."""
        if self.total > self.cap:
            return f"{self.cap - len(self.rows):,}+"
        return f"{self.total - len(self.rows):,}"

    @property
    def total_text(self) -> str:
        """How many the group holds: "100+" past the count's cap."""
        return f"{self.cap:,}+" if self.total > self.cap else f"{self.total:,}"


@dataclass(frozen=True)
class DueList:
    today: date
    week_end: date
    overdue: DueGroup
    this_week: DueGroup
    # Later due dates first, soonest first; those with no due date after them.
    coming_up: DueGroup

    @property
    def empty(self) -> bool:
        return not (self.overdue.total or self.this_week.total or self.coming_up.total)


def _not_posted(owner_id: Any, *columns: Any) -> Select[Any]:
    """The creator's deliverables still to post, on deals not cancelled (a cancelled deal's
    work is owed no more): each row of the index range joined to its deal by key."""
    return (
        owned(Deliverable, owner_id, *columns)
        .join(Deal, Deal.id == Deliverable.deal_id)
        .where(NOT_POSTED, Deal.status != DealStatus.CANCELLED)
    )


def _part(owner_id: Any, key: str, where: ColumnElement[bool], limit: int) -> Select[Any]:
    """The first `limit` rows of one part, soonest first, as a subquery's select."""
    rows = (
        _not_posted(
            owner_id,
            literal(key).label("part"),
            Deliverable.id,
            Deliverable.title,
            Deliverable.type,
            Deliverable.status,
            Deliverable.due_on,
            Deliverable.deal_id,
            Deal.title.label("deal_title"),
            Deal.brand_id,
            Brand.name.label("brand_name"),
        )
        .join(Brand, Brand.id == Deal.brand_id)
        .where(where)
        .order_by(Deliverable.due_on, Deliverable.id)
        .limit(limit)
        .subquery(key)
    )
    return select(*rows.c)


def counts_query(
    owner_id: Any, today: Any, parts: tuple[str, ...], cap: int, sunday: Any = None
) -> Select[Any]:
    """One row: how many deliverables not posted yet each part holds, each up to cap + 1."""
    ranges = _ranges(today, sunday)
    counts = []
    for key in parts:
        ids = _not_posted(owner_id, Deliverable.id).where(ranges[key]).limit(cap + 1)
        counts.append(select(func.count()).select_from(ids.subquery()).scalar_subquery().label(key))
    return select(*counts)


@cache
def move_options() -> dict[DeliverableStatus, Markup]:
    """The <option>s of a row's "Move to" select, by the row's status (selected): the same
    for every row, so built once a process, not once a row (60 rows a page)."""
    return {
        current: Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                status.value, Markup(" selected") if status == current else "", status.label
            )
            for status in DeliverableStatus
        )
        for current in DeliverableStatus
    }


def _by_brand(row: DueRow) -> tuple[str, int, date, int]:
    return (row.brand_name.casefold(), row.brand_id, row.due_on or date.max, row.id)


@cache
def _list_statements(group_cap: int, count_cap: int) -> tuple[CompoundSelect, Select[Any]]:
    """The list's two statements, built once a process with the creator and the days as
    bound parameters: building four parts' subqueries took 4 ms a request."""
    owner = bindparam("owner_id", type_=Integer)
    today, sunday = bindparam("today", type_=Date), bindparam("sunday", type_=Date)
    ranges = _ranges(today, sunday)
    rows = union_all(*(_part(owner, key, where, group_cap + 1) for key, where in ranges.items()))
    return rows, counts_query(owner, today, tuple(ranges), count_cap, sunday)


def due_list(session: Session, owner_id: int, today: date, sort: str = "due") -> DueList:
    """The creator's deliverables not posted yet, in their parts (two queries).

    Sorted by brand, each part's rows shown (its soonest GROUP_CAP) are ordered by brand.
    """
    rows_statement, counts_statement = _list_statements(GROUP_CAP, COUNT_CAP)
    values = {"owner_id": owner_id, "today": today, "sunday": week_end(today)}
    parts: dict[str, list[DueRow]] = {key: [] for key in _ranges(today)}
    for row in session.execute(rows_statement, values):
        found = row._asdict()
        parts[found.pop("part")].append(DueRow(**found))
    counts = session.execute(counts_statement, values).one()._asdict()

    def group(key: str, rows: list[DueRow], total: int) -> DueGroup:
        rows = sorted(rows, key=lambda r: (r.due_on or date.max, r.id))[:GROUP_CAP]
        return DueGroup(key, sorted(rows, key=_by_brand) if sort == "brand" else rows, total)

    later = parts["later"] + parts["undated"]
    return DueList(
        today=today,
        week_end=week_end(today),
        overdue=group("overdue", parts["overdue"], counts["overdue"]),
        this_week=group("this_week", parts["this_week"], counts["this_week"]),
        coming_up=group("coming_up", later, counts["later"] + counts["undated"]),
    )


@dataclass(frozen=True)
class GroupPage:
    """One group shown alone: a page of its rows from `start` (1-based), and the cursor of
    the next page (None on the last)."""

    today: date
    week_end: date
    group: DueGroup
    start: int
    after: str | None


def _after(part: str, cursor: Cursor | None) -> ColumnElement[bool] | None:
    """The rows of `part` past the cursor's (due_on, id); undated rows come after dated ones."""
    if cursor is None:
        return None
    due_on, last_id = cursor.values
    if part == "undated":
        return Deliverable.id > last_id if due_on is None else None
    if due_on is None:
        return false()
    later = or_(
        Deliverable.due_on > due_on, and_(Deliverable.due_on == due_on, Deliverable.id > last_id)
    )
    return and_(Deliverable.due_on >= due_on, later)  # the leading >= starts the index range


def group_page(
    session: Session, owner_id: int, today: date, key: str, after: str | None, sort: str = "due"
) -> GroupPage:
    """The group `key` alone, GROUP_PAGE rows from after the cursor `after` (junk or none:
    the first page), and how many it holds: two queries."""
    ranges, cursor = _ranges(today), decode_cursor(after, ORDER)
    parts = []
    for part in GROUPS[key]:
        past = _after(part, cursor)
        where = ranges[part] if past is None else and_(ranges[part], past)
        parts.append(_part(owner_id, part, where, GROUP_PAGE + 1))
    found = []
    for row in session.execute(union_all(*parts)):
        values = row._asdict()
        values.pop("part")
        found.append(DueRow(**values))
    found.sort(key=lambda r: (r.due_on is None, r.due_on or date.max, r.id))
    rows, more = found[:GROUP_PAGE], len(found) > GROUP_PAGE
    start = 1 if cursor is None else cursor.position + 1
    # Counted a page past this one's end, so "showing 101-200 of 300+" never says fewer.
    cap = max(COUNT_CAP, start - 1 + 2 * GROUP_PAGE)
    counts = session.execute(counts_query(owner_id, today, GROUPS[key], cap)).one()
    following = None
    if more:
        last = rows[-1]
        following = Cursor(ORDER.name, True, (last.due_on, last.id), start + len(rows) - 1).encode()
    shown = sorted(rows, key=_by_brand) if sort == "brand" else rows
    group = DueGroup(key, shown, sum(counts), cap)
    return GroupPage(today, week_end(today), group, start, following)


def dashboard_counts_query(owner_id: Any, today: Any, cap: int, sunday: Any = None) -> Select[Any]:
    """Deliverables due this week (to Sunday) and overdue, each up to cap + 1: one row."""
    return counts_query(owner_id, today, ("this_week", "overdue"), cap, sunday)
