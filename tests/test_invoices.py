"""Invoices: numbers and their format, drafts from a deal's terms, paid -> income once, void."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.add_on_policy.models import AddOnUplift
from crm.deals import invoice_drafts, invoices
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.invoice_numbers import InvoiceError, check_format, next_number
from crm.deals.models import DealKind, PaymentTerms
from crm.deals.services import EXTRA_REVISION
from crm.income.models import IncomeEntry, IncomeStatus
from crm.market.seed import installed_market
from tests.factories_deals import TODAY, make_deal, make_deliverable, make_invoice


def _income_count(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count()).select_from(IncomeEntry).where(IncomeEntry.owner_id == user.id)
    )


def _paid(session: Session, user: User, invoice: Invoice, paid_on: date = TODAY) -> bool:
    found = invoices.locked(session, user.id, invoice.id)
    assert found is not None
    done = invoices.mark_paid(session, user, found, paid_on, TODAY, installed_market())
    session.commit()
    return done


def test_numbers_follow_the_creators_format_one_after_another(session, user) -> None:
    invoices.save_settings(session, user, invoices.SettingsData(number_format="GL/{seq:03d}"))
    session.commit()
    first, second = make_invoice(session, user), make_invoice(session, user)
    assert (first.number, second.number) == ("GL/001", "GL/002")
    assert next_number(session, user.id, 2026) == "GL/003"


def test_the_default_format_has_the_issue_year(session, user) -> None:
    invoice = make_invoice(session, user, issue_on=date(2026, 3, 1))
    assert invoice.number == "INV-2026-0001"


def test_each_creator_has_their_own_sequence(session, user, other_user) -> None:
    make_invoice(session, user)
    assert make_invoice(session, other_user).number == "INV-2026-0001"


def test_a_number_typed_by_hand_is_passed_over_by_the_sequence(session, user) -> None:
    first = make_invoice(session, user)
    first.number = "INV-2026-0002"  # as an earlier version let a draft be renumbered by hand
    session.commit()
    assert make_invoice(session, user).number == "INV-2026-0003"


def _data_of(invoice: Invoice) -> invoices.InvoiceData:
    lines = [invoices.LineData(x.description, x.quantity, x.unit_cents) for x in invoice.lines]
    return invoices.InvoiceData(invoice.issue_on, invoice.due_on, lines, invoice.billing_details)


def test_editing_a_draft_keeps_the_number_it_took_from_the_sequence(session, user) -> None:
    first, second = make_invoice(session, user), make_invoice(session, user)
    line = invoices.LineData("Reshoot", 2, 10_000)
    invoices.update_invoice(session, first, replace(_data_of(first), lines=[line]), TODAY)
    session.commit()
    session.expire_all()
    edited = session.get(Invoice, first.id)
    assert (edited.number, edited.total_cents) == ("INV-2026-0001", 20_000)
    assert session.get(Invoice, second.id).number == "INV-2026-0002"
    assert next_number(session, user.id, 2026) == "INV-2026-0003"
    assert "number" not in invoices.InvoiceData.__dataclass_fields__


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Enter a format"),
        ("INV-{year}", "exactly once"),
        ("INV-{seq}-{seq}", "exactly once"),
        ("INV-{month}-{seq}", "Only {year} and {seq}"),
        ("INV-{seq!r}", "Only {year} and {seq}"),
        ("INV-{seq:>10}", "{seq:04d}"),
        ("INV-{year:04d}-{seq}", "without a format"),
        ("INV-{seq", "A { without its }"),
        ("X" * 35 + "{seq}", "over 40 characters"),
    ],
)
def test_a_number_format_that_doesnt_make_numbers_is_refused(text: str, problem: str) -> None:
    with pytest.raises(InvoiceError) as refused:
        check_format(text)
    assert problem in refused.value.message
    assert refused.value.field == "number_format"


def test_braces_can_be_written_doubled() -> None:
    assert check_format(" {{A}}-{seq} ") == "{{A}}-{seq}"


@pytest.mark.parametrize(
    ("terms", "days"),
    [
        (PaymentTerms.ON_DELIVERY, 0),
        (PaymentTerms.NET_15, 15),
        (PaymentTerms.NET_30, 30),
        (PaymentTerms.NET_60, 60),
    ],
)
def test_the_due_date_follows_the_deals_terms(session, user, terms, days) -> None:
    deal = make_deal(session, user, payment_terms=terms)
    data, deposit = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert data.due_on == TODAY + timedelta(days=days)
    assert not deposit


def test_a_draft_spreads_the_amount_over_the_deliverables(session, user) -> None:
    deal = make_deal(session, user, amount_cents=100_000)
    for title in ("Hook video", "Unboxing", "Review"):
        make_deliverable(session, user, deal, title=title)
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert [line.description for line in data.lines] == ["Hook video", "Unboxing", "Review"]
    assert [line.unit_cents for line in data.lines] == [33_334, 33_333, 33_333]


def test_a_draft_adds_the_rights_the_deal_grants_at_the_creators_add_on_prices(
    session, user
) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on="exclusivity", percent=10))
    deal = make_deal(
        session,
        user,
        amount_cents=90_000,
        usage_days=30,
        exclusivity_days=90,
        exclusivity_category="skincare",
    )
    for title in ("Hook video", "Unboxing"):
        make_deliverable(session, user, deal, title=title)
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    # The deliverables share the agreed amount; usage at the seed's 30%, exclusivity at
    # the creator's own 10%, each of the agreed amount.
    assert [(x.description, x.quantity, x.unit_cents) for x in data.lines] == [
        ("Hook video", 1, 45_000),
        ("Unboxing", 1, 45_000),
        ("Paid usage rights, 30 days (+30% of the agreed amount)", 1, 27_000),
        ("Exclusivity, 90 days (+10% of the agreed amount)", 1, 9_000),
    ]
    invoice = make_invoice(session, user, deal)
    assert invoice.total_cents == 90_000 + 27_000 + 9_000


def test_a_draft_names_perpetual_usage_and_skips_a_right_the_policy_leaves_free(
    session, user
) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on="whitelisting", percent=0))
    deal = make_deal(session, user, amount_cents=10_001, usage_perpetual=True, whitelisting_days=1)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert [(x.description, x.unit_cents) for x in data.lines] == [
        (deal.title, 10_001),
        ("Paid usage rights, perpetual (+30% of the agreed amount)", 3_000),  # half a cent up
    ]


def test_a_draft_bills_the_revisions_past_the_limit_at_the_extra_revision_fee(
    session, user
) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on=EXTRA_REVISION, percent=15))
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=1)
    over, within = make_deliverable(session, user, deal), make_deliverable(session, user, deal)
    over.revisions_used, within.revisions_used = 3, 1
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert [(x.quantity, x.unit_cents) for x in data.lines[:2]] == [(1, 45_000), (1, 45_000)]
    assert data.lines[2:] == [
        invoices.LineData(f"Extra revision 2 on {over.title}", 1, 13_500),
        invoices.LineData(f"Extra revision 3 on {over.title}", 1, 13_500),
    ]
    assert make_invoice(session, user, deal).total_cents == 90_000 + 2 * 13_500


def test_many_extra_revisions_are_one_line_with_their_number(session, user) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on=EXTRA_REVISION, percent=10))
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=0)
    first, second = make_deliverable(session, user, deal), make_deliverable(session, user, deal)
    first.revisions_used, second.revisions_used = 3, 2
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert len(data.lines) <= invoices.LINE_ROWS
    assert data.lines[-1] == invoices.LineData("Extra revisions (none included per deliverable)",
                                               5, 9_000)  # fmt: skip


def test_an_extra_revision_line_fits_with_the_longest_title(session, user) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on=EXTRA_REVISION, percent=10))
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=0)
    make_deliverable(session, user, deal, title="t" * 200).revisions_used = 1
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    line = data.lines[-1]
    assert line.description.startswith("Extra revision 1 on ttt") and line.unit_cents == 9_000
    assert len(line.description) == invoices.DESCRIPTION_MAX and line.description.endswith("…")
    invoices.check_invoice(data, TODAY)  # the draft as offered saves


def test_revisions_past_the_limit_without_a_fee_add_no_line(session, user) -> None:
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=0)
    make_deliverable(session, user, deal).revisions_used = 2
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert [x.unit_cents for x in data.lines] == [90_000]


def test_the_extra_lines_leave_the_deliverables_fewer_rows(session, user) -> None:
    deal = make_deal(
        session,
        user,
        amount_cents=100_000,
        usage_days=30,
        exclusivity_days=30,
        exclusivity_category="skincare",
    )
    for i in range(9):
        make_deliverable(session, user, deal, title=f"Video {i}")
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert len(data.lines) == invoices.LINE_ROWS - 2
    assert [x.description for x in data.lines[5:]] == [
        "4 more deliverables",
        "Paid usage rights, 30 days (+30% of the agreed amount)",
        "Exclusivity, 30 days (+20% of the agreed amount)",
    ]
    assert sum(x.unit_cents for x in data.lines[:6]) == 100_000


def test_the_deposit_invoice_bills_only_the_deposit(session, user) -> None:
    deal = make_deal(
        session, user, amount_cents=90_000, usage_days=30, payment_terms=PaymentTerms.HALF_UPFRONT
    )
    data, deposit = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert deposit and [x.unit_cents for x in data.lines] == [45_000]


def test_half_upfront_bills_the_deposit_first_then_the_rest(session, user) -> None:
    deal = make_deal(
        session,
        user,
        amount_cents=90_000,
        deposit_cents=45_000,
        payment_terms=PaymentTerms.HALF_UPFRONT,
    )
    deposit = make_invoice(session, user, deal)
    assert deposit.is_deposit and deposit.total_cents == 45_000
    assert deposit.due_on == deposit.issue_on
    rest = make_invoice(session, user, deal)
    assert not rest.is_deposit and rest.total_cents == 45_000


def test_a_gifted_deal_has_nothing_to_invoice(session, user) -> None:
    deal = make_deal(session, user, kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=5_000)
    data = invoices.InvoiceData(TODAY, TODAY, [invoices.LineData("Product", 1, 5_000)])
    with pytest.raises(InvoiceError, match="Gifted deals are not invoiced"):
        invoices.create_invoice(session, user, deal, data, TODAY)


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        (invoices.LineData("", 1, 100), "line0_description", "Say what"),
        (invoices.LineData("Video", 0, 100), "line0_quantity", "1 to"),
        (invoices.LineData("Video", 1, -1), "line0_unit", "0 to 10 million"),
        (invoices.LineData("Video", 1, 0), "line0_unit", "comes to 0"),
        (invoices.LineData("Video", 10_000, 10**9), "line0_unit", "over 10 million"),
    ],
)
def test_a_bad_line_is_refused_beside_its_field(session, user, line, field, problem) -> None:
    deal = make_deal(session, user)
    data = invoices.InvoiceData(TODAY, TODAY, [line])
    with pytest.raises(InvoiceError) as refused:
        invoices.create_invoice(session, user, deal, data, TODAY)
    assert (refused.value.field, problem in refused.value.message) == (field, True)


def test_a_due_date_before_the_issue_date_is_refused(session, user) -> None:
    deal = make_deal(session, user)
    data = invoices.InvoiceData(TODAY, TODAY - timedelta(days=1), [invoices.LineData("V", 1, 1)])
    with pytest.raises(InvoiceError) as refused:
        invoices.create_invoice(session, user, deal, data, TODAY)
    assert refused.value.field == "due_on"


def test_marking_paid_records_the_income_once(session, user) -> None:
    deal = make_deal(session, user, kind=DealKind.UGC, amount_cents=60_000)
    invoice = make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=5))
    assert _paid(session, user, invoice, paid_on=TODAY - timedelta(days=1))
    entry = session.get(IncomeEntry, invoice.income_entry_id)
    assert (entry.amount_cents, entry.stream, entry.status) == (60_000, "ugc", IncomeStatus.PAID)
    assert (entry.paid_on, entry.brand_id) == (TODAY - timedelta(days=1), deal.brand_id)
    assert invoice.status is InvoiceStatus.PAID
    assert not _paid(session, user, invoice)
    assert _income_count(session, user) == 1


def test_a_sponsored_deals_income_is_brand_income(session, user) -> None:
    invoice = make_invoice(session, user, make_deal(session, user, kind=DealKind.SPONSORED_POST))
    _paid(session, user, invoice)
    assert session.get(IncomeEntry, invoice.income_entry_id).stream == "brand"


def test_a_paid_date_in_the_future_is_refused(session, user) -> None:
    invoice = make_invoice(session, user)
    with pytest.raises(InvoiceError) as refused:
        invoices.mark_paid(
            session, user, invoice, TODAY + timedelta(days=1), TODAY, installed_market()
        )
    assert refused.value.field == "paid_on"


def test_voiding_a_paid_invoice_deletes_its_income(session, user) -> None:
    invoice = make_invoice(session, user)
    _paid(session, user, invoice)
    entry_id = invoice.income_entry_id
    assert invoices.void_invoice(session, invoice)
    session.commit()
    assert session.get(IncomeEntry, entry_id) is None
    assert (invoice.status, invoice.paid_on, invoice.income_entry_id) == (
        InvoiceStatus.VOID,
        None,
        None,
    )
    with pytest.raises(InvoiceError, match="void"):
        _paid(session, user, invoice)


def test_sending_freezes_the_creators_details(session, user) -> None:
    invoices.save_settings(
        session, user, invoices.SettingsData(business_name="Maya Makes", tax_id="DE123")
    )
    invoice = make_invoice(session, user)
    assert invoices.mark_sent(session, invoice)
    invoices.save_settings(session, user, invoices.SettingsData(business_name="Renamed"))
    assert invoice.seller_details == "Maya Makes\nTax ID: DE123"
    assert not invoices.mark_sent(session, invoice)


def test_only_sent_invoices_past_due_are_overdue(session, user) -> None:
    deal = make_deal(session, user, payment_terms=PaymentTerms.NET_15)
    late = make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=20))
    make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=20))  # a draft
    soon = make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=10))
    for sent in (late, soon):
        invoices.mark_sent(session, sent)
    session.commit()
    assert [i.id for i in invoices.overdue(session, user.id, TODAY)] == [late.id]
    assert late.is_overdue(TODAY) and not soon.is_overdue(TODAY)


def test_a_lines_description_limit_is_its_columns() -> None:
    from crm.deals.invoice_models import InvoiceLine

    assert InvoiceLine.__table__.c.description.type.length == invoices.DESCRIPTION_MAX


def test_an_invoice_is_never_made_on_another_creators_deal(session, user, other_user) -> None:
    theirs = make_deal(session, other_user)
    make_deliverable(session, other_user, theirs)
    session.refresh(theirs)
    data, _deposit = invoice_drafts.draft_for(session, theirs, TODAY, installed_market())
    with pytest.raises(invoices.InvoiceError):
        invoices.create_invoice(session, user, theirs, data, TODAY)
