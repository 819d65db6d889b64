"""The sweep: every table a creator owns is in the backup, or left out on purpose with a reason."""

from __future__ import annotations

import crm.models  # noqa: F401  (every area's tables on the metadata)
from crm.backup.tables import (
    BACKED_UP,
    EXCLUDED_TABLES,
    MAY_DIFFER,
    PROFILE,
    SAME_AS,
    columns,
    references,
)
from crm.database import Base


def _belongs_to_a_creator(name: str) -> bool:
    """Has an owner, or hangs off a table that has one (invoice lines off invoices)."""
    found = Base.metadata.tables[name]
    if "owner_id" in found.c or name == PROFILE:
        return True
    return any(
        _belongs_to_a_creator(key.column.table.name)
        for key in found.foreign_keys
        if key.column.table.name != name
    )


def test_every_table_of_a_creator_is_backed_up_or_excluded_with_a_reason():
    listed = {spec.name for spec in BACKED_UP}
    forgotten = [
        name
        for name in Base.metadata.tables
        if _belongs_to_a_creator(name) and name not in listed and name not in EXCLUDED_TABLES
    ]
    assert forgotten == [], (
        "add these tables to BACKED_UP in crm/backup/tables.py (in dependency order), "
        "or to EXCLUDED_TABLES with the reason they are left out"
    )
    assert all(reason.strip() for reason in EXCLUDED_TABLES.values())
    assert not listed & set(EXCLUDED_TABLES)
    assert set(EXCLUDED_TABLES) <= set(Base.metadata.tables), "an excluded table is gone"


def test_every_backed_up_row_is_found_through_its_owner():
    for spec in BACKED_UP[1:]:
        found = Base.metadata.tables[spec.name]
        if spec.through is None:
            assert "owner_id" in found.c, spec.name
        else:
            column, parent = spec.through
            assert references(found.c[column]) == parent, spec.name
            assert not found.c[column].nullable, "a row without its parent would be lost"


def test_the_tables_restore_after_every_table_they_point_at():
    seen: set[str] = set()
    for spec in BACKED_UP:
        for column in columns(spec):
            pointed = references(column)
            if pointed is not None:
                assert pointed in seen, f"{spec.name}.{column.name} points at {pointed}, later"
        seen.add(spec.name)


def _shared_pointers() -> set[tuple[str, str, str]]:
    """(table, pointer, shared): a row points at another that has a pointer of the same name."""
    found = set()
    for spec in BACKED_UP[1:]:
        row = Base.metadata.tables[spec.name]
        pointers = {c.name for c in row.c if c.foreign_keys and c.name != "owner_id"}
        for name in pointers:
            pointed = Base.metadata.tables[references(row.c[name])]
            shared = {other for other in pointers - {name} if other in pointed.c}
            found |= {(spec.name, name, other) for other in shared}
    return found


def test_every_pair_of_linked_rows_is_checked_on_restore_or_may_differ_with_a_reason():
    checked = {(rule.table, rule.pointer, rule.shared) for rule in SAME_AS}
    assert _shared_pointers() == checked | set(MAY_DIFFER), (
        "a table points at a row that shares one of its pointers: add the pair to SAME_AS in "
        "crm/backup/tables.py (the restore checks it) or to MAY_DIFFER with the reason"
    )
    assert not checked & set(MAY_DIFFER)
    assert all(reason.strip() for reason in MAY_DIFFER.values())
