"""The dashboard's invoices outstanding and overdue and rights ending soon, on fixed dates."""

from __future__ import annotations

from datetime import date, timedelta

from crm.database import utcnow
from crm.deals import invoices as invoice_services
from crm.deals.dashboard_counts import deal_numbers
from crm.deals.models import DealKind, DealStatus
from crm.deals.rights_rows import rights_page
from tests.factories_deals import make_deal, make_invoice

TODAY = date(2026, 3, 2)


def _sent(session, user, deal, issue_on: date, due_on: date):
    invoice = make_invoice(session, user, deal, issue_on=issue_on, due_on=due_on, today=TODAY)
    invoice_services.mark_sent(session, invoice)
    session.commit()
    return invoice


def test_invoices_outstanding_and_overdue_per_currency(session, user, other_user) -> None:
    deal = make_deal(session, user, amount_cents=90_000)
    euros = make_deal(session, user, amount_cents=40_000, currency="EUR")
    _sent(session, user, deal, date(2026, 2, 1), date(2026, 3, 1))  # overdue since today
    _sent(session, user, deal, date(2026, 2, 20), TODAY)  # due today: not late yet
    _sent(session, user, euros, date(2026, 1, 1), date(2026, 1, 31))  # overdue
    make_invoice(session, user, deal, today=TODAY)  # a draft: not sent, not owed
    paid = _sent(session, user, deal, date(2026, 2, 1), date(2026, 2, 15))
    void = _sent(session, user, deal, date(2026, 2, 1), date(2026, 2, 15))
    from crm.market.current import market

    invoice_services.mark_paid(session, user, paid, TODAY, TODAY, market())
    invoice_services.void_invoice(session, void)
    _sent(session, other_user, make_deal(session, other_user), date(2026, 2, 1), date(2026, 2, 2))
    session.commit()

    numbers = deal_numbers(session, user.id, TODAY)
    by_currency = {row.currency: row for row in numbers.invoices}
    assert set(by_currency) == {"EUR", "USD"}
    usd, eur = by_currency["USD"], by_currency["EUR"]
    assert (usd.outstanding_count, usd.outstanding_cents) == (2, 180_000)
    assert (usd.overdue_count, usd.overdue_cents) == (1, 90_000)
    assert (eur.outstanding_count, eur.outstanding_cents, eur.overdue_count) == (1, 40_000, 1)
    assert (numbers.outstanding_count, numbers.overdue_count) == (3, 2)
    # The dashboard's "due" card: the outstanding not overdue (the overdue card has those).
    assert (numbers.not_due_count, usd.not_due_cents, eur.not_due_count) == (1, 90_000, 0)


def test_an_invoice_of_several_lines_counts_once_at_its_total(session, user) -> None:
    from tests.factories_deals import make_deliverable

    deal = make_deal(session, user, amount_cents=90_001)
    for _ in range(3):
        make_deliverable(session, user, deal)
    _sent(session, user, deal, date(2026, 2, 1), date(2026, 2, 10))
    [row] = deal_numbers(session, user.id, TODAY).invoices
    assert (row.outstanding_count, row.outstanding_cents) == (1, 90_001)
    assert (row.overdue_count, row.overdue_cents) == (1, 90_001)


def test_rights_ending_within_14_days_on_fixed_dates(session, user, other_user) -> None:
    def usage(start: date, days: int, **more):
        return make_deal(session, user, usage_days=days, usage_start=start, today=TODAY, **more)

    usage(TODAY, 1)  # ends today: counted
    usage(date(2026, 3, 1), 15)  # ends Mar 15, the 14th day counting today: counted
    usage(date(2026, 3, 1), 16)  # ends Mar 16: not yet
    usage(date(2026, 2, 1), 29)  # ended Mar 1
    usage(date(2026, 2, 20), 20, status=DealStatus.CANCELLED)  # cancelled: no rights
    make_deal(session, user, usage_perpetual=True, usage_start=date(2026, 1, 1))
    make_deal(session, user, usage_days=5)  # not posted: no start, no end
    make_deal(
        session,
        user,
        kind=DealKind.SPONSORED_POST,
        whitelisting_days=10,
        whitelisting_start=date(2026, 2, 25),  # ends Mar 6: counted
        exclusivity_category="Skincare",
        exclusivity_days=90,
        exclusivity_start=date(2026, 2, 25),  # ends May 25
        usage_days=7,
        usage_start=date(2026, 3, 2),  # ends Mar 8: counted
    )
    make_deal(session, other_user, usage_days=1, usage_start=TODAY)
    assert deal_numbers(session, user.id, TODAY).rights_ending_soon == 4
    # The same windows the rights page flags.
    assert len(rights_page(session, user.id, TODAY, None, 25).ending_soon) == 4
    # Two weeks on, only the 16 days from Mar 1 end in the next 14 days (on Mar 16).
    assert deal_numbers(session, user.id, date(2026, 3, 16)).rights_ending_soon == 1
    # The exclusivity's last fortnight: May 12 to its end on May 25.
    assert deal_numbers(session, user.id, date(2026, 5, 12)).rights_ending_soon == 1
    assert deal_numbers(session, user.id, date(2026, 5, 11)).rights_ending_soon == 0


def test_the_dashboard_shows_them_with_one_query_more(
    logged_in, session, user, count_queries
) -> None:
    today = utcnow().date()
    logged_in.get("/dashboard")
    with count_queries() as before:
        page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "nothing ending in the next 14 days" in page and "no sent invoice waiting" in page
    deal = make_deal(session, user, amount_cents=50_000, today=today)
    for issued, due in ((40, 10), (2, -20)):
        invoice = make_invoice(
            session, user, deal, issue_on=today - timedelta(days=issued),
            due_on=today - timedelta(days=due), today=today,
        )  # fmt: skip
        invoice_services.mark_sent(session, invoice)
    make_deal(session, user, usage_days=10, usage_start=today - timedelta(days=3), today=today)
    session.commit()
    with count_queries() as after:
        page = logged_in.get("/dashboard").get_data(as_text=True)
    assert len(after) == len(before)
    # The totals are the invoices' kept lines totals: no line is read (migration 0038).
    assert not [statement for statement in after if "invoice_lines" in statement]
    assert sum("lines_total_cents" in statement for statement in after) == 1
    # One not due yet, one overdue: each on its own card, neither counted twice.
    due = page.index("Invoices due")
    assert '<p class="value">1</p>' in page[due : due + 200]
    assert "1 invoice sent, due later: $500" in page
    overdue = page.index("Overdue invoices")
    assert '<p class="value">1</p>' in page[overdue : overdue + 200]
    assert "1 invoice overdue, $500: chase them" in page
    rights = page.index("Rights ending soon")
    assert '<p class="value">1</p>' in page[rights : rights + 200]
    assert 'href="/deals/rights"' in page[rights - 200 : rights]
