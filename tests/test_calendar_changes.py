"""The calendar feed's ETag is its count of writes (migration 0039) and the day: never stale.

An unchanged feed is served on the strength of `calendar_feeds.changes`, with no event row
read, so a write the count missed would leave calendar apps with an old feed. The machine
below writes to every table the feed is read from, every way the app and its scripts do
(services, the ORM, bulk Core inserts, updates and deletes, cascades), plus writes the feed
does not show, and holds one rule after each: one ETag, one file. They run on SQLite and,
with CRM_TEST_DATABASE_URL, on PostgreSQL (statement triggers there, row triggers here).
"""

from __future__ import annotations

import importlib
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule
from sqlalchemy.sql.util import find_tables

from crm.brands.models import Brand
from crm.deals import calendar, invoices
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus
from crm.deals.services import move_deliverable
from crm.pitches.models import Pitch, PitchStatus
from tests.factories import make_user
from tests.factories_brands import make_brand
from tests.factories_deals import TODAY, make_deal, make_deliverable, make_invoice
from tests.factories_income import make_income
from tests.factories_pitches import make_pitch
from tests.machines import SavepointMachine, run_on

changes = importlib.import_module("migrations.versions.0039_calendar_changes")
_emails = itertools.count(1)
SENT_AT = datetime(2026, 2, 20, 12, tzinfo=UTC)
# Days in the feed's window and a few outside it.
DAYS = st.integers(-20, 200).map(lambda n: TODAY + timedelta(days=n))


def _feed(session, token: str) -> tuple[str, bytes]:
    """The ETag as a poll sees it, and the file as it would be built now from the rows."""
    session.flush()
    opened = calendar.feed_of_token(session, token)
    assert opened is not None
    rows = calendar.feed_rows(session, opened.owner.id, TODAY)
    return opened.etag(TODAY), calendar.calendar_bytes(rows.events())


