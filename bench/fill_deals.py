"""The deals side of a filled account: deals, deliverables, invoices and retainer months.

About one deal per ten brands, spread over the two years of history and made newest-last
(ids grow with time, as the app's do): old deals delivered and paid with their rights
windows ended, recent ones active with deliverables due this week, overdue or coming up,
a few windows ending within the next 14 days, invoices on about two thirds of the deals
numbered from the creator's own sequence. Rows are plain dicts for bench/tables.py.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.fill_invoices import (
    invoice_lines,
    invoice_row,
    invoice_settings,
    number_invoices,
    paid_after,
)
from bench.tables import (
    Ids,
    add_deals,
    add_deliverables,
    add_invoice_lines,
    add_invoice_settings,
    add_invoices,
    add_retainer_months,
)
from crm.deals.invoice_models import InvoiceStatus
from crm.deals.invoices import due_for
from crm.deals.models import (
    DealKind,
    DealStatus,
    DeliverableStatus,
    DeliverableType,
    PaymentTerms,
)
from crm.deals.retainers import month_end

DEAL_KINDS = {
    DealKind.UGC: 50,
    DealKind.SPONSORED_POST: 14,
    DealKind.AFFILIATE: 12,
    DealKind.RETAINER: 6,
    DealKind.GIFTED: 18,
}
TERMS = {
    PaymentTerms.ON_DELIVERY: 25,
    PaymentTerms.NET_15: 20,
    PaymentTerms.NET_30: 35,
    PaymentTerms.NET_60: 10,
    PaymentTerms.HALF_UPFRONT: 10,
}
# A deal's status by its age: recent ones are being worked on, old ones paid (a few stale).
ACTIVE, DELIVERED, PAID, CANCELLED = (
    DealStatus.ACTIVE,
    DealStatus.DELIVERED,
    DealStatus.PAID,
    DealStatus.CANCELLED,
)
STATUS_BY_AGE = (
    (45, {ACTIVE: 85, DELIVERED: 10, CANCELLED: 5}),
    (120, {ACTIVE: 20, DELIVERED: 30, PAID: 45, CANCELLED: 5}),
    (10_000, {PAID: 80, DELIVERED: 5, CANCELLED: 10, ACTIVE: 5}),
)
WORK_STATUSES = [s for s in DeliverableStatus if s is not DeliverableStatus.POSTED]
TYPES_BY_KIND = {
    DealKind.SPONSORED_POST: [DeliverableType.SPONSORED_POST, DeliverableType.STORY],
    DealKind.AFFILIATE: [DeliverableType.UGC_VIDEO, DeliverableType.LIVE_MENTION],
}
CHANNELS = ["TikTok", "TikTok, Instagram", "TikTok, Meta ads", ""]


def _status_for(rng: random.Random, age_days: float) -> DealStatus:
    for most, table in STATUS_BY_AGE:
        if age_days < most:
            return rng.choices(list(table), weights=list(table.values()))[0]
    raise AssertionError("every age has a status table")


@dataclass
class DealRows:
    """Every row of one creator's deals, and the ids the benchmark's pages open."""

    deals: list[dict[str, Any]] = field(default_factory=list)
    deliverables: list[dict[str, Any]] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    months: list[dict[str, Any]] = field(default_factory=list)
    next_seq: int = 1  # the creator's next invoice number


class DealFiller:
    """Deals for one creator; `now`, the seed and the brands make every run the same."""

    def __init__(self, owner_id: int, seed: int, now: datetime, categories: list[str]) -> None:
        self.owner_id = owner_id
        self.rng = random.Random(seed * 7_919 + 11)
        self.now = now
        self.today = now.date()
        self.categories = categories

    def fill(
        self,
        ids: Ids,
        brands: list[dict[str, Any]],
        won: list[dict[str, Any]],
        primary: dict[int, int],
        count: int,
    ) -> DealRows:
        """`count` deals (the won pitches' first), oldest first, with all that hangs off them."""
        rows = DealRows()
        ages = sorted((self.rng.uniform(0, 730) for _ in range(count)), reverse=True)
        sources = [(p["brand_id"], p["id"]) for p in won[:count]]
        sources += [(self.rng.choice(brands)["id"], None) for _ in range(count - len(sources))]
        self.rng.shuffle(sources)
        names = {brand["id"]: brand["name"] for brand in brands}
        for age, (brand_id, pitch_id) in zip(ages, sources, strict=True):
            deal = self.deal(ids, brand_id, names[brand_id], pitch_id, primary, age)
            rows.deals.append(deal)
            if deal["kind"] is DealKind.RETAINER:
                self.retainer_months(ids, rows, deal)
                continue
            posted = self.posted_on(deal, age)
            self.rights(deal, posted, age)
            self.deliverables(ids, rows, deal, posted)
            if deal["amount_cents"] and self.rng.random() < 0.8:
                self.invoice(ids, rows, deal, posted)
        rows.next_seq = number_invoices(rows.invoices)
        return rows

    def deal(
        self,
        ids: Ids,
        brand_id: int,
        brand_name: str,
        pitch_id: int | None,
        primary: dict[int, int],
        age: float,
    ) -> dict[str, Any]:
        rng = self.rng
        kind = rng.choices(list(DEAL_KINDS), weights=list(DEAL_KINDS.values()))[0]
        terms = rng.choices(list(TERMS), weights=list(TERMS.values()))[0]
        created = self.now - timedelta(days=age, seconds=rng.randrange(86_400))
        amount = 0 if kind is DealKind.GIFTED else rng.randrange(15, 250) * 1_000
        gifted = rng.randrange(3, 30) * 1_000 if kind is DealKind.GIFTED else 0
        return {
            "id": ids.take("deals"),
            "owner_id": self.owner_id,
            "brand_id": brand_id,
            "contact_id": primary.get(brand_id),
            "pitch_id": pitch_id,
            "kind": kind,
            "title": f"{kind.label} for {brand_name}"[:200],
            "amount_cents": amount,
            "currency": "USD" if rng.random() < 0.9 else "EUR",
            "gifted_value_cents": gifted,
            "payment_terms": terms,
            "deposit_cents": (amount + 1) // 2 if terms is PaymentTerms.HALF_UPFRONT else 0,
            "revision_limit": rng.randrange(1, 4),
            "notes": "Brief in the shared folder." if rng.random() < 0.3 else "",
            "status": _status_for(rng, age),
            "videos_per_month": None,
            "start_month": None,
            "cancelled_on": None,
            "usage_days": None,
            "usage_perpetual": False,
            "usage_channels": "",
            "usage_start": None,
            "whitelisting_days": None,
            "whitelisting_start": None,
            "exclusivity_category": "",
            "exclusivity_days": None,
            "exclusivity_start": None,
            "creation_token": None,
            "created_at": created,
            "updated_at": created,
        }

    def posted_on(self, deal: dict[str, Any], age: float) -> date | None:
        """The day the content went up: 1-5 weeks after the deal; none for active or
        cancelled work not up yet."""
        posted = deal["created_at"].date() + timedelta(days=self.rng.randrange(7, 35))
        if deal["status"] in (DealStatus.DELIVERED, DealStatus.PAID):
            return min(posted, self.today)
        if deal["status"] is DealStatus.ACTIVE and posted <= self.today and age > 60:
            return posted if self.rng.random() < 0.3 else None
        return None

    def rights(self, deal: dict[str, Any], posted: date | None, age: float) -> None:
        """Usage, whitelisting and exclusivity windows from the post day (most long ended); a
        few recent deals' usage ends within the next 14 days: the renewals to sell."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            deal["usage_days"] = rng.choice((30, 60, 90, 180))
            deal["usage_channels"] = rng.choice(CHANNELS)
        elif roll < 0.65:
            deal["usage_perpetual"] = True
        if rng.random() < 0.25:
            deal["whitelisting_days"] = rng.choice((14, 30, 60))
            deal["whitelisting_start"] = posted
        if rng.random() < 0.2:
            deal["exclusivity_days"] = rng.choice((30, 60, 90))
            deal["exclusivity_category"] = rng.choice(self.categories)
            deal["exclusivity_start"] = posted
        if deal["usage_days"] or deal["usage_perpetual"]:
            deal["usage_start"] = posted
        if deal["usage_days"] and posted is not None and age < 150 and rng.random() < 0.15:
            # Ends 0-13 days from today (a window's first day counts as its day 1).
            ends = self.today + timedelta(days=rng.randrange(14))
            deal["usage_start"] = ends - timedelta(days=deal["usage_days"] - 1)

    def deliverables(
        self, ids: Ids, rows: DealRows, deal: dict[str, Any], posted: date | None
    ) -> None:
        """2-4 pieces of work; all posted once the deal's content is up, else in progress."""
        rng = self.rng
        due = deal["created_at"].date() + timedelta(days=rng.randrange(5, 25))
        types = TYPES_BY_KIND.get(deal["kind"], [DeliverableType.UGC_VIDEO])
        for position in range(rng.randrange(2, 5)):
            status = DeliverableStatus.POSTED if posted else rng.choice(WORK_STATUSES)
            if deal["status"] is DealStatus.CANCELLED:
                status = rng.choice(WORK_STATUSES[:3])
            rows.deliverables.append(
                self.deliverable(ids, deal, position, rng.choice(types), status, due, posted)
            )
            due += timedelta(days=rng.randrange(0, 8))

    def deliverable(
        self,
        ids: Ids,
        deal: dict[str, Any],
        position: int,
        kind: DeliverableType,
        status: DeliverableStatus,
        due: date | None,
        posted: date | None,
    ) -> dict[str, Any]:
        number = ids.take("deliverables")
        submitted = WORK_STATUSES.index(status) >= 4 if status in WORK_STATUSES else True
        is_posted = status is DeliverableStatus.POSTED
        return {
            "id": number,
            "owner_id": self.owner_id,
            "deal_id": deal["id"],
            "type": kind,
            "title": f"{kind.label} {position + 1}",
            "brief": "Hook in the first two seconds; show the product in use." if position else "",
            "due_on": due,
            "status": status,
            "revisions_used": self.rng.randrange(deal["revision_limit"] + 1) if submitted else 0,
            "draft_url": f"https://drive.example.com/d/{number}" if submitted else "",
            "live_url": f"https://www.tiktok.com/@me/video/{8_100_000 + number}"
            if is_posted
            else "",
            "posted_on": posted if is_posted else None,
            "position": position,
            "creation_token": None,
            "created_at": deal["created_at"],
            "updated_at": deal["created_at"],
        }

    def invoice(
        self, ids: Ids, rows: DealRows, deal: dict[str, Any], posted: date | None
    ) -> dict[str, Any]:
        """The deal's invoice, as far along as the deal is, with 1-3 lines summing to it."""
        rng = self.rng
        issue = posted or deal["created_at"].date() + timedelta(days=rng.randrange(2, 15))
        issue = min(issue, self.today)
        status = {
            DealStatus.PAID: InvoiceStatus.PAID,
            DealStatus.CANCELLED: InvoiceStatus.VOID,
            DealStatus.DELIVERED: InvoiceStatus.SENT
            if rng.random() < 0.85
            else InvoiceStatus.DRAFT,
        }.get(deal["status"], InvoiceStatus.SENT if rng.random() < 0.4 else InvoiceStatus.DRAFT)
        invoice = invoice_row(ids, deal, issue, status, paid_after(issue, rng, self.today))
        rows.invoices.append(invoice)
        rows.lines.extend(invoice_lines(ids, invoice["id"], deal, rng.randrange(1, 4)))
        return invoice

    def retainer_months(self, ids: Ids, rows: DealRows, deal: dict[str, Any]) -> None:
        """A retainer: 1-6 months rolled from its start, each with its videos and invoice."""
        rng = self.rng
        start = deal["created_at"].date().replace(day=1)
        this_month = self.today.replace(day=1)
        deal.update(
            videos_per_month=rng.randrange(2, 4),
            start_month=start,
            payment_terms=PaymentTerms.NET_30,
            deposit_cents=0,
        )
        month, months = start, rng.randrange(1, 7)
        for _ in range(months):
            if month > this_month:
                break
            self.retainer_month(ids, rows, deal, month)
            month = month_end(month) + timedelta(days=1)
        if month <= this_month:  # stopped before today: cancelled at its last month's end
            deal.update(status=DealStatus.CANCELLED, cancelled_on=month - timedelta(days=1))
        else:
            deal["status"] = DealStatus.ACTIVE

    def retainer_month(self, ids: Ids, rows: DealRows, deal: dict[str, Any], month: date) -> None:
        last = month_end(month)
        over = last < self.today
        for n in range(deal["videos_per_month"]):
            status = DeliverableStatus.POSTED if over else self.rng.choice(WORK_STATUSES)
            due = month + timedelta(days=7 * n + 6)
            posted = min(due, self.today) if over else None
            rows.deliverables.append(
                self.deliverable(ids, deal, n, DeliverableType.UGC_VIDEO, status, due, posted)
            )
        # Billed on the 1st, net 30: paid a week past due, else still out (maybe overdue).
        due = due_for(deal["payment_terms"], month)
        status = InvoiceStatus.PAID if due < self.today - timedelta(days=7) else InvoiceStatus.SENT
        invoice = invoice_row(ids, deal, month, status, paid_after(month, self.rng, self.today))
        rows.invoices.append(invoice)
        rows.lines.extend(invoice_lines(ids, invoice["id"], deal, 1))
        rows.months.append(
            {
                "id": ids.take("retainer_months"),
                "owner_id": self.owner_id,
                "deal_id": deal["id"],
                "month": month,
                "invoice_id": invoice["id"],
                "created_at": datetime.combine(month, self.now.timetz()),
            }
        )


def fill_deals(
    connection: sa.Connection,
    ids: Ids,
    who: tuple[int, int, datetime, list[str]],
    brands: list[dict[str, Any]],
    won: list[dict[str, Any]],
    primary: dict[int, int],
    count: int,
) -> tuple[int, int]:
    """`count` deals (about one brand in ten) and what hangs off them, for the creator `who`
    (owner id, seed, now, categories); returns the ids the deal and invoice pages open."""
    owner_id, seed, now, categories = who
    rows = DealFiller(owner_id, seed, now, categories).fill(ids, brands, won, primary, count)
    add_deals(connection, rows.deals)
    add_deliverables(connection, rows.deliverables)
    add_invoices(connection, rows.invoices)
    add_invoice_lines(connection, rows.lines)
    add_retainer_months(connection, rows.months)
    add_invoice_settings(connection, [invoice_settings(owner_id, rows.next_seq, now)])
    return measured_deal(rows), measured_invoice(rows)


def _middle(rows: list[dict[str, Any]], *wanted: list[dict[str, Any]]) -> dict[str, Any]:
    """The middle row of the first non-empty choice (a typical one, at every size)."""
    found = next((choice for choice in wanted if choice), rows)
    return found[len(found) // 2]


def measured_deal(rows: DealRows) -> int:
    """An active deal with an invoice (the deal page at its fullest), else any active one."""
    invoiced = {invoice["deal_id"] for invoice in rows.invoices}
    active = [d for d in rows.deals if d["status"] is DealStatus.ACTIVE]
    return _middle(rows.deals, [d for d in active if d["id"] in invoiced], active)["id"]


def measured_invoice(rows: DealRows) -> int:
    """A sent invoice (the page with its send and paid forms), else any."""
    sent = [i for i in rows.invoices if i["status"] is InvoiceStatus.SENT]
    return _middle(rows.invoices, sent)["id"]
