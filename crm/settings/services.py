"""What the settings page says about each area, read in one query whatever the account holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.add_on_policy.models import AddOnUplift
from crm.deals.calendar_models import CalendarFeed
from crm.deals.invoice_models import NUMBER_FORMAT_DEFAULT, InvoiceSettings
from crm.deals.invoice_numbers import format_number
from crm.emails.models import PitchEmailTemplate
from crm.kit.models import MediaKit
from crm.ownership import owned


@dataclass(frozen=True)
class Overview:
    """The state of each settings area that is not on the creator's own row."""

    kit_on: bool
    kit_slug: str | None
    next_invoice_number: str
    business_name: str
    has_calendar_feed: bool
    own_add_ons: int
    own_templates: int


def overview(session: Session, owner_id: int, year: int) -> Overview:
    """One SELECT of scalar subqueries: each area's row is looked up by its owner index."""
    row = session.execute(
        select(
            owned(MediaKit, owner_id, MediaKit.enabled).scalar_subquery(),
            owned(MediaKit, owner_id, MediaKit.slug).scalar_subquery(),
            owned(InvoiceSettings, owner_id, InvoiceSettings.number_format).scalar_subquery(),
            owned(InvoiceSettings, owner_id, InvoiceSettings.next_seq).scalar_subquery(),
            owned(InvoiceSettings, owner_id, InvoiceSettings.business_name).scalar_subquery(),
            select(CalendarFeed.id).where(CalendarFeed.owner_id == owner_id).exists(),
            owned(AddOnUplift, owner_id, func.count()).scalar_subquery(),
            owned(PitchEmailTemplate, owner_id, func.count()).scalar_subquery(),
        )
    ).one()
    kit_on, slug, number_format, next_seq, business, feed, add_ons, templates = row
    return Overview(
        kit_on=bool(kit_on) and bool(slug),
        kit_slug=slug,
        next_invoice_number=format_number(
            number_format or NUMBER_FORMAT_DEFAULT, year, next_seq or 1
        ),
        business_name=business or "",
        has_calendar_feed=bool(feed),
        own_add_ons=add_ons or 0,
        own_templates=templates or 0,
    )
