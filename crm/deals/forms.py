"""Deal forms: the deal itself, the won pitch's deal, the list's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Optional

from crm.brands.models import Contact
from crm.deals.checks import (
    CATEGORY_MAX,
    CHANNELS_MAX,
    NOTES_MAX,
    REVISION_LIMIT_MAX,
    TITLE_MAX,
    DealData,
)
from crm.deals.models import (
    VIDEOS_PER_MONTH_MAX,
    WINDOW_DAYS_MAX,
    DealKind,
    DealStatus,
    PaymentTerms,
)
from crm.forms import (
    BoundedDateField,
    LineField,
    OneTimeTokenField,
    SelectField,
    WholeNumberField,
    at_most,
    choices,
)
from crm.income.forms import AmountField
from crm.income.listing import MonthError, parse_month
from crm.money import CURRENCY_CHOICES

NO_CONTACT = ""
NOT_POSTED = "Leave empty: it starts the day the content is posted."


def _days(label: str) -> WholeNumberField:
    return WholeNumberField(
        label,
        [Optional()],
        low=1,
        high=WINDOW_DAYS_MAX,
        message=f"Enter 1 to {WINDOW_DAYS_MAX:,} days.",
    )


def _start(label: str) -> BoundedDateField:
    return BoundedDateField(label, validators=[Optional()], description=NOT_POSTED)


class MonthField(LineField):
    """A month typed or picked as 2026-11; `month` is its first day once valid."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {}).update(type="month", placeholder="2026-11")
        super().__init__(label, [Optional(), at_most(20)], **kwargs)

    @property
    def month(self) -> date | None:
        text = (self.data or "").strip()
        if not text:
            return None
        year, number = parse_month(text)
        return date(year, number, 1)

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        try:
            self.month  # noqa: B018 (reading it checks it)
        except MonthError as error:
            raise ValidationError(str(error)) from None


