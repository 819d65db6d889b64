"""Factories for the deals area; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand
from crm.deals import invoice_drafts, invoices, services
from crm.deals.invoice_models import Invoice
from crm.deals.models import Deal, DealKind, Deliverable, DeliverableType
from crm.market.seed import installed_market
from tests.factories_brands import make_brand

_counter = itertools.count(1)
# The creator's "today" in these tests, unless a test says otherwise.
TODAY = date(2026, 3, 2)


def make_deal(session: Session, owner: User, brand: Brand | None = None, **overrides: Any) -> Deal:
    """A deal saved through the service (its checks and timeline line the real ones)."""
    brand = brand or make_brand(session, owner)
    values: dict[str, Any] = {
        "brand_id": brand.id,
        "title": f"Three UGC videos {next(_counter)}",
        "kind": DealKind.UGC,
        "amount_cents": 90_000,
        "currency": "USD",
    }
    values.update(overrides)
    today = values.pop("today", TODAY)
    deal = services.save_deal(session, owner, None, services.DealData(**values), today)
    session.commit()
    return deal


def make_deliverable(
    session: Session, owner: User, deal: Deal | None = None, **overrides: Any
) -> Deliverable:
    """A deliverable saved through the service, on `deal` (a new deal when not given)."""
    deal = deal or make_deal(session, owner)
    values: dict[str, Any] = {
        "title": f"Video {next(_counter)}",
        "type": DeliverableType.UGC_VIDEO,
        "due_on": date(2026, 3, 10),
    }
    values.update(overrides)
    today = values.pop("today", TODAY)
    deliverable = services.save_deliverable(
        session, owner, deal, None, services.DeliverableData(**values), today
    )
    session.commit()
    return deliverable


def make_invoice(
    session: Session, owner: User, deal: Deal | None = None, **overrides: Any
) -> Invoice:
    """A draft invoice on `deal` (a new deal when not given) with the lines its deal gives."""
    deal = deal or make_deal(session, owner)
    today = overrides.pop("today", TODAY)
    data, _deposit = invoice_drafts.draft_for(
        session, deal, overrides.pop("issue_on", today), installed_market()
    )
    values = {**data.__dict__, **overrides}
    invoice = invoices.create_invoice(session, owner, deal, invoices.InvoiceData(**values), today)
    session.commit()
    return invoice


ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {
    "deal_id": make_deal,
    "deliverable_id": make_deliverable,
    "invoice_id": make_invoice,
}
