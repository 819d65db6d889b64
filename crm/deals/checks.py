"""Checking a deal as typed: every field's rule, with its message beside the field.

Pure: plain values in, no session. The services (crm.deals.services) call these, so a
page, the CLI or an import are held to the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from crm import inputs, links, money
from crm.deals.models import (
    VIDEOS_PER_MONTH_MAX,
    WINDOW_DAYS_MAX,
    DealKind,
    DealStatus,
    PaymentTerms,
)
from crm.errors import FieldError

TITLE_MAX = 200
NOTES_MAX = 5_000
BRIEF_MAX = 5_000
CHANNELS_MAX = 200
CATEGORY_MAX = 80
LINK_MAX = 500
# More rounds of changes than this in a contract is a typo.
REVISION_LIMIT_MAX = 50


class DealError(FieldError):
    """A refused deal or deliverable change; `field` names the form field it belongs next to."""


@dataclass(frozen=True)
class DealData:
    """What a deal form says, already typed (money in cents)."""

    brand_id: int
    title: str
    kind: DealKind = DealKind.UGC
    # None: left empty, refused for every kind but gifted (which pays no cash: 0).
    amount_cents: int | None = None
    currency: str = "USD"
    contact_id: int | None = None
    pitch_id: int | None = None
    gifted_value_cents: int = 0
    payment_terms: PaymentTerms = PaymentTerms.ON_DELIVERY
    deposit_cents: int = 0
    revision_limit: int = 2
    notes: str = ""
    status: DealStatus = DealStatus.ACTIVE
    videos_per_month: int | None = None
    start_month: date | None = None
    cancelled_on: date | None = None
    usage_days: int | None = None
    usage_perpetual: bool = False
    usage_channels: str = ""
    usage_start: date | None = None
    whitelisting_days: int | None = None
    whitelisting_start: date | None = None
    exclusivity_category: str = ""
    exclusivity_days: int | None = None
    exclusivity_start: date | None = None


def parse_money(text: str, field: str) -> int:
    """Typed money ('1,250.50') as cents, or a DealError beside `field`."""
    try:
        return money.parse_amount(text)
    except money.MoneyError as error:
        raise DealError(str(error), field=field) from None


def _check_cents(cents: int, field: str) -> None:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise DealError("Enter an amount like 1250 or 1,250.50.", field=field)
    if cents < 0:
        raise DealError("An amount can't be negative.", field=field)
    if cents > money.MAX_CENTS:
        raise DealError("That's over a million: check for an extra digit.", field=field)


def check_text(value: str, most: int, field: str, *, one_line: bool = True) -> None:
    if len(value) > most:
        raise DealError(inputs.too_long_message(most), field=field)
    if one_line and not inputs.is_one_line(value):
        raise DealError(inputs.ONE_LINE_MESSAGE, field=field)


def check_day(value: date | None, today: date, field: str) -> None:
    problem = inputs.date_problem(value, today) if value is not None else None
    if problem:
        raise DealError(problem, field=field)


def _check_amount(data: DealData) -> DealData:
    """An empty amount is refused, except on a gifted deal, where it is the 0 it pays."""
    if data.amount_cents is not None:
        return data
    if data.kind is DealKind.GIFTED:
        return replace(data, amount_cents=0)
    raise DealError("Enter the agreed amount.", field="amount")


def _check_money(data: DealData) -> DealData:
    data = _check_amount(data)
    amount = data.amount_cents or 0
    for cents, field in (
        (amount, "amount"),
        (data.deposit_cents, "deposit"),
        (data.gifted_value_cents, "gifted_value"),
    ):
        _check_cents(cents, field)
    if data.currency not in money.CURRENCIES:
        raise DealError("Pick one of the currencies.", field="currency")
    if data.kind is DealKind.GIFTED and amount:
        raise DealError(
            "A gifted deal pays no cash: enter the product's value instead.", field="amount"
        )
    if data.kind is DealKind.GIFTED and not data.gifted_value_cents:
        raise DealError(
            "Enter what the gifted product is worth: kept in kind, never added to your cash.",
            field="gifted_value",
        )
    if data.deposit_cents > amount:
        raise DealError("The deposit can't be more than the agreed amount.", field="deposit")
    if data.payment_terms is PaymentTerms.HALF_UPFRONT and not data.deposit_cents:
        # Half the amount upfront, the odd cent in the upfront half.
        return replace(data, deposit_cents=(amount + 1) // 2)
    return data


def _check_retainer(data: DealData, today: date) -> DealData:
    if data.kind is not DealKind.RETAINER:
        for field in ("videos_per_month", "start_month", "cancelled_on"):
            if getattr(data, field) is not None:
                raise DealError("Only a retainer has this; clear it.", field=field)
        return data
    videos = data.videos_per_month
    if videos is None or not 1 <= videos <= VIDEOS_PER_MONTH_MAX:
        raise DealError(
            f"Enter how many videos a month, 1 to {VIDEOS_PER_MONTH_MAX}.", field="videos_per_month"
        )
    if data.start_month is None:
        raise DealError("Pick the month the retainer starts.", field="start_month")
    check_day(data.start_month, today, "start_month")
    check_day(data.cancelled_on, today, "cancelled_on")
    start = data.start_month.replace(day=1)
    cancelled = data.cancelled_on
    if cancelled is None and data.status is DealStatus.CANCELLED:
        cancelled = today
    if cancelled is not None and cancelled < start:
        raise DealError("The retainer can't end before the month it starts.", field="cancelled_on")
    return replace(data, start_month=start, cancelled_on=cancelled)


def _check_rights(data: DealData, today: date) -> None:
    if data.usage_perpetual and data.usage_days is not None:
        raise DealError("Perpetual usage has no number of days: clear one.", field="usage_days")
    for prefix in ("usage", "whitelisting", "exclusivity"):
        days = getattr(data, f"{prefix}_days")
        if days is not None and not 1 <= days <= WINDOW_DAYS_MAX:
            raise DealError(f"Enter 1 to {WINDOW_DAYS_MAX:,} days.", field=f"{prefix}_days")
        start = getattr(data, f"{prefix}_start")
        check_day(start, today, f"{prefix}_start")
        granted = days is not None or (prefix == "usage" and data.usage_perpetual)
        if start is not None and not granted:
            raise DealError("Set how long the right lasts first.", field=f"{prefix}_start")
    check_text(data.usage_channels, CHANNELS_MAX, "usage_channels")
    check_text(data.exclusivity_category, CATEGORY_MAX, "exclusivity_category")
    if data.exclusivity_days is not None and not data.exclusivity_category.strip():
        raise DealError(
            "Name the product category the exclusivity covers.", field="exclusivity_category"
        )
    if data.exclusivity_category.strip() and data.exclusivity_days is None:
        raise DealError("Enter how many days the exclusivity lasts.", field="exclusivity_days")


def check_deal(data: DealData, today: date) -> DealData:
    """The deal as it will be stored (deposit and retainer dates filled in), or a DealError."""
    if not data.title.strip():
        raise DealError("Give the deal a title.", field="title")
    check_text(data.title, TITLE_MAX, "title")
    check_text(data.notes, NOTES_MAX, "notes", one_line=False)
    data = _check_money(data)
    limit = data.revision_limit
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise DealError("The revision limit can't be below 0.", field="revision_limit")
    if limit > REVISION_LIMIT_MAX:
        raise DealError(
            f"Keep the revision limit at {REVISION_LIMIT_MAX} or below.", field="revision_limit"
        )
    data = _check_retainer(data, today)
    _check_rights(data, today)
    return data


def check_link(url: str, field: str) -> str:
    url = links.complete_link(url)
    if not url:
        return ""
    if len(url) > LINK_MAX:
        raise DealError(inputs.too_long_message(LINK_MAX), field=field)
    problem = links.link_problem(url)
    if problem:
        raise DealError(problem, field=field)
    return url
