"""Each invoice's kept lines total (invoices.lines_total_cents) equals the sum of its lines.

The triggers of migration 0038 keep it; these tests write lines every way the app and its
scripts do (the invoice service, bulk Core inserts and updates, deletes) and compare. They
run on SQLite and, with CRM_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import itertools

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule

from crm.deals import invoices
from crm.deals.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from tests.factories import make_user
from tests.factories_deals import TODAY, make_deal
from tests.machines import SavepointMachine, run_on

_emails = itertools.count(1)

# What the service takes: a total above 0 and under 10 million.
LINES = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 100_000_00)), min_size=1, max_size=4)


def _kept_and_summed(session) -> tuple[dict[int, int], dict[int, int]]:
    session.flush()
    kept = dict(session.execute(sa.select(Invoice.id, Invoice.lines_total_cents)).all())
    amount = sa.func.coalesce(sa.func.sum(InvoiceLine.quantity * InvoiceLine.unit_cents), 0)
    summed = dict(
        session.execute(
            sa.select(Invoice.id, amount)
            .outerjoin(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
            .group_by(Invoice.id)
        ).all()
    )
    return kept, {key: int(value) for key, value in summed.items()}


def _data(lines) -> invoices.InvoiceData:
    return invoices.InvoiceData(
        TODAY,
        TODAY,
        [invoices.LineData(f"Line {n}", q, cents) for n, (q, cents) in enumerate(lines)],
        billing_details="Glow Labs, 1 Main St",
    )


class LineWrites(SavepointMachine):
    """Random line writes on a creator's invoices; after each, every kept total matches."""

    @initialize()
    def a_creator_with_a_deal(self) -> None:
        self.begin()
        self.user = make_user(self.session, email=f"lines{next(_emails)}@example.com")
        self.deal = make_deal(self.session, self.user)

    def _invoices(self) -> list[Invoice]:
        statement = sa.select(Invoice).where(Invoice.owner_id == self.user.id)
        return list(self.session.scalars(statement.order_by(Invoice.id)))

    def _pick(self, data: st.DataObject) -> Invoice | None:
        found = self._invoices()
        return data.draw(st.sampled_from(found)) if found else None

    @rule(lines=LINES)
    def create_through_the_service(self, lines) -> None:
        invoices.create_invoice(self.session, self.user, self.deal, _data(lines), TODAY)
        self.session.flush()

    @rule(data=st.data(), lines=LINES)
    def change_a_drafts_lines(self, data, lines) -> None:
        invoice = self._pick(data)
        if invoice is not None and invoice.status is InvoiceStatus.DRAFT:
            invoices.update_invoice(self.session, invoice, _data(lines), TODAY)

    @rule(data=st.data(), lines=LINES)
    def bulk_insert_lines(self, data, lines) -> None:
        invoice = self._pick(data)
        if invoice is not None:
            self.session.execute(
                sa.insert(InvoiceLine),
                [
                    {"invoice_id": invoice.id, "description": "Extra", "quantity": q,
                     "unit_cents": cents, "position": 9}
                    for q, cents in lines
                ],
            )  # fmt: skip
            self.session.expire_all()

    @rule(quantity=st.integers(1, 5))
    def bulk_update_quantities(self, quantity: int) -> None:
        mine = sa.select(Invoice.id).where(Invoice.owner_id == self.user.id)
        self.session.execute(
            sa.update(InvoiceLine)
            .where(InvoiceLine.invoice_id.in_(mine), InvoiceLine.position == 0)
            .values(quantity=quantity)
            .execution_options(synchronize_session=False)
        )
        self.session.expire_all()

    @rule(data=st.data())
    def move_a_line_to_another_invoice(self, data) -> None:
        found = self._invoices()
        if len(found) > 1 and found[0].lines:
            line = found[0].lines[0]
            line.invoice_id = data.draw(st.sampled_from(found[1:])).id
            self.session.flush()
            self.session.expire_all()

    @rule(data=st.data())
    def delete_a_line(self, data) -> None:
        invoice = self._pick(data)
        if invoice is not None and invoice.lines:
            self.session.execute(
                sa.delete(InvoiceLine).where(InvoiceLine.id == invoice.lines[0].id)
            )
            self.session.expire_all()

    @invariant()
    def totals_match_the_lines(self) -> None:
        kept, summed = _kept_and_summed(self.session)
        assert kept == summed


def test_kept_totals_equal_the_lines_after_any_writes(connection, session) -> None:
    run_on(LineWrites, connection, session, examples=15)