class FeedWrites(SavepointMachine):
    """Random writes on a creator's feed rows; the same ETag always means the same file."""

    @initialize()
    def a_creator_with_a_feed(self) -> None:
        self.begin()
        self.user = make_user(self.session, email=f"feed{next(_emails)}@example.com")
        self.other = make_user(self.session, email=f"other{next(_emails)}@example.com")
        self.token = calendar.new_feed_token(self.session, self.user.id, SENT_AT)
        calendar.new_feed_token(self.session, self.other.id, SENT_AT)
        self.brand = make_brand(self.session, self.user, name="Glow Labs")
        self.seen: dict[str, bytes] = {}

    def _mine(self, model, data: st.DataObject):
        found = self.session.scalars(
            sa.select(model).where(model.owner_id == self.user.id).order_by(model.id)
        ).all()
        return data.draw(st.sampled_from(found)) if found else None

    @rule(due=DAYS)
    def a_deliverable_through_the_service(self, due: date) -> None:
        make_deliverable(self.session, self.user, due_on=due)

    @rule(data=st.data(), due=DAYS)
    def move_a_due_date(self, data, due: date) -> None:
        deliverable = self._mine(Deliverable, data)
        if deliverable is not None:
            deliverable.due_on = due

    @rule(data=st.data())
    def post_a_deliverable(self, data) -> None:
        deliverable = self._mine(Deliverable, data)
        if deliverable is not None:
            move_deliverable(self.session, deliverable, DeliverableStatus.POSTED, TODAY)

    @rule(data=st.data())
    def cancel_a_deal(self, data) -> None:
        deal = self._mine(Deal, data)
        if deal is not None:
            deal.status = DealStatus.CANCELLED

    @rule(days=st.integers(1, 400), start=DAYS)
    def a_deal_with_usage_rights(self, days: int, start: date) -> None:
        make_deal(self.session, self.user, self.brand, usage_days=days, usage_start=start)

    @rule(name=st.text("Glow Labs Studio", min_size=1, max_size=12))
    def rename_the_brand(self, name: str) -> None:
        self.brand.name = name.strip() or "Glow"

    @rule(name=st.sampled_from(["Glow", "Dew Co"]))
    def bulk_rename_every_brand(self, name: str) -> None:
        self.session.execute(
            sa.update(Brand)
            .where(Brand.owner_id == self.user.id)
            .values(name=name)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    @rule(followup=DAYS, subject=st.sampled_from(["UGC for spring", "", "Hi"]))
    def a_sent_pitch(self, followup: date, subject: str) -> None:
        make_pitch(
            self.session, self.user, self.brand, status=PitchStatus.SENT, sent_at=SENT_AT,
            next_followup_on=followup, subject=subject,
        )  # fmt: skip

    @rule(followup=DAYS)
    def bulk_insert_sent_pitches(self, followup: date) -> None:
        self.session.execute(
            sa.insert(Pitch),
            [
                {"owner_id": self.user.id, "brand_id": self.brand.id, "kind": "ugc",
                 "channel": "email", "status": "sent", "quoted_cents": 100, "currency": "USD",
                 "subject": f"Bulk {n}", "body": "", "sent_at": SENT_AT,
                 "next_followup_on": followup, "created_at": SENT_AT, "updated_at": SENT_AT}
                for n in range(2)
            ],
        )  # fmt: skip

    @rule(data=st.data(), followup=DAYS)
    def move_a_followup(self, data, followup: date) -> None:
        pitch = self._mine(Pitch, data)
        if pitch is not None:
            pitch.next_followup_on = followup

    @rule(due=DAYS)
    def a_sent_invoice(self, due: date) -> None:
        invoice = make_invoice(self.session, self.user, issue_on=min(due, TODAY), due_on=due)
        invoices.mark_sent(self.session, invoice)

    @rule(data=st.data(), cents=st.integers(1, 10_000_00))
    def bulk_insert_a_line(self, data, cents: int) -> None:
        invoice = self._mine(Invoice, data)
        if invoice is not None:
            self.session.execute(
                sa.insert(InvoiceLine),
                [{"invoice_id": invoice.id, "description": "Extra", "quantity": 1,
                  "unit_cents": cents, "position": 9}],
            )  # fmt: skip
            self.session.expire_all()

    @rule(data=st.data())
    def pay_or_void_an_invoice(self, data) -> None:
        invoice = self._mine(Invoice, data)
        if invoice is not None and invoice.status is InvoiceStatus.SENT:
            invoices.void_invoice(self.session, invoice)

    def _bulk_delete_one(self, model, data: st.DataObject) -> None:
        row = self._mine(model, data)
        if row is not None:
            self.session.execute(sa.delete(model).where(model.id == row.id))
            self.session.expire_all()

    @rule(data=st.data())
    def bulk_delete_a_deliverable(self, data) -> None:
        self._bulk_delete_one(Deliverable, data)

    @rule(data=st.data())
    def bulk_delete_a_pitch(self, data) -> None:
        self._bulk_delete_one(Pitch, data)

    @rule(data=st.data())
    def bulk_delete_an_invoice(self, data) -> None:
        self._bulk_delete_one(Invoice, data)

    @rule()
    def delete_the_brand_and_all_it_cascades_to(self) -> None:
        self.session.execute(sa.delete(Brand).where(Brand.id == self.brand.id))
        self.session.expire_all()
        self.brand = make_brand(self.session, self.user, name="Glow Labs")

    @rule()
    def writes_the_feed_does_not_show(self) -> None:
        make_income(self.session, self.user)
        other_deal = make_deal(self.session, self.other)
        make_deliverable(self.session, self.other, other_deal, due_on=TODAY)

    @invariant()
    def one_etag_one_file(self) -> None:
        etag, made = _feed(self.session, self.token)
        assert self.seen.setdefault(etag, made) == made


def test_the_same_etag_always_serves_the_same_feed(connection, session) -> None:
    run_on(FeedWrites, connection, session, examples=25)


def test_every_write_to_a_feed_table_moves_only_its_creators_count(
    session, user, other_user
) -> None:
    token = calendar.new_feed_token(session, user.id, SENT_AT)
    calendar.new_feed_token(session, other_user.id, SENT_AT)

    def counts() -> tuple[int, int]:
        session.flush()
        found = dict(
            session.execute(
                sa.select(calendar.CalendarFeed.owner_id, calendar.CalendarFeed.changes)
            ).all()
        )
        return found[user.id], found[other_user.id]

    before = counts()
    make_pitch(session, user)
    after_pitch = counts()
    assert after_pitch[0] > before[0] and after_pitch[1] == before[1]
    etag = calendar.feed_of_token(session, token).etag(TODAY)
    make_income(session, user)  # income is not in the feed: nothing to count
    assert counts() == after_pitch
    assert calendar.feed_of_token(session, token).etag(TODAY) == etag
    # The day is part of it: tomorrow's window is another feed.
    assert calendar.feed_of_token(session, token).etag(TODAY + timedelta(days=1)) != etag


def test_a_new_feed_never_takes_an_old_ones_etag(session, user) -> None:
    """A revoked feed's count is gone with it; the new one's starts again, with a new token."""
    first = calendar.new_feed_token(session, user.id, SENT_AT)
    old = calendar.feed_of_token(session, first).etag(TODAY)
    calendar.revoke_feed(session, user.id)
    second = calendar.new_feed_token(session, user.id, SENT_AT)
    opened = calendar.feed_of_token(session, second)
    renewed = opened.etag(TODAY)
    assert opened.feed.changes == 0 and renewed != old
    third = calendar.new_feed_token(session, user.id, SENT_AT)  # regenerated: count kept
    assert calendar.feed_of_token(session, third).etag(TODAY) not in (old, renewed)


def test_every_trigger_is_there_at_the_head(session) -> None:
    """A later batch migration on SQLite copies a table without its triggers: this fails then."""
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        found = bind.execute(
            sa.text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'calendar_changes_%'")
        ).scalars()
    else:
        found = bind.execute(
            sa.text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'calendar_changes_%'"
            )
        ).scalars()
    expected = {
        changes.trigger_name(table, write) for table in changes.TABLES for write in changes.WRITES
    }
    assert set(found) == expected


