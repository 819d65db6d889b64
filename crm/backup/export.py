"""Write all of one creator's data as a backup: JSON written piece by piece, never built whole.

Each table is read a batch at a time by keyset on its id, so a 100,000-row account needs
the memory of one batch. The layout is described in crm/backup/schema.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.backup.tables import BACKED_UP, PROFILE, BackedUp, columns, model, table
from crm.backup.values import to_json
from crm.ownership import owned

FORMAT = "creator-crm-backup"
VERSION = 1
BATCH = 1_000


def backup_pieces(session: Session, owner: User, now: datetime) -> Iterator[str]:
    """The backup of `owner`'s data as pieces of JSON text, in order."""
    head = {"format": FORMAT, "version": VERSION, "exported_at": to_json(now)}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {'
    for number, spec in enumerate(BACKED_UP):
        yield ("," if number else "") + f"\n{json.dumps(spec.name)}: ["
        for index, row in enumerate(_rows(session, owner.id, spec)):
            yield ("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "]"
    yield "\n}}\n"


def write_backup(session: Session, owner: User, now: datetime, out: TextIO) -> None:
    """Write the backup of `owner`'s data to `out`."""
    for piece in backup_pieces(session, owner, now):
        out.write(piece)


def _rows(session: Session, owner_id: int, spec: BackedUp) -> Iterator[dict[str, Any]]:
    cols = columns(spec)
    if spec.name == PROFILE:
        found = session.execute(sa.select(*cols).where(User.id == owner_id)).one()
        yield {column.name: to_json(value) for column, value in zip(cols, found, strict=True)}
        return
    key = table(spec.name).c.id
    last = 0
    while True:
        batch = session.execute(
            _scoped(spec, owner_id, cols).where(key > last).order_by(key).limit(BATCH)
        ).all()
        for found in batch:
            yield {column.name: to_json(value) for column, value in zip(cols, found, strict=True)}
        if len(batch) < BATCH:
            return
        last = batch[-1].id


def _scoped(spec: BackedUp, owner_id: int, cols: list[sa.Column]) -> sa.Select[Any]:
    """A SELECT of `cols` limited to `owner_id`'s rows, through the ownership helper."""
    if spec.through is None:
        return owned(model(spec.name), owner_id, *cols)
    column, parent = spec.through
    parent_model = model(parent)
    on = table(spec.name).c[column] == parent_model.id
    return owned(parent_model, owner_id, *cols).join(parent_model, on)
