"""The retainer roll: each month from the start month, in the creator's timezone, gets its
deliverables and one draft invoice, once however often (or however concurrently) it runs;
never a month before the deal was entered."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import database
from crm.deals import invoices, retainers
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.invoice_numbers import InvoiceError
from crm.deals.models import DealKind, DealStatus, Deliverable, PaymentTerms
from crm.deals.retainer_models import RetainerMonth
from tests.factories import make_user
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal

MID_MARCH = datetime(2026, 3, 15, 12, tzinfo=UTC)
# When these tests' retainers were entered: January 1 in every timezone, before any start month.
ENTERED = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _entered(session: Session, deal: Any, when: datetime) -> Any:
    """The deal as typed in at `when` (rather than at the real clock's now)."""
    deal.created_at = when
    session.commit()
    return deal


def _retainer(session: Session, user: Any, entered: datetime = ENTERED, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "title": "Glow Co retainer",
        "kind": DealKind.RETAINER,
        "amount_cents": 200_000,
        "videos_per_month": 4,
        "start_month": date(2026, 1, 1),
    }
    values.update(overrides)
    return _entered(session, make_deal(session, user, **values), entered)


def _count(session: Session, model: type, **where: Any) -> int:
    statement = select(func.count()).select_from(model).filter_by(**where)
    return session.scalar(statement) or 0


def _invoices(session: Session, deal_id: int) -> list[Invoice]:
    return list(
        session.scalars(select(Invoice).where(Invoice.deal_id == deal_id).order_by(Invoice.id))
    )


def test_each_month_from_the_start_month_gets_its_videos_and_one_invoice(session, user) -> None:
    deal = _retainer(session, user)
    result = retainers.roll_retainers(session, MID_MARCH)
    months = [(m.deal_id, m.month, m.deliverables) for m in result.rolled]
    assert months == [(deal.id, date(2026, m, 1), 4) for m in (1, 2, 3)]
    titles = session.scalars(
        select(Deliverable.title).where(Deliverable.deal_id == deal.id).order_by(Deliverable.id)
    ).all()
    assert len(titles) == 12
    assert titles[:2] == [
        "Glow Co retainer: video 1 of 4, January 2026",
        "Glow Co retainer: video 2 of 4, January 2026",
    ]
    assert titles[-1] == "Glow Co retainer: video 4 of 4, March 2026"
    due = session.scalars(
        select(Deliverable.due_on).where(Deliverable.deal_id == deal.id).distinct()
    ).all()
    assert sorted(due) == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    billed = _invoices(session, deal.id)
    assert [i.number for i in billed] == ["INV-2026-0001", "INV-2026-0002", "INV-2026-0003"]
    assert [m.invoice_number for m in result.rolled] == [i.number for i in billed]
    assert [i.issue_on for i in billed] == [date(2026, m, 1) for m in (1, 2, 3)]
    first = billed[0]
    assert (first.status, first.total_cents, first.currency) == (
        InvoiceStatus.DRAFT,
        200_000,
        "USD",
    )
    assert first.owner_id == user.id and not first.is_deposit
    assert [line.description for line in first.lines] == [
        "Glow Co retainer: 4 videos, January 2026"
    ]
    rows = session.scalars(select(RetainerMonth).order_by(RetainerMonth.month)).all()
    assert [(r.month, r.invoice_id) for r in rows] == [(i.issue_on, i.id) for i in billed]


def test_the_due_date_follows_the_deals_payment_terms(session, user) -> None:
    deal = _retainer(session, user, payment_terms=PaymentTerms.NET_15,
                     start_month=date(2026, 3, 1))  # fmt: skip
    retainers.roll_retainers(session, MID_MARCH)
    (invoice,) = _invoices(session, deal.id)
    assert (invoice.issue_on, invoice.due_on) == (date(2026, 3, 1), date(2026, 3, 16))


def test_nothing_before_the_start_month(session, user) -> None:
    deal = _retainer(session, user, start_month=date(2026, 4, 1))
    assert retainers.roll_retainers(session, MID_MARCH).rolled == []
    assert _count(session, Deliverable) == 0 and _count(session, Invoice) == 0
    april = retainers.roll_retainers(session, datetime(2026, 4, 2, tzinfo=UTC))
    assert [(m.deal_id, m.month) for m in april.rolled] == [(deal.id, date(2026, 4, 1))]


def test_nothing_before_the_month_the_deal_was_entered(session, user) -> None:
    # Typed in mid-March with a January start: March is the first month rolled, no backlog.
    deal = _retainer(session, user, entered=datetime(2026, 3, 10, 9, tzinfo=UTC))
    result = retainers.roll_retainers(session, MID_MARCH)
    assert [(m.deal_id, m.month) for m in result.rolled] == [(deal.id, date(2026, 3, 1))]
    assert _count(session, Deliverable) == 4 and _count(session, Invoice) == 1
    (invoice,) = _invoices(session, deal.id)
    assert invoice.issue_on == date(2026, 3, 1)
    april = retainers.roll_retainers(session, datetime(2026, 4, 2, tzinfo=UTC))
    assert [m.month for m in april.rolled] == [date(2026, 4, 1)]


def test_the_month_entered_is_the_creators(session) -> None:
    # 05:00 UTC on March 1 is still February 28 in Los Angeles, already March 1 in Auckland.
    entered = datetime(2026, 3, 1, 5, tzinfo=UTC)
    west = _retainer(session, make_user(session, timezone="America/Los_Angeles"), entered)
    east = _retainer(session, make_user(session, timezone="Pacific/Auckland"), entered)
    result = retainers.roll_retainers(session, MID_MARCH)
    months = sorted((m.deal_id, m.month) for m in result.rolled)
    assert months == [
        (west.id, date(2026, 2, 1)),
        (west.id, date(2026, 3, 1)),
        (east.id, date(2026, 3, 1)),
    ]


def test_nothing_after_cancelling(session, user) -> None:
    deal = _retainer(session, user, cancelled_on=date(2026, 2, 10))
    result = retainers.roll_retainers(session, datetime(2026, 5, 20, tzinfo=UTC))
    assert [m.month for m in result.rolled] == [date(2026, 1, 1), date(2026, 2, 1)]
    assert _count(session, Invoice, deal_id=deal.id) == 2


def test_a_cancelled_or_non_retainer_deal_is_not_rolled(session, user) -> None:
    _retainer(session, user, status=DealStatus.CANCELLED, cancelled_on=date(2026, 3, 1))
    make_deal(session, user, title="One-off UGC")
    result = retainers.roll_retainers(session, MID_MARCH)
    assert result.rolled == [] and result.retainers == 0
    assert _count(session, Invoice) == 0


def test_running_twice_rolls_once(session, user) -> None:
    _retainer(session, user)
    first = retainers.roll_retainers(session, MID_MARCH)
    again = retainers.roll_retainers(session, MID_MARCH)
    assert len(first.rolled) == 3
    assert again.rolled == [] and again.taken_by_another_run == 0 and again.retainers == 1
    assert _count(session, Deliverable) == 12 and _count(session, Invoice) == 3
    # The next month, only the new month.
    april = retainers.roll_retainers(session, datetime(2026, 4, 1, 8, tzinfo=UTC))
    assert [m.month for m in april.rolled] == [date(2026, 4, 1)]
    assert _count(session, Invoice) == 4


def test_a_concurrent_run_loses_on_the_unique_month_and_creates_nothing(
    session, user, monkeypatch
) -> None:
    _retainer(session, user)
    retainers.roll_retainers(session, MID_MARCH)
    # The second run looked before the first had committed: only the constraint stops it.
    monkeypatch.setattr(retainers, "rolled_months", lambda *args: set())
    late = retainers.roll_retainers(session, MID_MARCH)
    assert late.rolled == [] and late.failed == [] and late.taken_by_another_run == 3
    session.commit()  # still usable: only each savepoint was rolled back
    assert _count(session, RetainerMonth) == 3
    assert _count(session, Deliverable) == 12 and _count(session, Invoice) == 3


def test_the_month_turns_in_the_creators_timezone(session) -> None:
    # 05:00 UTC on April 1 is still March 31 in Los Angeles, already April 1 in Auckland.
    turn = datetime(2026, 4, 1, 5, tzinfo=UTC)
    west = make_user(session, timezone="America/Los_Angeles")
    east = make_user(session, timezone="Pacific/Auckland")
    west_deal = _retainer(session, west, start_month=date(2026, 3, 1))
    east_deal = _retainer(session, east, start_month=date(2026, 3, 1))
    result = retainers.roll_retainers(session, turn)
    months = {(m.deal_id, m.month) for m in result.rolled}
    assert months == {
        (west_deal.id, date(2026, 3, 1)),
        (east_deal.id, date(2026, 3, 1)),
        (east_deal.id, date(2026, 4, 1)),
    }
    # Auckland's April began at 11:00 UTC on March 31: an April retainer rolls there then.
    late_start = _retainer(session, east, start_month=date(2026, 4, 1))
    before = retainers.roll_retainers(session, datetime(2026, 3, 31, 10, 59, tzinfo=UTC))
    after = retainers.roll_retainers(session, datetime(2026, 3, 31, 11, 0, tzinfo=UTC))
    assert before.rolled == []
    assert [(m.deal_id, m.month) for m in after.rolled] == [(late_start.id, date(2026, 4, 1))]


def test_every_creators_retainers_roll_in_batches_each_their_own(
    session, user, other_user, monkeypatch
) -> None:
    monkeypatch.setattr(retainers, "BATCH", 1)
    third = make_user(session)
    deals = [
        _retainer(session, owner, start_month=date(2026, 3, 1))
        for owner in (user, other_user, third)
    ]
    result = retainers.roll_retainers(session, MID_MARCH)
    assert [m.deal_id for m in result.rolled] == [d.id for d in deals]
    for deal in deals:
        (invoice,) = _invoices(session, deal.id)
        # Each creator's own sequence: everyone's first invoice.
        assert (invoice.owner_id, invoice.number) == (deal.owner_id, "INV-2026-0001")
        owners = session.scalars(
            select(Deliverable.owner_id).where(Deliverable.deal_id == deal.id).distinct()
        ).all()
        assert owners == [deal.owner_id]


def test_a_retainer_without_a_fee_gets_its_videos_and_no_invoice(session, user) -> None:
    deal = _retainer(session, user, amount_cents=0, videos_per_month=1,
                     start_month=date(2026, 3, 1))  # fmt: skip
    (month,) = retainers.roll_retainers(session, MID_MARCH).rolled
    assert (month.deliverables, month.invoice_number) == (1, None)
    assert _count(session, Invoice) == 0
    assert session.scalar(select(RetainerMonth.invoice_id)) is None
    assert retainers.roll_retainers(session, MID_MARCH).rolled == []
    assert _count(session, Deliverable, deal_id=deal.id) == 1


def test_a_long_title_is_shortened_to_fit_with_its_month(session, user) -> None:
    title = retainers.deliverable_title("x" * 200, 12, 12, date(2027, 9, 1))
    assert len(title) == 200 and title.endswith(": video 12 of 12, September 2027")


# The command line.


@pytest.fixture
def mid_march(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: MID_MARCH)


def _roll(runner, *args: str) -> Any:
    return runner.invoke(args=["deals", "roll-retainers", *args])


def test_the_command_says_what_it_created_and_nothing_the_second_time(
    runner, session, user, mid_march
) -> None:
    brand = make_brand(session, user, name="Glow Co")
    deal = make_deal(session, user, brand, title="Glow Co retainer", kind=DealKind.RETAINER,
                     amount_cents=150_000, videos_per_month=4,
                     start_month=date(2026, 2, 1))  # fmt: skip
    _entered(session, deal, ENTERED)
    result = _roll(runner)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Glow Co retainer: February 2026, 4 deliverables, invoice INV-2026-0001",
        "Glow Co retainer: March 2026, 4 deliverables, invoice INV-2026-0002",
        "Rolled 2 months.",
    ]
    again = _roll(runner)
    assert again.exit_code == 0, again.output
    assert again.output == "Nothing new to roll: every retainer month is done already.\n"
    session.expire_all()
    assert _count(session, Invoice) == 2 and _count(session, Deliverable) == 8


