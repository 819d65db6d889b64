"""Income forms: an entry, the list's filters, the monthly goal, the targets per stream."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional

from crm.forms import (
    BoundedDateField,
    LineField,
    OneTimeTokenField,
    SelectField,
    WholeNumberField,
    choices,
)
from crm.income import services, targets
from crm.income.listing import MonthError, parse_month
from crm.income.models import ExpenseCategory, IncomeStatus, LiveFormat
from crm.market.current import market
from crm.money import CURRENCY_CHOICES, MoneyError, parse_amount, parse_rate


class AmountField(LineField):
    """Money typed as text, strictly ('1,2,3' or '12.345' is a typo); `cents` once valid."""

    def __init__(self, label: str, validators: list[Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, [*(validators or []), Length(max=20)], **kwargs)

    @property
    def cents(self) -> int | None:
        text = (self.data or "").strip()
        return parse_amount(text) if text else None

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        text = (self.data or "").strip()
        if not text:
            return
        try:
            parse_amount(text)
        except MoneyError as error:
            raise ValidationError(str(error)) from None


class RateTextField(LineField):
    """An exchange rate typed as text (1.08); `millionths` once valid."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, [Optional(), Length(max=20)], **kwargs)

    @property
    def millionths(self) -> int | None:
        text = (self.data or "").strip()
        return parse_rate(text) if text else None

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        text = (self.data or "").strip()
        if text:
            try:
                parse_rate(text)
            except MoneyError as error:
                raise ValidationError(str(error)) from None


def status_choices() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in IncomeStatus]


