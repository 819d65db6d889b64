"""Rates forms: the calculators (a GET form, no state change) and the add-on policy (POST)."""

from __future__ import annotations

import math
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    IntegerField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from crm.accounts.forms import EXPERIENCE_CHOICES
from crm.forms import SelectField, choices
from crm.market.current import market
from crm.money import MoneyError, parse_cents
from crm.rates.addons import FEE_MOST, MAX_PERCENT
from crm.rates.quotes import MAX_ENGAGEMENT, MAX_VIDEOS

POLICY_PREFIX = "percent_"


class _OneMessage:
    """Text that is not a number gets one message, not a range complaint on top."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class NumberField(_OneMessage, FloatField):
    """A finite decimal number, with a message a creator understands."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            value = float(str(valuelist[0]).replace(",", "").rstrip("%"))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError("Enter a number, like 9.5.")
        self.data = value


class WholeField(_OneMessage, IntegerField):
    """A whole number; '1,200' is accepted."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).replace(",", "").strip())
        except ValueError:
            self.data = None
            raise ValueError("Enter a whole number, like 1200.") from None


class MoneyField(_OneMessage, StringField):
    """An amount in major units (40, 40.50, 1,250); `data` holds integer cents or None."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = parse_cents(text)
        except MoneyError:
            self.data = None
            raise ValueError("Enter an amount, like 250 or 99.50.") from None
        if self.data < 0:
            self.data = None
            raise ValueError("The amount can't be negative.")

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else f"{self.data / 100:g}"


class MultiCheckboxField(SelectMultipleField):
    """Several checkboxes sharing one name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _count(label: str, *, required: bool = False, most: int = 1_000_000_000) -> WholeField:
    first = InputRequired(f"Enter {label.lower()}.") if required else Optional()
    return WholeField(
        label,
        validators=[first, NumberRange(min=0, max=most, message=f"Enter 0 to {most:,}.")],
        render_kw={"inputmode": "numeric"},
    )


def _percent(label: str, description: str = "") -> NumberField:
    return NumberField(
        label,
        validators=[Optional(), NumberRange(min=0, max=100, message="Enter 0 to 100.")],
        description=description,
        render_kw={"inputmode": "decimal"},
    )


class CalculatorForm(FlaskForm):
    """Every calculator's inputs; one GET form so each section keeps the others' values."""

    class Meta:
        csrf = False  # read-only calculations: nothing to forge

    followers = _count("Followers", required=True)
    niche = SelectField("Niche")
    engagement = NumberField(
        "Engagement rate (%)",
        validators=[
            Optional(),
            NumberRange(
                min=0, max=MAX_ENGAGEMENT, message="Enter a percentage from 0 to 100, like 9.5."
            ),
        ],
        description="(likes + comments + shares) ÷ views × 100",
        render_kw={"inputmode": "decimal"},
    )
    experience = SelectField("UGC experience", choices=choices(EXPERIENCE_CHOICES))
    posts_per_week = _count("Posts per week", most=100)
    portfolio_videos = _count("Portfolio videos", most=10_000)
    average_views = _count("Average views per video")

    sponsored_add_ons = MultiCheckboxField("Add-ons for this post")

    videos = WholeField(
        "Videos",
        default=1,
        validators=[
            InputRequired("Enter how many videos."),
            NumberRange(min=1, max=MAX_VIDEOS, message=f"Enter 1 to {MAX_VIDEOS}."),
        ],
    )
    retainer = BooleanField("Quote a monthly retainer for this many videos a month")
    ugc_add_ons = MultiCheckboxField("Add-ons for these videos")

    affiliate_videos = _count("Affiliate videos a month", most=1_000)
    affiliate_videos.kwargs["description"] = (
        "Videos with your affiliate link; starts at one a week."
    )
    ctr = _percent("Click-through (%)", "Leave blank for the typical range.")
    conversion = _percent("Conversion (%)", "Leave blank for the typical range.")
    commission = MoneyField("Commission per sale (USD)", description="Leave blank for typical.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        m = market()
        self.niche.choices = choices(m.niche_choices())
        add_ons = choices((a.key, f"{a.label}") for a in m.add_ons)
        self.sponsored_add_ons.choices = add_ons
        self.ugc_add_ons.choices = list(add_ons)


def policy_field_name(key: str) -> str:
    return f"{POLICY_PREFIX}{key}"


def add_on_policy_form(*args: Any, **kwargs: Any) -> FlaskForm:
    """A form with one percentage per add-on the seed lists: the quote uplifts, then the
    policy's fees (kind "fee"), each its own field."""

    class AddOnPolicyForm(FlaskForm):
        pass

    for add_on in market().add_ons:
        field: Field = WholeField(
            f"{add_on.label} (+%)",
            validators=[
                InputRequired("Enter a percentage (0 for none)."),
                NumberRange(min=0, max=MAX_PERCENT, message=f"Enter 0 to {MAX_PERCENT}."),
            ],
            description=f"{add_on.help} Starting value: {add_on.default_percent}%.",
            render_kw={"inputmode": "numeric"},
        )
        setattr(AddOnPolicyForm, policy_field_name(add_on.key), field)
    for fee in market().fees:
        # A fee is not added to a quote: a percent of the deal, billed when it is incurred.
        field = WholeField(
            f"{fee.label} (% of the deal)",
            validators=[
                Optional(),
                NumberRange(min=0, max=FEE_MOST, message=f"Enter 0 to {FEE_MOST}."),
            ],
            description=f"{fee.help} Empty or 0: not set, you agree it with the brand.",
            render_kw={"inputmode": "numeric"},
        )
        setattr(AddOnPolicyForm, policy_field_name(fee.key), field)
    return AddOnPolicyForm(*args, **kwargs)
