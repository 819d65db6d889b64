"""The timeline area: one place every area writes to, with a fixed list of kinds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import exc, insert

import crm
from crm.timeline.models import ActivityKind, BrandActivity
from crm.timeline.services import log_activity
from tests.factories_brands import make_brand

PACKAGE = Path(crm.__file__).parent


def _imported_modules(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_brands_do_not_import_pitches() -> None:
    assert not {m for m in _imported_modules(PACKAGE / "brands") if m.startswith("crm.pitches")}


def test_the_timeline_imports_no_area_that_writes_to_it() -> None:
    writers = ("crm.pitches", "crm.emails", "crm.stats", "crm.rates")
    assert not [m for m in _imported_modules(PACKAGE / "timeline") if m.startswith(writers)]


def test_a_logged_line_keeps_its_kind_as_the_enum(session, user) -> None:
    brand = make_brand(session, user)
    line = log_activity(session, brand, ActivityKind.NOTE, "Met them at a pop-up.")
    session.expire(line)
    assert line.kind is ActivityKind.NOTE


def test_the_database_refuses_a_kind_no_area_declared(session, user) -> None:
    brand = make_brand(session, user)
    row = {"owner_id": user.id, "brand_id": brand.id, "kind": "deal_signed", "text": "x"}
    with pytest.raises((exc.IntegrityError, exc.StatementError)), session.begin_nested():
        session.execute(insert(BrandActivity.__table__).values(**row))
