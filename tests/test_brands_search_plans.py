"""The brand list picks a plan by how common a search is, and always finds the same brands.

A rare search goes through the text index; on SQLite a common one ("brand", "gmail")
walks the list's own sort order and reads each row's stored text, so the first page of a
search that matches most of an account does not read every match first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.brands import listing, search
from crm.brands.listing import SORTS, BrandFilters, list_brands
from crm.pagination import page_ids_query
from tests.factories_brands import make_brand

SIZE = 4
CAP = 6


@pytest.fixture
def account(session, user, other_user):
    for n in range(12):
        make_brand(session, user, name=f"Glow Studio {n}")
    for n in range(3):
        make_brand(session, user, name=f"Zest Lab {n}")
    for n in range(9):
        make_brand(session, other_user, name=f"Zest Other {n}")
        make_brand(session, other_user, name=f"Glow Other {n}")
    make_brand(session, user, name="Plain")
    return user


def _walk(session, owner_id: int, filters: BrandFilters) -> tuple[list[str], list[str]]:
    """Every name the list shows, page by page, and the count each page states."""
    names, counts, cursor = [], [], None
    while True:
        page = list_brands(session, owner_id, filters, cursor, SIZE, count_cap=CAP)
        names += [brand.name for brand in page.items]
        counts.append(page.total_text)
        if page.older is None:
            return names, counts
        cursor = page.older


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize(("q", "status"), [("glow", ""), ("zest", ""), ("studio", "lead")])
def test_a_common_search_finds_what_the_index_finds(
    session, account, monkeypatch, q, status, sort
) -> None:
    filters = BrandFilters(q=q, status=status, sort=sort)
    by_index = _walk(session, account.id, filters)
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)  # every search here is "common"
    assert _walk(session, account.id, filters) == by_index
    assert by_index[0], "the search found nothing: the comparison proves nothing"


def test_the_count_of_a_common_search_is_capped_and_another_creator_is_not_counted(
    session, account, monkeypatch
) -> None:
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)
    glow = list_brands(session, account.id, BrandFilters(q="glow"), None, SIZE, count_cap=CAP)
    assert glow.total.capped and glow.total_text.startswith(f"{CAP}+")
    # Common across creators, three of them this creator's: counted exactly.
    zest = list_brands(session, account.id, BrandFilters(q="zest"), None, SIZE, count_cap=CAP)
    assert zest.total.value == 3 and not zest.total.capped
    assert all("Other" not in brand.name for brand in zest.items)


def test_a_common_search_on_sqlite_reads_the_sort_index_not_the_text_index(
    session, account, monkeypatch
) -> None:
    if session.bind.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner chooses between the trigram index and the sort order")
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)
    plan = search.list_search(session, account.id, "glow", CAP)
    assert plan.count is not None and plan.count.capped
    filters = BrandFilters(q="glow")
    statement = listing.filtered(account.id, filters, plan)
    ids = page_ids_query(session, statement, SORTS["recent"][1], None, SIZE)
    compiled = ids.compile(session.bind)
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params).all()
    steps = " | ".join(row[-1] for row in rows)
    assert "brand_search_fts" not in steps, steps
    assert "ix_brands_owner_recent" in steps and "TEMP B-TREE" not in steps, steps
    # A rare search is answered by the text index once, while planning: the list then
    # reads those brands by id.
    monkeypatch.setattr(search, "COMMON_MATCHES", 10_000)
    asked: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        asked.append(statement)

    sa.event.listen(session.bind, "before_cursor_execute", record)
    try:
        rare = search.list_search(session, account.id, "glow", CAP)
    finally:
        sa.event.remove(session.bind, "before_cursor_execute", record)
    assert rare.count is None
    assert any("brand_search_fts" in statement for statement in asked)
    compiled = listing.filtered(account.id, filters, rare).compile(session.bind)
    assert "brand_search_fts" not in str(compiled)
    found = session.scalars(listing.filtered(account.id, filters, rare)).all()
    assert sorted(brand.name for brand in found) == sorted(f"Glow Studio {n}" for n in range(12))


def test_a_search_of_fts_syntax_is_counted_literally(session, account) -> None:
    make_brand(session, account, name='Say "AND" NEAR(x) *')
    found = search.list_search(session, account.id, '"and" near(', CAP)
    statement = listing.filtered(account.id, BrandFilters(q='"and" near('), found)
    assert [b.name for b in session.scalars(statement)] == ['Say "AND" NEAR(x) *']


def test_the_picker_finds_the_same_brands_whichever_plan(session, account, monkeypatch) -> None:
    def picked(q: str) -> list[str]:
        return [row.name for row in search.brand_choices(session, account.id, q, size=5).brands]

    by_index = {q: picked(q) for q in ("glow", "zest", "plain")}
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)
    assert {q: picked(q) for q in by_index} == by_index
    assert len(by_index["glow"]) == 5 and by_index["zest"] == [
        "Zest Lab 0",
        "Zest Lab 1",
        "Zest Lab 2",
    ]


def _picked(session, owner_id: int, q: str, size: int = 5) -> tuple[list[str], bool]:
    choices = search.brand_choices(session, owner_id, q, size=size)
    return [row.name for row in choices.brands], choices.more


def test_the_picker_shows_the_most_recent_matches_a_to_z(session, user, monkeypatch) -> None:
    # Names that sort first are the oldest: the picker must not take the first names.
    now = datetime(2026, 3, 1, tzinfo=UTC)
    for n, name in enumerate(["Alpha Glow", "Beta Glow", "Zulu Glow", "Mike Glow", "Kilo Glow"]):
        brand = make_brand(session, user, name=name)
        brand.updated_at = now - timedelta(days=10 - n)  # the later, the more recent
    for n in range(3):
        make_brand(session, user, name=f"Aaron Plain {n}").updated_at = now
    session.commit()
    expected = (["Kilo Glow", "Mike Glow", "Zulu Glow"], True)
    assert _picked(session, user.id, "glow", size=3) == expected
    monkeypatch.setattr(search, "COMMON_MATCHES", 2)  # the sort-order walk
    assert _picked(session, user.id, "glow", size=3) == expected
    assert _picked(session, user.id, "glow", size=5) == (
        ["Alpha Glow", "Beta Glow", "Kilo Glow", "Mike Glow", "Zulu Glow"],
        False,
    )


def _picker_select(session, owner_id: int, q: str) -> tuple[str, object]:
    """The statement brand_choices reads its rows with (its last SELECT)."""
    asked: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_rest) -> None:
        asked.append((statement, parameters))

    sa.event.listen(session.bind, "before_cursor_execute", record)
    try:
        search.brand_choices(session, owner_id, q, size=SIZE)
    finally:
        sa.event.remove(session.bind, "before_cursor_execute", record)
    return asked[-1]


@pytest.mark.parametrize("common", [False, True])
def test_the_picker_walks_the_recent_order_and_sorts_no_account(
    session, account, monkeypatch, common
) -> None:
    if common:
        monkeypatch.setattr(search, "COMMON_MATCHES", 2)
    statement, parameters = _picker_select(session, account.id, "glow")
    connection = session.connection()
    if session.bind.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        steps = " | ".join(row[-1] for row in plan)
        if common:
            assert "ix_brands_owner_recent" in steps, steps
        assert "ix_brands_owner_name_id" not in steps, steps
        return
    # PostgreSQL weighs the trigram index against the order; told to avoid sorting, it must
    # find the order in an index (on a big account the walk costs a page of matches).
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    text = json.dumps(raw if isinstance(raw, list) else json.loads(raw))
    assert '"Sort"' not in text and "ix_brands_owner_recent" in text, text


def test_on_postgresql_a_search_is_counted_in_the_search_table_alone(
    session, account, count_queries
) -> None:
    """The search table holds the owner: counting brands whose id is among the matches
    joined the whole account's brands to it (a merge join along both primary keys)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite counts a rare search's few matches and a common one while planning")
    with count_queries() as statements:
        page = list_brands(session, account.id, BrandFilters(q="glow"), None, SIZE, CAP)
    counts = [s for s in statements if "count(" in s.lower()]
    assert len(counts) == 1 and " brands" not in counts[0], counts
    assert page.total.value == CAP + 1 and page.total.capped
    # Narrowed by more than the search, the list counts what it shows, once.
    with count_queries() as statements:
        list_brands(session, account.id, BrandFilters(q="glow", status="lead"), None, SIZE, CAP)
    assert len([s for s in statements if "count(" in s.lower()]) == 1


def test_a_search_with_few_matches_asks_the_text_index_once(
    session, account, count_queries
) -> None:
    """The count's statement hands over the few matches' ids (PostgreSQL), or the index's
    ids are read first (SQLite): the page does not search the text a second time."""
    with count_queries() as statements:
        page = list_brands(session, account.id, BrandFilters(q="zest lab"), None, SIZE, CAP)
    searched = [s for s in statements if "brand_search_fts" in s or "search_text LIKE" in s]
    assert len(searched) == 1, searched
    assert sorted(brand.name for brand in page.items) == ["Zest Lab 0", "Zest Lab 1", "Zest Lab 2"]
    assert page.total.value == 3 and not page.total.capped


def test_a_search_matching_past_the_count_cap_lists_every_match(session, account) -> None:
    """Counted only to CAP, a search's ids are not all known: the list must still page
    through every brand it finds (12 "Glow Studio" brands, counted to 6)."""
    names, counts = _walk(session, account.id, BrandFilters(q="glow studio"))
    assert sorted(names) == sorted(f"Glow Studio {n}" for n in range(12))
    assert counts[0] == f"{CAP}+"
