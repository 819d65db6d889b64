"""Every keyset list reads one index range: no full scan of a table, no sort of an account.

The plan of each list's page query (first page and a deep page) is read on the database the
tests run on. PostgreSQL is told to avoid sequential scans and sorts where it can, as it
would on a big account; what it cannot avoid shows in the plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crm.brands.detail import TIMELINE_ORDER
from crm.brands.listing import SORTS, BrandFilters, filtered
from crm.brands.models import BrandSource, BrandStatus
from crm.ownership import owned
from crm.pagination import Order, keyset_page, page_ids_query
from crm.pitches.followups import FOLLOWUP_ORDER, _sent
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from crm.pitches.pipeline import HISTORY_ORDER as PITCH_HISTORY_ORDER
from crm.pitches.pipeline import LIST_ORDER
from crm.stats.models import StatsSnapshot
from crm.stats.services import HISTORY_ORDER
from crm.timeline.models import BrandActivity
from tests.factories import make_snapshot
from tests.factories_brands import make_brand, make_note
from tests.factories_pitches import NOW, make_pitch

TODAY = date(2026, 3, 10)


def _lists(owner_id: int, brand_id: int, pitch_id: int) -> dict[str, tuple[sa.Select, Order]]:
    recent = SORTS["recent"][1]
    lists: dict[str, tuple[sa.Select, Order]] = {
        f"brands by {name}": (filtered(owner_id, BrandFilters(sort=name)), order)
        for name, (_label, order) in SORTS.items()
    }
    lists |= {
        "brands by status": (filtered(owner_id, BrandFilters(status="lead")), recent),
        "brands by category": (filtered(owner_id, BrandFilters(category="beauty")), recent),
        "brands by source": (filtered(owner_id, BrandFilters(source="billo")), recent),
        # A common filter no index holds with the sort: read along the sort's index.
        "brands tagged, good targets": (
            filtered(owner_id, BrandFilters(tag="gifting", good_only=True), walk=True),
            recent,
        ),
        "brands in a category by followers": (
            filtered(owner_id, BrandFilters(category="beauty", sort="followers"), walk=True),
            SORTS["followers"][1],
        ),
        "pitches": (owned(Pitch, owner_id), LIST_ORDER),
        "pitches ugc": (owned(Pitch, owner_id).where(Pitch.kind == PitchKind.UGC), LIST_ORDER),
        "pitches sent": (
            owned(Pitch, owner_id).where(Pitch.status == PitchStatus.SENT),
            LIST_ORDER,
        ),
        "pitches of a brand": (
            owned(Pitch, owner_id).where(Pitch.brand_id == brand_id),
            LIST_ORDER,
        ),
        "follow-ups": (_sent(owner_id).where(Pitch.next_followup_on <= TODAY), FOLLOWUP_ORDER),
        "timeline": (
            owned(BrandActivity, owner_id).where(BrandActivity.brand_id == brand_id),
            TIMELINE_ORDER,
        ),
        "stats history": (owned(StatsSnapshot, owner_id), HISTORY_ORDER),
        "pitch history": (
            owned(BrandActivity, owner_id).where(BrandActivity.pitch_id == pitch_id),
            PITCH_HISTORY_ORDER,
        ),
    }
    return lists


@pytest.fixture
def filled(session, user) -> tuple[int, int]:
    """A few rows in every list (values for the deep cursors); a brand's and a pitch's ids."""
    brand = None
    for n in range(4):
        brand = make_brand(
            session,
            user,
            name=f"Brand {n}",
            tiktok_followers=None if n == 0 else n * 1000,
            status=BrandStatus.LEAD,
            product_category="beauty",
            source=BrandSource.BILLO,
            tags="gifting",
            runs_tiktok_ads=True,
        )
        make_note(session, user, brand, f"Note {n}")
        make_snapshot(session, user, taken_on=TODAY - timedelta(days=n))
        for kind in (PitchKind.UGC, PitchKind.AFFILIATE):
            pitch = make_pitch(
                session,
                user,
                brand=brand,
                kind=kind,
                status=PitchStatus.SENT,
                sent_at=NOW,
                next_followup_on=TODAY - timedelta(days=n),
            )
    assert brand is not None
    for n in range(3):
        session.add(
            BrandActivity(
                owner_id=user.id,
                brand_id=brand.id,
                pitch_id=pitch.id,
                kind="pitch_status",
                text=f"Line {n}",
                at=NOW + timedelta(minutes=n),
            )
        )
    session.commit()
    return brand.id, pitch.id


def _pg_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _problems(session, statement: sa.Select) -> list[str]:
    """What in the plan of `statement` reads more than a range: full scans, unbounded sorts."""
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "sqlite":
        lines = [str(row[3]) for row in session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
        compound = any("COMPOUND" in line for line in lines)
        return [
            line
            for line in lines
            if (line.startswith("SCAN ") and not line.startswith("SCAN anon_"))
            # The NULLs-last union sorts its two LIMITed halves, never the account.
            or ("TEMP B-TREE" in line and not compound)
        ]
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    session.execute(sa.text("SET LOCAL enable_sort = off"))
    raw = session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    found = []
    for node in _pg_nodes(plan):
        if node["Node Type"] == "Seq Scan":
            found.append(f"Seq Scan on {node.get('Relation Name')}")
        limited = any(n["Node Type"] == "Limit" for n in _pg_nodes(node) if n is not node)
        if node["Node Type"] in ("Sort", "Incremental Sort") and not limited:
            found.append(f"{node['Node Type']} {node.get('Sort Key')}")
    return found


@pytest.mark.parametrize("name", sorted(_lists(0, 0, 0)))
def test_the_list_reads_one_index_range_on_the_first_and_a_deep_page(
    session, user, filled, name
) -> None:
    statement, order = _lists(user.id, *filled)[name]
    first = keyset_page(session, statement, order, None, 1)
    assert first.older is not None
    for cursor in (None, first.older):
        query = page_ids_query(session, statement, order, cursor, 25)
        assert _problems(session, query) == [], cursor
