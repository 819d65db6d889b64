"""Every main page's queries use an index: none reads a whole user table.

Each SELECT a page runs (caught at the cursor, with its parameters) is explained on the
test database. SQLite: a "SCAN <table>" line is a full scan, with or without "USING
[COVERING] INDEX" (walking a whole index visits every owner's rows too), and so is an
AUTOMATIC index (SQLite reads the whole table to build it); a use bound by the owner
reads "SEARCH <table> USING ... (owner_id=?)". The test database has no ANALYZE
statistics, so SQLite plans as for large tables (about a million rows each).
PostgreSQL: a "Seq Scan" on a user table, planned with `enable_seqscan = off` so that a
tiny test table still shows whether an index CAN serve the query (the planner scans only
when none can).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

import crm.models  # noqa: F401  (every table on the metadata)
from crm.database import Base
from tests.main_pages import MAIN_PAGES, NOT_MAIN_PAGES, MainPage, page_id

# Tables a full scan of is fine, each with why. Tables off the models (alembic_version,
# the search index's own tables) are never checked.
SMALL_TABLES: dict[str, str] = {
    "alembic_version": "one row, the schema's version; read at start-up, never by a page",
}
USER_TABLES = frozenset(Base.metadata.tables) - set(SMALL_TABLES)


def _pages() -> Iterator[Any]:
    for page in MAIN_PAGES:
        if not page.deep:  # the same statements as its first page here (see below)
            yield pytest.param(page, id=page_id(page))


def _aliases(statement: str) -> dict[str, str]:
    """Alias -> table for every "<table> AS <alias>" in the statement (SQLite names aliases)."""
    found = {name: name for name in USER_TABLES}
    for table, alias in re.findall(r'"?(\w+)"?\s+AS\s+"?(\w+)"?', statement):
        if table in USER_TABLES:
            found[alias] = table
    return found


def sqlite_full_scans(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    """The plan lines of `statement` that read a whole user table."""
    aliases = _aliases(statement)
    plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    scans = []
    for row in plan:
        detail = row[3]
        match = re.match(r"(SCAN|SEARCH) (\w+)", detail)
        if not match or "VIRTUAL TABLE" in detail or match.group(2) not in aliases:
            continue
        if match.group(1) == "SCAN" or "AUTOMATIC" in detail:
            scans.append(f"{detail} [{aliases[match.group(2)]}]")
    return scans


def postgres_full_scans(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    """The Seq Scan nodes on user tables in `statement`'s plan, when no scan is wanted."""
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        raw = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar()
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    plan = raw if isinstance(raw, list) else json.loads(raw)
    scans: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in USER_TABLES:
            where = node.get("Filter", "no filter")
            scans.append(f"Seq Scan on {node['Relation Name']} ({where})")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return scans


def full_scans(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    """The full scans of user tables in `statement`'s plan on the test database."""
    if connection.dialect.name == "postgresql":
        return postgres_full_scans(connection, statement, parameters)
    return sqlite_full_scans(connection, statement, parameters)


def page_selects(connection: sa.Connection, client: Any, url: str) -> list[tuple[str, Any]]:
    """Every SELECT `client` runs to GET `url`, with its parameters."""
    selects: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany) -> None:
        if re.match(r"\s*(SELECT|WITH)\b", statement, re.I):
            selects.append((statement, parameters))

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    assert response.status_code == 200, f"GET {url} -> {response.status_code}"
    return selects


def _filled(page: MainPage, session, user, other_user) -> dict[str, Any]:
    page.fill(session, other_user, {})  # another creator's rows: the owner filter must bite
    ids: dict[str, Any] = {}
    page.fill(session, user, ids)
    return ids


@pytest.mark.parametrize("page", list(_pages()))
def test_no_main_page_reads_a_whole_table(
    page: MainPage, app: Flask, client, auth, session, user, other_user, connection
) -> None:
    ids = _filled(page, session, user, other_user)
    if not page.public:
        assert auth.login(user.email).status_code == 302
    # One fill is one page of rows: a deep page's own plan is tests/test_list_plans.py's.
    url = page.url(ids)
    problems = []
    for statement, parameters in page_selects(connection, client, url):
        for scan in full_scans(connection, statement, parameters):
            problems.append(f"{scan}\n    in: {' '.join(statement.split())[:400]}")
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


def test_the_check_sees_a_full_scan(connection, user) -> None:
    statement = "SELECT id FROM brands WHERE notes = 'x'"  # notes has no index
    assert full_scans(connection, statement, {} if _pg(connection) else ())
    owned = "SELECT id FROM brands WHERE owner_id = 1 ORDER BY updated_at DESC"
    assert full_scans(connection, owned, {} if _pg(connection) else ()) == []


def test_the_check_names_an_aliased_table(connection) -> None:
    statement = "SELECT b.id FROM brands AS b WHERE b.notes = 'x'"
    assert full_scans(connection, statement, {} if _pg(connection) else ())


def test_the_check_sees_a_join_on_a_column_without_an_index(connection) -> None:
    statement = (
        "SELECT p.id FROM brands AS b JOIN pitches AS p ON p.subject = b.name WHERE b.owner_id = 1"
    )
    scans = full_scans(connection, statement, {} if _pg(connection) else ())
    assert any("pitches" in scan for scan in scans), scans


def _pg(connection: sa.Connection) -> bool:
    return connection.dialect.name == "postgresql"


def test_every_get_page_is_in_the_registry(app: Flask) -> None:
    adapter = app.url_map.bind("crm.test")
    paths = (re.sub(r"\{\w+\}", "1", page.path).split("?")[0] for page in MAIN_PAGES)
    listed = {adapter.match(path, method="GET")[0] for path in paths}
    missing = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()):
            continue
        if rule.endpoint not in listed and rule.endpoint not in NOT_MAIN_PAGES:
            missing.append(f"{rule.rule} ({rule.endpoint})")
    assert not missing, (
        "add these GET pages to tests/main_pages.py MAIN_PAGES (or NOT_MAIN_PAGES, with "
        f"the reason): {sorted(missing)}"
    )
    assert not set(NOT_MAIN_PAGES) & listed, "a page is both listed and excluded"
