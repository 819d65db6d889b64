"""The deals tables refuse rows no service would write, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, exc, insert, select

from crm.deals.models import Deal, Deliverable
from crm.timeline.models import BrandActivity
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal

REFUSED = (exc.IntegrityError, exc.StatementError)


def _deal_row(owner_id: int, brand_id: int, **values: Any) -> dict[str, Any]:
    row = {
        "owner_id": owner_id,
        "brand_id": brand_id,
        "title": "Two videos",
        "kind": "ugc",
        "amount_cents": 50_000,
        "currency": "USD",
    }
    row.update(values)
    return row


def test_a_plain_deal_row_is_accepted(session, user) -> None:
    brand = make_brand(session, user)
    session.execute(insert(Deal.__table__).values(**_deal_row(user.id, brand.id)))
    session.flush()


@pytest.mark.parametrize(
    "bad",
    [
        {"amount_cents": -1},
        {"deposit_cents": -1},
        {"gifted_value_cents": -1},
        {"amount_cents": 10_000, "deposit_cents": 10_001},
        {"kind": "gifted", "amount_cents": 100},
        {"revision_limit": -1},
        {"usage_days": 0},
        {"usage_days": 3651},
        {"whitelisting_days": 0},
        {"exclusivity_days": 3651},
        {"usage_perpetual": True, "usage_days": 30},
        {"videos_per_month": 0},
        {"kind": "barter"},
        {"status": "won"},
        {"payment_terms": "net_90"},
    ],
    ids=lambda bad: ",".join(f"{k}={v}" for k, v in bad.items()),
)
def test_the_database_refuses_a_bad_deal(session, user, bad: dict[str, Any]) -> None:
    brand = make_brand(session, user)
    with pytest.raises(REFUSED), session.begin_nested():
        session.execute(insert(Deal.__table__).values(**_deal_row(user.id, brand.id, **bad)))


def test_edge_values_of_each_range_are_accepted(session, user) -> None:
    brand = make_brand(session, user)
    row = _deal_row(
        user.id,
        brand.id,
        amount_cents=0,
        deposit_cents=0,
        revision_limit=0,
        usage_days=1,
        whitelisting_days=3650,
        exclusivity_days=3650,
        kind="gifted",
        gifted_value_cents=12_000,
    )
    session.execute(insert(Deal.__table__).values(**row))
    session.flush()


def test_one_deal_per_pitch_but_any_number_without_one(session, user) -> None:
    from tests.factories_pitches import make_pitch

    brand = make_brand(session, user)
    pitch = make_pitch(session, user, brand)
    session.execute(insert(Deal.__table__).values(**_deal_row(user.id, brand.id)))
    session.execute(insert(Deal.__table__).values(**_deal_row(user.id, brand.id)))
    session.execute(
        insert(Deal.__table__).values(**_deal_row(user.id, brand.id, pitch_id=pitch.id))
    )
    with pytest.raises(exc.IntegrityError), session.begin_nested():
        session.execute(
            insert(Deal.__table__).values(**_deal_row(user.id, brand.id, pitch_id=pitch.id))
        )


def _deliverable_row(deal: Deal, **values: Any) -> dict[str, Any]:
    row = {"owner_id": deal.owner_id, "deal_id": deal.id, "title": "Video 1"}
    row.update(values)
    return row


@pytest.mark.parametrize(
    "bad",
    [
        {"revisions_used": -1},
        {"position": -1},
        {"status": "posted"},  # posted without a post date
        {"status": "editing", "posted_on": date(2026, 3, 1)},  # a post date, not posted
        {"status": "published"},
        {"type": "reel"},
    ],
    ids=lambda bad: ",".join(f"{k}={v}" for k, v in bad.items()),
)
def test_the_database_refuses_a_bad_deliverable(session, user, bad: dict[str, Any]) -> None:
    deal = make_deal(session, user)
    with pytest.raises(REFUSED), session.begin_nested():
        session.execute(insert(Deliverable.__table__).values(**_deliverable_row(deal, **bad)))


def test_a_posted_deliverable_with_its_date_is_accepted(session, user) -> None:
    deal = make_deal(session, user)
    row = _deliverable_row(deal, status="posted", posted_on=date(2026, 3, 1))
    session.execute(insert(Deliverable.__table__).values(**row))
    session.flush()


def test_the_database_deletes_a_deals_deliverables_with_it(session, user) -> None:
    from tests.factories_deals import make_deliverable

    deal = make_deal(session, user)
    make_deliverable(session, user, deal)
    session.execute(delete(Deal.__table__).where(Deal.__table__.c.id == deal.id))
    assert session.scalars(select(Deliverable).where(Deliverable.deal_id == deal.id)).all() == []


@pytest.mark.parametrize("kind", ["deal_created", "deliverable_moved", "revision_requested"])
def test_the_timeline_takes_the_deal_kinds(session, user, kind: str) -> None:
    brand = make_brand(session, user)
    row = {"owner_id": user.id, "brand_id": brand.id, "kind": kind, "text": "x"}
    session.execute(insert(BrandActivity.__table__).values(**row))
    session.flush()
