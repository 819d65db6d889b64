"""Invoice numbers under concurrent requests, on PostgreSQL: never the same number twice, no gap.

Each thread is its own connection and transaction, committed for real (not the rolled-back
test transaction), so the counter row's lock is what keeps them apart. SQLite is skipped:
it lets one writer at a time into the whole database, so there is no race to prove there.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.deals import invoice_drafts, invoices
from crm.deals.invoice_numbers import take_number
from crm.deals.models import Deal
from crm.market.seed import installed_market
from tests.factories import make_user
from tests.factories_deals import TODAY, make_deal
from tests.locks import waits_on_a_lock

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (CRM_TEST_DATABASE_URL): SQLite serialises writers, so two "
        "requests never race for a number there",
    ),
]
WAIT = 20  # seconds before a stuck thread fails the test rather than hanging it


@pytest.fixture
def committed(engine: sa.Engine) -> Iterator[tuple[int, int]]:
    """A creator and a deal committed outside the test's transaction, removed afterwards."""
    with Session(engine) as session:
        user = make_user(session, email=f"race-{uuid.uuid4().hex[:8]}@example.com")
        deal = make_deal(session, user)
        ids = (user.id, deal.id)
    yield ids
    with Session(engine) as session:
        session.delete(session.get_one(User, ids[0]))
        session.commit()


def _create(engine: sa.Engine, user_id: int, deal_id: int) -> str:
    with Session(engine) as session:
        user, deal = session.get_one(User, user_id), session.get_one(Deal, deal_id)
        data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
        invoice = invoices.create_invoice(session, user, deal, data, TODAY)
        session.commit()
        return invoice.number


def test_a_second_request_waits_for_the_first_and_takes_the_next_number(
    engine: sa.Engine, committed: tuple[int, int]
) -> None:
    user_id, _deal_id = committed
    first_took, release = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}
    second_pid: list[int] = []

    def first() -> None:
        with Session(engine) as session:
            numbers["first"] = take_number(session, user_id, 2026)
            first_took.set()
            release.wait(WAIT)  # holds the counter row's lock until the test lets go
            session.commit()

    def second() -> None:
        with Session(engine) as session:
            second_pid.append(session.scalar(sa.text("SELECT pg_backend_pid()")))
            first_took.wait(WAIT)
            numbers["second"] = take_number(session, user_id, 2026)
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_took.wait(WAIT)
    # Proof that they raced: the second is blocked on the lock the first holds.
    assert waits_on_a_lock(engine, second_pid, WAIT), "the second request never waited for the lock"
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert numbers == {"first": "INV-2026-0001", "second": "INV-2026-0002"}


def test_two_requests_making_invoices_at_once_get_every_number_once(
    engine: sa.Engine, committed: tuple[int, int]
) -> None:
    user_id, deal_id = committed
    start = threading.Barrier(2, timeout=WAIT)
    made: list[str] = []
    errors: list[BaseException] = []

    def make_five() -> None:
        try:
            start.wait()
            for _ in range(5):
                made.append(_create(engine, user_id, deal_id))
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=make_five) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not errors
    assert sorted(made) == [f"INV-2026-{n:04d}" for n in range(1, 11)]