class EntryForm(FlaskForm):
    earned_on = BoundedDateField("Date", validators=[InputRequired("Pick the date it was earned.")])
    amount = AmountField(
        "Amount", [InputRequired("Enter the amount.")], render_kw={"placeholder": "450.00"}
    )
    currency = SelectField("Currency")
    rate = RateTextField(
        "Exchange rate",
        description="Only for another currency: what one unit was worth in your profile's "
        "currency on that date (EUR 100 at 1.10 is USD 110).",
    )
    stream = SelectField("Stream")
    program = LineField(
        "Affiliate program",
        validators=[Optional(), Length(max=services.PROGRAM_MAX)],
        description="For affiliate income: pick one or type your own.",
        render_kw={"list": "affiliate-programs"},
    )
    brand = LineField(
        "Brand",
        validators=[Optional(), Length(max=services.BRAND_MAX)],
        description="Optional: the exact name of one of your brands.",
    )
    status = SelectField("Status", default=IncomeStatus.EXPECTED.value)
    due_on = BoundedDateField("Due date", validators=[Optional()])
    paid_on = BoundedDateField(
        "Paid date", validators=[Optional()], description="Left empty when paid: the entry's date."
    )
    note = TextAreaField("Note", validators=[Optional(), Length(max=services.NOTE_MAX)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency.choices = choices(CURRENCY_CHOICES)
        self.stream.choices = choices((s.key, s.label) for s in market().streams)
        self.status.choices = choices(status_choices())


class NewEntryForm(EntryForm):
    # One-time token: a second submit of the same rendered form finds the first entry.
    token = OneTimeTokenField()


class MonthForm(FlaskForm):
    """The report's month picker, read from the query string (no CSRF: a GET)."""

    class Meta:
        csrf = False

    # A word that means every month (None: a month is needed).
    ANY_MONTH: str | None = None

    # validate_month takes only YYYY-MM; the length is loose so that app.js's
    # "characters left" counter (shown from 80% of it) stays away from a month picker.
    month = LineField(
        "Month",
        validators=[Optional(), Length(max=20)],
        render_kw={"type": "month", "placeholder": "2026-11"},
    )

    def validate_month(self, field: LineField) -> None:
        text = (field.data or "").strip()
        if text and text != self.ANY_MONTH:
            try:
                parse_month(text)
            except MonthError as error:
                raise ValidationError(str(error)) from None


class FilterForm(MonthForm):
    """The list's filters: "all" is every month."""

    ANY_MONTH = "all"
    stream = SelectField("Stream", validators=[Optional()])
    status = SelectField("Status", validators=[Optional()])
    # Checked against the creator's brands by the view (any of theirs may be asked for,
    # listed here or not), so not against the choices.
    brand = SelectField(
        "Brand",
        validators=[Optional()],
        validate_choice=False,
        description="The brands of your latest income; a brand's own page links to all its income.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", "Any")]
        self.stream.choices = choices(anything + [(s.key, s.label) for s in market().streams])
        overdue = [("unpaid", "Not paid yet"), ("overdue", "Overdue")]
        self.status.choices = choices(anything + status_choices() + overdue)
        self.brand.choices = choices(anything)

    def set_brands(self, brands: list[tuple[int, str]], picked: tuple[int, str] | None) -> None:
        """The brand choices: `brands`, and the one the list is filtered to if not in them."""
        if picked is not None and picked[0] not in {brand_id for brand_id, _ in brands}:
            brands = sorted([*brands, picked], key=lambda pair: (pair[1].casefold(), pair[0]))
        self.brand.choices = choices([("", "Any"), *((str(i), name) for i, name in brands)])


class GoalForm(FlaskForm):
    goal = AmountField(
        "Monthly income goal",
        [Optional()],
        description="In your profile's currency; leave empty for no goal.",
    )


def targets_form(*args: Any, **kwargs: Any) -> FlaskForm:
    """The creator's own targets: one money field per stream the seed lists (empty: none)."""

    class TargetsForm(FlaskForm):
        def amounts(self) -> dict[str, int | None]:
            """Cents by stream key once valid; None where the field was left empty."""
            return {s.key: getattr(self, targets.field_name(s.key)).cents for s in streams}

    streams = market().streams
    for stream in streams:
        field = AmountField(stream.label, [Optional()], render_kw={"placeholder": "no target"})
        setattr(TargetsForm, targets.field_name(stream.key), field)
    return TargetsForm(*args, **kwargs)


class ExpenseForm(FlaskForm):
    spent_on = BoundedDateField("Date", validators=[InputRequired("Pick the date you paid it.")])
    amount = AmountField(
        "Amount", [InputRequired("Enter the amount.")], render_kw={"placeholder": "49.99"}
    )
    currency = SelectField("Currency")
    rate = RateTextField(
        "Exchange rate",
        description="Only for another currency: what one unit was worth in your profile's "
        "currency on that date.",
    )
    category = SelectField("Category")
    note = TextAreaField("Note", validators=[Optional(), Length(max=services.NOTE_MAX)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency.choices = choices(CURRENCY_CHOICES)
        self.category.choices = choices((c.value, c.label) for c in ExpenseCategory)


class NewExpenseForm(ExpenseForm):
    token = OneTimeTokenField()  # a double click saves one expense


class LiveForm(FlaskForm):
    held_on = BoundedDateField("Date", validators=[InputRequired("Pick the day of the LIVE.")])
    format = SelectField("Format")
    duration_minutes = WholeNumberField(
        "Duration (minutes)",
        [InputRequired("Enter how long it ran.")],
        low=1,
        high=24 * 60,
        message="Enter 1 to 1,440 minutes.",
    )
    diamonds = WholeNumberField(
        "Diamonds received",
        [InputRequired("Enter the diamonds (0 if none).")],
        high=100_000_000,
        message="Enter 0 to 100,000,000 diamonds.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.format.choices = choices((f.value, f.label) for f in LiveFormat)


class NewLiveForm(LiveForm):
    token = OneTimeTokenField()  # a double click saves one LIVE, and one income entry


class DiamondValueForm(FlaskForm):
    value = RateTextField(
        "Your value of one diamond",
        description="Your own rate, in your profile's currency (e.g. 0.005): what a diamond "
        "turns into when you cash out. Not a market figure.",
    )
