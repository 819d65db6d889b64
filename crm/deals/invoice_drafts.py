"""A new invoice's draft from its deal: the deposit of a 50% upfront deal, else the deal's
amount over its deliverables, a line per right the add-on policy prices, the extra revisions.

The creator edits the draft on the invoice form; crm.deals.invoices checks and saves it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crm.add_on_policy.services import add_on_policy
from crm.deals import pricing
from crm.deals.invoices import (
    DESCRIPTION_MAX,
    LINE_ROWS,
    InvoiceData,
    LineData,
    billing_details,
    due_for,
    has_deposit_invoice,
)
from crm.deals.models import Deal, PaymentTerms
from crm.deals.rights import RightsWindow, windows
from crm.deals.services import extra_revision_fee
from crm.market.facts import Market

# Extra revisions billed a line each on a draft; more are one line (see _extra_revision_lines).
EXTRA_LINES_MOST = 3


def deposit_cents(deal: Deal) -> int:
    """What a 50% upfront deal's deposit invoice asks: the deal's deposit, or half."""
    return deal.deposit_cents or deal.amount_cents // 2


def draft_for(
    session: Session, deal: Deal, issue_on: date, market: Market
) -> tuple[InvoiceData, bool]:
    """A new invoice's values from the deal (and whether it is the deposit invoice).

    A 50% upfront deal's first invoice is its deposit, due on issue; the next bills the
    rest. Otherwise the deal's amount is spread over its deliverables, a line each (the
    first takes the odd cents), the tail merged once the form's rows run out; then a line
    for each right the creator's add-on policy prices (as the deal's page prices them) and
    for each revision asked past the deal's limit, at the extra-revision fee if set
    (_extra_revision_lines).
    """
    deposit = deal.payment_terms is PaymentTerms.HALF_UPFRONT and not has_deposit_invoice(
        session, deal
    )
    if deposit:
        line = LineData(f"Deposit (50% upfront): {deal.title}", 1, deposit_cents(deal))
        return InvoiceData(issue_on, issue_on, [line], billing_details(deal)), True
    amount = deal.amount_cents
    if deal.payment_terms is PaymentTerms.HALF_UPFRONT:
        amount -= deposit_cents(deal)
    extras = [*_add_on_lines(session, deal, market), *_extra_revision_lines(session, deal)]
    lines = [*_lines(deal, amount, LINE_ROWS - 2 - len(extras)), *extras]
    return InvoiceData(
        issue_on, due_for(deal.payment_terms, issue_on), lines, billing_details(deal)
    ), False


def _lines(deal: Deal, amount: int, room: int) -> list[LineData]:
    """The amount over the deliverables in at most `room` lines (at least one)."""
    room = max(room, 1)
    titles = [d.title for d in deal.deliverables] or [deal.title]
    if len(titles) > room:
        rest = len(titles) - (room - 1)
        tail = f"{rest} more deliverables" if room > 1 else f"{rest} deliverables"
        titles = [*titles[: room - 1], tail]
    share, odd = divmod(amount, len(titles))
    return [LineData(t, 1, share + (odd if i == 0 else 0)) for i, t in enumerate(titles)]


def deal_add_ons(session: Session, deal: Deal, market: Market) -> pricing.AddOnPrices:
    """What the creator's add-on policy adds on top of the deal's agreed amount for its
    rights (the deal's page shows the same; a new invoice bills them as lines)."""
    policy = add_on_policy(session, deal.owner_id, market)
    return pricing.add_on_prices(deal.amount_cents, deal, policy.percents)


def _add_on_lines(session: Session, deal: Deal, market: Market) -> list[LineData]:
    """A line per right the deal grants that the creator's add-on policy prices."""
    if not deal.amount_cents:
        return []
    prices = deal_add_ons(session, deal, market)
    granted = {w.kind: w for w in windows(deal)}
    labels = {a.key: a.label for a in market.add_ons}
    return [
        LineData(
            _right_line(labels[pricing.ADD_ON_FOR[p.kind]], granted[p.kind], p.percent), 1, p.cents
        )
        for p in prices.lines
    ]


def _right_line(label: str, window: RightsWindow, percent: int) -> str:
    """'Paid usage rights, 30 days (+30% of the agreed amount)': the percent says why the
    line is there on top of the deal's amount."""
    days = window.days
    span = "perpetual" if window.perpetual or days is None else f"{days} day{'s' * (days != 1)}"
    return f"{label}, {span} (+{percent}% of the agreed amount)"


def _extra_revision_lines(session: Session, deal: Deal) -> list[LineData]:
    """The revisions asked past the deal's limit, at the creator's extra-revision fee (their
    add-on policy on the Rates page; not set: no line, the fee is agreed with the brand).

    Offered as lines when drafting, never written by the revision request itself: the
    request counts the revision on its deliverable (`revisions_used`), and every draft
    reads the count at the fee of the day, so a fee set after the request still bills it
    and nothing is written that an unsaved draft would leave behind. A line each,
    "Extra revision 3 on Unboxing video", up to EXTRA_LINES_MOST; more are one line with
    their number as its quantity, so the form's rows never run out.
    """
    limit = deal.revision_limit
    extra = [
        (number, d.title)
        for d in deal.deliverables
        for number in range(limit + 1, d.revisions_used + 1)
    ]
    fee = extra_revision_fee(session, deal) if extra else None
    if not fee:
        return []
    if len(extra) > EXTRA_LINES_MOST:
        included = f"{limit} included" if limit else "none included"
        return [LineData(f"Extra revisions ({included} per deliverable)", len(extra), fee)]
    return [LineData(_fitted(f"Extra revision {n} on ", title), 1, fee) for n, title in extra]


def _fitted(head: str, title: str) -> str:
    """`head` + `title`, the title shortened (with an ellipsis) to fit a line's description."""
    room = DESCRIPTION_MAX - len(head)
    if len(title) <= room:
        return head + title
    return head + title[: room - 1].rstrip() + "…"
