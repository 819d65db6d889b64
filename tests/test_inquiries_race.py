"""Two inquiries from one unknown brand at once make one brand, not two.

The two-connection test runs on PostgreSQL: each thread is its own connection and
transaction, committed for real (not the rolled-back test transaction), so only the lock
`receive` takes on the kit owner's row keeps the second from matching before the first's
new brand is committed. SQLite lets one writer at a time into the whole database (its
write transactions begin IMMEDIATE), so there is no race to prove there; the statement
test below runs on both.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, Contact
from crm.database import utcnow
from crm.inquiries import services
from crm.inquiries.models import InquiryKind
from crm.pitches.models import Pitch
from tests.factories import make_user
from tests.factories_inquiries import make_inquiry
from tests.locks import waits_on_a_lock

ON_POSTGRES = os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql")
WAIT = 20  # seconds before a stuck thread fails the test rather than hanging it


def _data(name: str, email: str) -> services.InquiryData:
    return services.InquiryData(
        name=name, email=email, company="Glow Labs", kind=InquiryKind.UGC_VIDEO
    )


def _count(session: Session, model: type, owner_id: int) -> int:
    return session.scalar(select(func.count()).select_from(model).where(model.owner_id == owner_id))


def test_receive_locks_the_owner_before_it_matches_a_brand(
    session, user, count_queries, engine
) -> None:
    with count_queries() as statements:
        make_inquiry(session, user, email="anna@glowlabs.com", company="Glow Labs")
    users = next(i for i, s in enumerate(statements) if "FROM users" in s)
    brands = next(i for i, s in enumerate(statements) if "FROM brands" in s)
    assert users < brands, "the owner's row must be locked before the brand is looked up"
    if engine.dialect.name == "postgresql":
        assert "FOR NO KEY UPDATE" in statements[users]


@pytest.fixture
def committed(engine: sa.Engine) -> Iterator[int]:
    """A creator committed outside the test's transaction, removed (with all theirs) after."""
    with Session(engine) as session:
        user = make_user(session, email=f"inquiry-race-{uuid.uuid4().hex[:8]}@example.com")
        user_id = user.id
    yield user_id
    with Session(engine) as session:
        session.delete(session.get_one(User, user_id))
        session.commit()


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (CRM_TEST_DATABASE_URL)")
def test_a_second_inquiry_waits_for_the_first_and_matches_its_new_brand(
    engine: sa.Engine, committed: int
) -> None:
    first_filed, release = threading.Event(), threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with Session(engine) as session:
                owner = session.get_one(User, committed)
                services.receive(session, owner, _data("Anna", "anna@glowlabs.com"), utcnow())
                first_filed.set()
                release.wait(WAIT)  # its new brand stays uncommitted until the test lets go
                session.commit()
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)
            first_filed.set()

    def second() -> None:
        try:
            with Session(engine) as session:
                second_pid.append(session.scalar(sa.text("SELECT pg_backend_pid()")))
                first_filed.wait(WAIT)
                owner = session.get_one(User, committed)
                services.receive(session, owner, _data("Ben", "ben@glowlabs.com"), utcnow())
                session.commit()
        except BaseException as error:  # surfaced by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    try:
        assert first_filed.wait(WAIT)
        # Proof that they overlapped: the second is blocked on a lock the first holds.
        assert waits_on_a_lock(engine, second_pid, WAIT), "the second inquiry never waited"
    finally:
        release.set()
        for thread in threads:
            thread.join(WAIT)
    assert not errors
    with Session(engine) as session:
        assert _count(session, Brand, committed) == 1
        assert _count(session, Contact, committed) == 2
        assert _count(session, Pitch, committed) == 2
