"""Restore a backup into an empty account: all or nothing, every id remapped, every value checked.

Rows are written in the order of crm.backup.tables, each getting a new id; a foreign key
in a later row is translated through the ids of the rows already written, so a row can
only point at rows of the same file, and every row belongs to the account restored into.
The database's own constraints are the last check: one breaking them refuses the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.backup import kit
from crm.backup.tables import (
    BACKED_UP,
    PROFILE,
    SAME_AS,
    BackedUp,
    SameAs,
    columns,
    model,
    references,
    table,
)
from crm.backup.values import BackupError, from_json
from crm.backup.versions import current
from crm.brands.search import refresh_search
from crm.ownership import owned

BATCH = 500
Ids = dict[str, dict[int, int]]


@dataclass
class Restored:
    """How many rows of each table the restore wrote."""

    counts: dict[str, int] = field(default_factory=dict)
    # What the creator should know about rows restored other than as they were (the kit).
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def read_backup(data: bytes) -> dict[str, Any]:
    """The backup document in `data`, at the current version; BackupError if it is not one."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BackupError("This file is not a backup: it is not JSON.") from None
    return current(document)


def restore_backup(session: Session, owner: User, data: bytes) -> Restored:
    """Write the backup in `data` into `owner`'s account, which must be empty; flushes only."""
    document = read_backup(data)
    tables = document["tables"]
    unknown = sorted(set(tables) - {spec.name for spec in BACKED_UP})
    if unknown:
        raise BackupError(f"This backup has tables this version does not know: {unknown[0]}.")
    if not account_is_empty(session, owner):
        raise BackupError(
            "A backup restores only into an empty account: this one has data already. "
            "Make a new account and restore there."
        )
    ids: Ids = {}
    restored = Restored()
    try:
        for spec in BACKED_UP:
            rows = tables.get(spec.name, [])
            if not isinstance(rows, list):
                raise BackupError(f"'{spec.name}' in this backup is not a list of rows.")
            restored.counts[spec.name] = _restore_table(
                session, owner, spec, rows, ids, restored.notes
            )
        _check_links(session, owner)
        refresh_search(session, ids.get("brands", {}).values())
        session.flush()
    except (IntegrityError, DataError) as error:
        rule = _broken_rule(error)
        raise BackupError(f"A row of this backup breaks a rule of the data{rule}.") from None
    return restored


def _check_links(session: Session, owner: User) -> None:
    """Refuse rows that break a rule linking two rows (SAME_AS): one query a rule."""
    for rule in SAME_AS:
        row, pointed = table(rule.table), table(references(table(rule.table).c[rule.pointer]))
        crossed = (
            sa.select(row.c.id)
            .join(pointed, pointed.c.id == row.c[rule.pointer])
            .where(
                row.c.owner_id == owner.id,
                row.c[rule.shared].is_not(None),
                pointed.c[rule.shared].is_distinct_from(row.c[rule.shared]),
            )
            .limit(1)
        )
        if session.execute(crossed).first() is not None:
            raise BackupError(_crossing(rule))


def _crossing(rule: SameAs) -> str:
    """'A row of deals in this backup points at a contact of another brand.'"""
    pointed, shared = rule.pointer.removesuffix("_id"), rule.shared.removesuffix("_id")
    article = "an" if pointed[0] in "aeiou" else "a"
    where = f"A row of {rule.table} in this backup"
    return f"{where} points at {article} {pointed} of another {shared}."


def _broken_rule(error: Exception) -> str:
    """' (the constraint's name)' when the database said which, else ''."""
    orig = getattr(error, "orig", None)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)  # PostgreSQL
    if name is None:  # SQLite: "CHECK constraint failed: ck_deals_..."
        found = re.search(r"constraint failed: (\w+)", str(orig))
        name = found.group(1) if found else None
    return f" ({name})" if name else ""


