"""Two `crm deals roll-retainers` at once, on PostgreSQL: every month rolled once.

Each run is its own connection, committed for real (not the rolled-back test transaction),
so only the unique (deal, month) of retainer_months keeps them apart: the second insert of a
month waits for the first run's commit, then fails, and that run skips the month. SQLite is
skipped: it lets one writer at a time into the whole database.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.deals import retainers
from crm.deals.invoice_models import Invoice
from crm.deals.models import DealKind, Deliverable
from crm.deals.retainer_models import RetainerMonth
from tests.factories import make_user
from tests.factories_deals import make_deal

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (CRM_TEST_DATABASE_URL): SQLite serialises writers",
    ),
]
WAIT = 30  # seconds before a stuck thread fails the test rather than hanging it
MID_MARCH = datetime(2026, 3, 15, 12, tzinfo=UTC)


@pytest.fixture
def committed(engine: sa.Engine) -> Iterator[int]:
    """A creator with a January retainer, committed outside the test's transaction."""
    with Session(engine) as session:
        user = make_user(session, email=f"roll-{uuid.uuid4().hex[:8]}@example.com")
        deal = make_deal(session, user, title="Glow Co retainer", kind=DealKind.RETAINER,
                         amount_cents=100_000, videos_per_month=4,
                         start_month=date(2026, 1, 1))  # fmt: skip
        deal.created_at = datetime(2026, 1, 1, 12, tzinfo=UTC)  # entered in January
        session.commit()
        user_id, deal_id = user.id, deal.id
    yield deal_id
    with Session(engine) as session:
        session.delete(session.get_one(User, user_id))
        session.commit()


def test_two_runs_at_once_roll_each_month_once(engine: sa.Engine, committed: int) -> None:
    start = threading.Barrier(2, timeout=WAIT)
    results: list[retainers.RollResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Session(engine) as session:
                start.wait()
                results.append(retainers.roll_retainers(session, MID_MARCH))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not errors and len(results) == 2
    rolled = sorted(m.month for r in results for m in r.rolled)
    assert rolled == [date(2026, m, 1) for m in (1, 2, 3)]
    assert all(not r.failed for r in results)
    with Session(engine) as session:
        months = session.scalars(
            sa.select(RetainerMonth.month).where(RetainerMonth.deal_id == committed)
        ).all()
        assert sorted(months) == rolled
        count = sa.select(sa.func.count()).select_from(Deliverable)
        assert session.scalar(count.where(Deliverable.deal_id == committed)) == 12
        numbers = session.scalars(sa.select(Invoice.number).where(Invoice.deal_id == committed))
        assert sorted(numbers) == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]
