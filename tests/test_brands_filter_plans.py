"""A filtered brand list finds the same brands whichever plan reads its pages.

When no index holds both the filters and the sort, SQLite reads a common filter's pages
along the sort's index and checks each brand (listing._walks); a rare one through the
filter's index, sorting its few matches. Both must show exactly what a plain Python
filter and sort of the account shows, page after page, under every sort.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.brands import listing
from crm.brands.listing import SORTS, BrandFilters, count_cap_for, list_brands
from crm.brands.models import Brand, BrandSource, BrandStatus, BrandTag
from crm.brands.normalise import is_good_target, sweet_spot
from crm.pagination import page_ids_query
from tests.factories_brands import make_brand

START = datetime(2026, 1, 1, tzinfo=UTC)
TAGS = ("gifting", "q4")
CATEGORIES = ("beauty", "food")
STATUSES = (BrandStatus.LEAD, BrandStatus.CLIENT)
SOURCES = (BrandSource.BILLO, BrandSource.OTHER)


def _model_order(sort: str):
    """The Python key each sort orders by (ids break ties; NULL followers last)."""
    if sort == "name":
        return lambda b: (b.name_key, b.id)
    if sort == "followers":
        return lambda b: (b.tiktok_followers is None, -(b.tiktok_followers or 0), -b.id)
    if sort == "newest":
        return lambda b: (-b.created_at.timestamp(), -b.id)
    return lambda b: (-b.updated_at.timestamp(), -b.id)


def _model(brands: list[Brand], filters: BrandFilters) -> list[int]:
    def passes(brand: Brand) -> bool:
        tags = {tag.name for tag in brand.tags}
        return (
            (not filters.tag or filters.tag in tags)
            and (not filters.category or brand.product_category == filters.category)
            and (not filters.status or brand.status.value == filters.status)
            and (not filters.source or brand.source.value == filters.source)
            and (
                not filters.good_only
                or is_good_target(brand.tiktok_followers, brand.runs_tiktok_ads)
            )
        )

    return [b.id for b in sorted(filter(passes, brands), key=_model_order(filters.sort))]


def _every_page(session, owner_id: int, filters: BrandFilters, size: int) -> list[int]:
    """Every page from the first to the last, then back by the "newer" links: both the same."""
    pages, cursor = [], None
    for _ in range(50):
        page = list_brands(session, owner_id, filters, cursor, size)
        pages.append([brand.id for brand in page.items])
        if page.older is None:
            break
        cursor = page.older
    else:
        raise AssertionError("the pages never ended")
    back, newer = [], page.newer
    while newer is not None:
        page = list_brands(session, owner_id, filters, newer, size)
        back.insert(0, [brand.id for brand in page.items])
        newer = page.newer
    assert back == pages[:-1], "the newer links do not walk back the same pages"
    return [brand_id for ids in pages for brand_id in ids]


BRAND = st.fixed_dictionaries(
    {
        "tags": st.sets(st.sampled_from(TAGS)),
        "category": st.sampled_from(CATEGORIES),
        "status": st.sampled_from(STATUSES),
        "source": st.sampled_from(SOURCES),
        "followers": st.one_of(st.none(), st.sampled_from([100, 500, 2_000, 5_000, 90_000])),
        "ads": st.booleans(),
        "hours": st.integers(0, 5),  # few values: ties in updated_at and created_at
        "name": st.sampled_from(["Alpha", "beta", "Gamma", "alpha"]),
    }
)
FILTERS = st.builds(
    BrandFilters,
    tag=st.sampled_from(("", *TAGS)),
    category=st.sampled_from(("", *CATEGORIES)),
    status=st.sampled_from(("", *(s.value for s in STATUSES))),
    source=st.sampled_from(("", *(s.value for s in SOURCES))),
    good_only=st.booleans(),
    sort=st.sampled_from(list(SORTS)),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(BRAND, min_size=1, max_size=9),
    filters=FILTERS,
    walk=st.booleans(),
    size=st.integers(1, 4),
)
def test_every_plan_pages_through_what_python_finds(
    session, user, other_user, monkeypatch, rows, filters, walk, size
) -> None:
    monkeypatch.setattr(listing, "_walks", lambda *_args: walk)
    savepoint = session.begin_nested()
    try:
        mine = []
        for n, row in enumerate(rows):
            for owner in (user, other_user):  # the other creator's copy is never shown
                at = START + timedelta(hours=row["hours"])
                brand = Brand(
                    owner_id=owner.id,
                    name=f"{row['name']} {n}",
                    name_key=f"{row['name']} {n}".casefold(),
                    product_category=row["category"],
                    status=row["status"],
                    source=row["source"],
                    tiktok_followers=row["followers"],
                    runs_tiktok_ads=row["ads"],
                    created_at=at,
                    updated_at=at,
                )
                brand.tags = [BrandTag(owner_id=owner.id, name=tag) for tag in row["tags"]]
                session.add(brand)
                if owner is user:
                    mine.append(brand)
        session.flush()
        assert _every_page(session, user.id, filters, size) == _model(mine, filters)
    finally:
        savepoint.rollback()


@pytest.fixture
def common(session, user, monkeypatch):
    """Six tagged good targets in beauty: every filter here counts as common."""
    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    low, _high = sweet_spot()
    for n in range(6):
        make_brand(
            session,
            user,
            name=f"Tagged {n}",
            tags="gifting",
            product_category="beauty",
            tiktok_followers=low + n,
        )
    make_brand(session, user, name="Plain", product_category="food")
    return user


# SQLite's statistics of the benchmark's account at 100,000 brands (ANALYZE): the planner
# then weighs the filter's index against the sort's as it would on a big account.
BIG_ACCOUNT = {
    "ix_brands_owner_recent": "140000 28000 1 1 1 1",
    "ix_brands_owner_source_recent": "140000 28000 4000 1 1",
    "ix_brands_owner_category_recent": "140000 28000 1867 1 1",
    "ix_brands_owner_status_recent": "140000 28000 4667 1 1",
    "ix_brands_owner_followers": "140000 28000 2 1",
    "ix_brands_owner_created": "140000 28000 1 1",
    "ix_brands_owner_name_id": "140000 28000 1 1",
    "ix_brands_owner_id": "140000 28000",
    "ix_brands_owner_handle": "140000 28000 2",
    "ix_brands_owner_domain": "140000 28000 2",
    "ix_brand_tags_owner_name": "125584 25117 967 1",
    "ix_brand_tags_owner_id": "125584 25117",
    "ix_brand_tags_brand_id": "125584 2",
    "sqlite_autoindex_brand_tags_1": "125584 2 1",
}


def _as_big_account(session) -> None:
    session.execute(sa.text("ANALYZE"))
    indexes = sa.text("SELECT idx FROM sqlite_stat1 WHERE tbl IN ('brands', 'brand_tags')")
    assert set(session.scalars(indexes)) == set(BIG_ACCOUNT)  # no index left at test size
    for index, stat in BIG_ACCOUNT.items():
        updated = session.execute(
            sa.text("UPDATE sqlite_stat1 SET stat = :stat WHERE idx = :idx"),
            {"stat": stat, "idx": index},
        )
        assert updated.rowcount == 1, index
    session.execute(sa.text("ANALYZE sqlite_schema"))  # the planner reads them again


def _ids_plan(session, owner_id: int, filters: BrandFilters) -> str:
    """SQLite's plan for the page's ids, as list_brands reads them."""
    assert listing._walks(session, owner_id, filters)
    statement = listing.filtered(owner_id, filters, walk=True)
    query = page_ids_query(session, statement, SORTS[filters.sort][1], None, 25)
    sql = str(query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True}))
    rows = session.execute(sa.text("EXPLAIN QUERY PLAN " + sql)).all()
    return " | ".join(str(row[3]) for row in rows)


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        (BrandFilters(tag="gifting", good_only=True), "COVERING INDEX ix_brands_owner_recent"),
        (BrandFilters(category="beauty", sort="followers"), "ix_brands_owner_followers"),
        (BrandFilters(category="beauty", tag="gifting", sort="name"), "ix_brands_owner_name_id"),
        (BrandFilters(good_only=True, sort="newest"), "ix_brands_owner_created"),
    ],
)
def test_a_common_filter_on_sqlite_walks_the_sort_index_and_sorts_nothing(
    session, common, filters, index
) -> None:
    if session.bind.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner weighs the filter's index against the sort order")
    _as_big_account(session)
    plan = _ids_plan(session, common.id, filters)
    steps = plan.split(" | ")
    # The NULLs-last union sorts its two LIMITed halves at the end, never the account.
    if "COMPOUND QUERY" in steps:
        steps = steps[:-1]
    assert index in plan and not any("TEMP B-TREE" in step for step in steps), plan
    assert "ix_brands_owner_category_recent" not in plan, plan


def test_a_rare_filter_or_one_an_index_serves_is_read_through_its_index(
    session, common, user
) -> None:
    if session.bind.dialect.name != "sqlite":
        pytest.skip("the walk is SQLite's plan")
    assert not listing._walks(session, user.id, BrandFilters(tag="rare", good_only=True))
    assert not listing._walks(session, user.id, BrandFilters(category="food", sort="name"))
    # One column filter in recent order: (owner, column, updated_at, id) serves both.
    assert not listing._walks(session, user.id, BrandFilters(category="beauty"))
    assert not listing._walks(session, user.id, BrandFilters(sort="name"))
    # A search plans itself.
    assert not listing._walks(session, user.id, BrandFilters(q="tagged", tag="gifting"))


def test_a_rare_filter_beside_a_common_one_is_read_through_its_index(session, common, user) -> None:
    if session.bind.dialect.name != "sqlite":
        pytest.skip("the walk is SQLite's plan")
    make_brand(session, user, name="Odd one", product_category="food", tags="gifting")
    # Each filter alone is common; together they pass one brand, near through its index.
    assert listing._walks(session, user.id, BrandFilters(tag="gifting", sort="name"))
    assert listing._walks(session, user.id, BrandFilters(status="lead", sort="name"))
    assert not listing._walks(
        session, user.id, BrandFilters(status="lead", category="food", sort="name")
    )
    assert not listing._walks(
        session, user.id, BrandFilters(tag="gifting", category="food", sort="name")
    )
    page = list_brands(session, user.id, BrandFilters(tag="gifting", category="food"), None, 5)
    assert [brand.name for brand in page.items] == ["Odd one"]


def test_a_list_narrowed_by_a_tag_or_good_targets_counts_less_far(
    session, user, monkeypatch
) -> None:
    assert count_cap_for(BrandFilters(tag="q4")) == listing.CHECKED_COUNT_CAP
    assert count_cap_for(BrandFilters(good_only=True)) == listing.CHECKED_COUNT_CAP
    assert count_cap_for(BrandFilters(category="beauty")) == listing.COUNT_CAP
    assert count_cap_for(BrandFilters(tag="q4"), cap=3) == 3
    monkeypatch.setattr(listing, "CHECKED_COUNT_CAP", 3)
    for n in range(5):
        make_brand(session, user, name=f"Tagged {n}", tags="q4")
    page = list_brands(session, user.id, BrandFilters(tag="q4"), None, 2)
    assert page.total.capped and page.total_text == "3+"
    assert list_brands(session, user.id, BrandFilters(), None, 2).total_text == "5"