def account_is_empty(session: Session, owner: User) -> bool:
    """True when `owner` has no row in any backed-up table (one query, whatever the count)."""
    kinds = [
        model(spec.name)
        for spec in BACKED_UP
        # The profile is always there; a child row (an invoice line) needs its parent.
        if spec.name != PROFILE and spec.through is None
    ]
    found = session.execute(sa.select(*[owned(kind, owner.id).exists() for kind in kinds])).one()
    return not any(found)


def _restore_table(
    session: Session, owner: User, spec: BackedUp, rows: list[Any], ids: Ids, notes: list[str]
) -> int:
    if spec.name == PROFILE:
        if len(rows) != 1:
            raise BackupError("This backup must hold exactly one profile.")
        _restore_profile(session, owner, spec, rows[0])
        return 1
    target = table(spec.name)
    mapping = ids.setdefault(spec.name, {})
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        values = [
            _row(owner, spec, row, ids, f"Row {start + number} of {spec.name}")
            for number, row in enumerate(batch, 1)
        ]
        if spec.name == kit.TABLE:  # at most one (a kit per owner): turned off, a free slug
            notes.extend(kit.restored_kit(session, owner.id, params) for _, params in values)
        olds = [old for old, _ in values]
        if len(set(olds) | set(mapping)) != len(mapping) + len(olds):
            raise BackupError(f"Two rows of {spec.name} in this backup have the same id.")
        statement = sa.insert(target).returning(target.c.id, sort_by_parameter_order=True)
        new_ids = session.scalars(statement, [params for _, params in values]).all()
        mapping.update(zip(olds, new_ids, strict=True))
    return len(rows)


def _row(owner: User, spec: BackedUp, row: Any, ids: Ids, where: str) -> tuple[int, dict[str, Any]]:
    """The old id and the values to insert for one row of the file."""
    if not isinstance(row, dict):
        raise BackupError(f"{where} is not a row.")
    cols = {column.name: column for column in columns(spec)}
    extra = sorted(set(row) - set(cols))
    if extra:
        raise BackupError(f"{where} has a column this version does not know: {extra[0]}.")
    old = row.get("id")
    if isinstance(old, bool) or not isinstance(old, int):
        raise BackupError(f"{where} has no id.")
    params: dict[str, Any] = {}
    for name, column in cols.items():
        if name == "id":
            continue
        value = from_json(spec, column, row.get(name), where)
        pointed = references(column)
        if pointed is not None and value is not None:
            value = _remapped(ids, pointed, value, f"{where}: '{name}'")
        params[name] = value
    if "owner_id" in table(spec.name).c:
        params["owner_id"] = owner.id
    return old, params


def _remapped(ids: Ids, pointed: str, old: int, where: str) -> int:
    new = ids.get(pointed, {}).get(old)
    if new is None:
        raise BackupError(f"{where} points at {pointed} id {old}, which is not in the backup.")
    return new


def _restore_profile(session: Session, owner: User, spec: BackedUp, row: Any) -> None:
    if not isinstance(row, dict):
        raise BackupError("The profile in this backup is not a row.")
    cols = {column.name: column for column in columns(spec)}
    extra = sorted(set(row) - set(cols))
    if extra:
        raise BackupError(f"The profile has a setting this version does not know: {extra[0]}.")
    values = {
        name: from_json(spec, column, row.get(name), "The profile")
        for name, column in cols.items()
        if name in row
    }
    profile_fields = accounts.ProfileData.__dataclass_fields__
    kept = {name: getattr(owner, name) for name in profile_fields}
    # The profile goes through the service that checks the profile form.
    data = accounts.ProfileData(**{name: values.get(name, kept[name]) for name in profile_fields})
    try:
        accounts.update_profile(session, owner, data)
    except accounts.AccountError as error:
        raise BackupError(f"The profile's {error.field}: {error.message}") from None
    for name, value in values.items():
        if name not in profile_fields:
            setattr(owner, name, value)