class DealForm(FlaskForm):
    title = LineField(
        "Title",
        validators=[InputRequired("Give the deal a title."), at_most(TITLE_MAX)],
        render_kw={"placeholder": "3 UGC videos for the spring launch"},
    )
    kind = SelectField("Kind", choices=choices((k.value, k.label) for k in DealKind))
    contact_id = SelectField("Contact", choices=choices([(NO_CONTACT, "— No contact —")]))
    amount = AmountField(
        "Agreed amount",
        [Optional()],
        description="Cash the brand pays; a retainer's monthly fee. Empty for a gifted deal.",
        render_kw={"placeholder": "450"},
    )
    currency = SelectField("Currency", choices=choices(CURRENCY_CHOICES))
    gifted_value = AmountField(
        "Gifted product's value",
        [Optional()],
        description="What the product is worth: in kind, never added to your cash.",
    )
    payment_terms = SelectField(
        "Payment terms", choices=choices((t.value, t.label) for t in PaymentTerms)
    )
    deposit = AmountField(
        "Deposit", [Optional()], description="50% upfront with no deposit fills in half."
    )
    revision_limit = WholeNumberField(
        "Revisions included",
        [InputRequired("Enter how many revisions the deal includes (0 if none).")],
        high=REVISION_LIMIT_MAX,
        message=f"Enter 0 to {REVISION_LIMIT_MAX} revisions.",
    )
    status = SelectField("Status", choices=choices((s.value, s.label) for s in DealStatus))
    notes = TextAreaField("Notes", validators=[Optional(), at_most(NOTES_MAX)])
    videos_per_month = WholeNumberField(
        "Videos a month",
        [Optional()],
        low=1,
        high=VIDEOS_PER_MONTH_MAX,
        message=f"Enter 1 to {VIDEOS_PER_MONTH_MAX} videos a month.",
        description="A retainer only.",
    )
    start_month = MonthField("First month", description="A retainer only.")
    cancelled_on = BoundedDateField(
        "Cancelled on", validators=[Optional()], description="A retainer only: its last day."
    )
    usage_days = _days("Paid usage (days)")
    usage_perpetual = BooleanField("Perpetual usage (no end)")
    usage_channels = LineField(
        "Channels the brand may run it on",
        validators=[Optional(), at_most(CHANNELS_MAX)],
        render_kw={"placeholder": "TikTok ads, Meta ads"},
    )
    usage_start = _start("Usage starts")
    whitelisting_days = _days("Whitelisting / Spark Ads (days)")
    whitelisting_start = _start("Whitelisting starts")
    exclusivity_category = SelectField("Exclusive product category", validate_choice=False)
    exclusivity_days = _days("Exclusivity (days)")
    exclusivity_start = _start("Exclusivity starts")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exclusivity_category.choices = choices([("", "— No exclusivity —")])

    def set_contacts(self, contacts: list[Contact]) -> None:
        """Offer the brand's contacts (the primary one first, as the brand orders them)."""
        options = [(NO_CONTACT, "— No contact —")]
        for contact in contacts:
            label = f"{contact.name} ({contact.role})" if contact.role else contact.name
            options.append((str(contact.id), label + (" · primary" if contact.is_primary else "")))
        self.contact_id.choices = choices(options)

    def set_categories(self, pairs: list[tuple[str, str]], stored: str = "") -> None:
        """The product categories an exclusivity may cover; the deal's `stored` one stays."""
        if stored and stored not in {key for key, _ in pairs}:
            pairs = [*pairs, (stored, stored)]
        self.exclusivity_category.choices = choices([("", "— No exclusivity —"), *pairs])

    def validate_exclusivity_category(self, field: SelectField) -> None:
        if len(field.data or "") > CATEGORY_MAX:
            raise ValidationError("Pick one of the categories.")
        offered = {choice.value for choice in field.choices or []}
        if (field.data or "") not in offered:
            raise ValidationError("Pick one of the categories.")

    def deal_data(self, brand_id: int, pitch_id: int | None) -> DealData:
        """The form's values for the service (which checks them all again); after validate."""
        return DealData(
            brand_id=brand_id,
            pitch_id=pitch_id,
            title=self.title.data or "",
            kind=DealKind(self.kind.data),
            amount_cents=self.amount.cents,  # empty: None, which the service refuses
            currency=self.currency.data,
            contact_id=int(self.contact_id.data) if self.contact_id.data else None,
            gifted_value_cents=self.gifted_value.cents or 0,
            payment_terms=PaymentTerms(self.payment_terms.data),
            deposit_cents=self.deposit.cents or 0,
            revision_limit=self.revision_limit.data or 0,
            notes=self.notes.data or "",
            status=DealStatus(self.status.data),
            videos_per_month=self.videos_per_month.data,
            start_month=self.start_month.month,
            cancelled_on=self.cancelled_on.data,
            usage_days=self.usage_days.data,
            usage_perpetual=bool(self.usage_perpetual.data),
            usage_channels=self.usage_channels.data or "",
            usage_start=self.usage_start.data,
            whitelisting_days=self.whitelisting_days.data,
            whitelisting_start=self.whitelisting_start.data,
            exclusivity_category=self.exclusivity_category.data or "",
            exclusivity_days=self.exclusivity_days.data,
            exclusivity_start=self.exclusivity_start.data,
        )


class NewDealForm(DealForm):
    # One-time token: a second submit of the same rendered form finds the first deal.
    token = OneTimeTokenField()
    save_anyway = BooleanField("Save anyway: I checked the exclusivity")


class DealFromPitchForm(FlaskForm):
    amount = AmountField(
        "Agreed amount",
        [InputRequired("Enter the agreed amount.")],
        description="Prefilled with the rate you quoted; change it to what was agreed.",
    )
    videos_per_month = WholeNumberField(
        "Videos a month",
        [Optional()],
        low=1,
        high=VIDEOS_PER_MONTH_MAX,
        message=f"Enter 1 to {VIDEOS_PER_MONTH_MAX} videos a month.",
        description="For a retainer: how many videos the monthly fee pays for.",
    )


class FilterForm(FlaskForm):
    """The list's filters, read from the query string (no CSRF: a GET)."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        validators=[Optional()],
        choices=choices([("", "Any"), *((s.value, s.label) for s in DealStatus)]),
    )
    kind = SelectField(
        "Kind",
        validators=[Optional()],
        choices=choices([("", "Any"), *((k.value, k.label) for k in DealKind)]),
    )