def test_the_tables_counted_are_the_tables_the_feed_reads() -> None:
    """A kind of event reading a new table needs that table counted too."""
    read = {
        table.name
        for statement in calendar._statements(calendar.EVENTS_MAX)
        for table in find_tables(statement, include_joins=True, include_aliases=True)
        if isinstance(table, sa.Table)
    }
    assert read == set(changes.TABLES)


MADE = {
    "brands": make_brand,
    "pitches": make_pitch,
    "deals": make_deal,
    "deliverables": make_deliverable,
    "invoices": make_invoice,
}


@pytest.mark.parametrize("table", changes.TABLES)
def test_an_insert_an_update_and_a_delete_each_count(session, user, table: str) -> None:
    """Each table, each kind of write: the insert through the app, the update and the delete
    as bulk Core statements (no ORM event involved)."""
    calendar.new_feed_token(session, user.id, SENT_AT)
    model = next(m for m in calendar.CalendarFeed.registry.mappers if m.local_table.name == table)
    model = model.class_

    def count() -> int:
        session.flush()
        return session.scalar(
            sa.select(calendar.CalendarFeed.changes).where(
                calendar.CalendarFeed.owner_id == user.id
            )
        )

    before = count()
    row = MADE[table](session, user)
    inserted = count()
    assert inserted > before
    session.execute(
        sa.update(model).where(model.id == row.id).values(owner_id=model.owner_id)
    )  # a write that changes nothing still counts: the triggers do not compare
    updated = count()
    assert updated > inserted
    session.execute(sa.delete(model).where(model.id == row.id))
    assert count() > updated