def test_the_command_as_json(runner, session, user, mid_march) -> None:
    deal = _retainer(session, user, start_month=date(2026, 3, 1), videos_per_month=2)
    result = _roll(runner, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "rolled": [
            {
                "owner_id": user.id,
                "deal_id": deal.id,
                "deal": "Glow Co retainer",
                "month": "2026-03",
                "deliverables": 2,
                "invoice": "INV-2026-0001",
            }
        ],
        "failed": [],
        "retainers": 1,
    }
    assert json.loads(_roll(runner, "--json").output)["rolled"] == []


def test_a_month_that_fails_keeps_nothing_exits_1_and_rolls_next_time(
    runner, session, user, mid_march, monkeypatch
) -> None:
    _retainer(session, user, start_month=date(2026, 3, 1))
    real = invoices.create_invoice

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise InvoiceError("Every next number is taken: change the number format in the settings.")

    monkeypatch.setattr(invoices, "create_invoice", refuse)
    result = _roll(runner)
    assert result.exit_code == 1
    assert "Glow Co retainer: March 2026 not rolled: Every next number is taken" in result.output
    session.expire_all()
    assert _count(session, RetainerMonth) == 0 and _count(session, Deliverable) == 0
    monkeypatch.setattr(invoices, "create_invoice", real)
    retry = _roll(runner)
    assert retry.exit_code == 0 and "Rolled 1 month." in retry.output
