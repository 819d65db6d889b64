"""Exclusivity conflicts: another deal's running exclusivity covers a brand's product category.

Checked before a deal or a pitch is saved with a brand, so the creator sees which deal
and until when, and decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.brands.models import Brand
from crm.deals.models import Deal, DealStatus
from crm.deals.rights import window_end
from crm.ownership import owned


@dataclass(frozen=True)
class Conflict:
    """A deal whose exclusivity covers the category today, and its last day."""

    deal_id: int
    title: str
    brand_name: str
    category: str
    ends_on: date


def exclusivity_conflicts(
    session: Session,
    owner_id: int,
    category: str,
    today: date,
    exclude_deal_id: int | None = None,
    *,
    exclude_brand_id: int | None = None,
) -> list[Conflict]:
    """The creator's deals with an exclusivity in `category` running on `today`, soonest end first.

    A window runs from its start through its end day (inclusive); one not started yet
    (the content is not posted) and a cancelled deal's bind nothing. `exclude_brand_id`
    leaves out that brand's own deals: working again with the same brand is no conflict.
    """
    wanted = category.strip().casefold()
    if not wanted:
        return []
    columns = (
        Deal.id,
        Deal.title,
        Brand.name,
        Deal.exclusivity_category,
        Deal.exclusivity_start,
        Deal.exclusivity_days,
    )
    statement = (
        owned(Deal, owner_id, *columns)
        .join(Brand, Brand.id == Deal.brand_id)
        .where(
            Deal.status != DealStatus.CANCELLED,
            Deal.exclusivity_days.is_not(None),
            Deal.exclusivity_start.is_not(None),
            Deal.exclusivity_start <= today,
            func.lower(func.trim(Deal.exclusivity_category)) == wanted,
        )
        .order_by(Deal.id)
    )
    if exclude_deal_id is not None:
        statement = statement.where(Deal.id != exclude_deal_id)
    if exclude_brand_id is not None:
        statement = statement.where(Deal.brand_id != exclude_brand_id)
    found = []
    for deal_id, title, brand_name, covered, start, days in session.execute(statement):
        end = window_end(start, days)
        if end is not None and today <= end:
            found.append(Conflict(deal_id, title, brand_name, covered, end))
    return sorted(found, key=lambda c: (c.ends_on, c.deal_id))
