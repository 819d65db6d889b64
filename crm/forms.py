"""Form pieces every area uses: choices, bounded fields, a refused change beside its field."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import wtforms
from flask import flash, render_template
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, Field, IntegerField, SelectChoice, StringField, ValidationError
from wtforms.fields.choices import Choice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation
from wtforms.widgets import HiddenInput, Select, URLInput

from crm import inputs, links
from crm.creation_tokens import TOKEN_MAX, TOKEN_MIN, new_token
from crm.database import utcnow
from crm.errors import FieldError
from crm.money import MAX_CENTS, MoneyError, parse_cents


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


# Distinct options kept rendered: the seed's lists and the zones are a few hundred; brand names
# in a picker pass through too, so the cache is bounded rather than keyed by them forever.
OPTIONS_KEPT = 4096


# typed: False and 0, or Markup and str, are equal and hash alike but render differently.
@lru_cache(maxsize=OPTIONS_KEPT, typed=True)
def _option_html(value: Any, label: Any, attributes: tuple, selected: bool) -> Markup:
    kw = {name: attribute for name, _type, attribute in attributes}
    return Select.render_option(Choice(value, label, selected, kw))


class QuickSelect(Select):
    """WTForms' select, each option's HTML built once: the profile's 600 zones cost 9 ms a page."""

    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:
        """The same HTML as `Select.render_option`, from the cache when its inputs hash."""
        if kwargs:
            return Select.render_option(choice, **kwargs)
        try:
            attributes = tuple(
                (name, type(attribute), attribute)
                for name, attribute in sorted((choice.render_kw or {}).items())
            )
            return _option_html(choice.value, choice.label, attributes, bool(choice.selected))
        except TypeError:  # an unhashable value or attribute: render it afresh
            return Select.render_option(choice)


class SelectField(wtforms.SelectField):
    """The select every form uses (tests/test_selects.py holds the code to it).

    A value that is only whitespace is read as nothing picked: Optional() stops the choice
    check for it, so left as sent it would reach the view as a value no choice has.
    """

    widget = QuickSelect()

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str) and not self.data.strip():
            self.data = ""


def at_most(most: int) -> Length:
    """A Length validator of `most` characters, in the app's words ("At most 200 characters.").

    The macro reads its max as the counter's data-maxlength; WTForms' own message
    ("Field cannot be longer than ...") is not how the app speaks.
    """
    return Length(max=most, message=inputs.too_long_message(most))


def refused_filters(form: FlaskForm, *, title: str, what: str) -> tuple[str, int]:
    """The page for query-string filters that don't read (month=2026-13): the filters again
    with each error beside its field and no figures, as a 400. Showing this month's figures
    instead would answer a question that was not asked."""
    html = render_template("refused_filters.html", form=form, title=title, what=what)
    return html, 400


def show_error(form: object, error: FieldError) -> None:
    """Put a refused change's message beside its field, or flash it when no field fits."""
    field = getattr(form, error.field or "", None)
    if isinstance(field, Field):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


class LineField(StringField):
    """One line of text (names, subjects, handles): line breaks and control characters refused.

    Such text ends up in mail headers and page titles, where a line break is an injection.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()

    def pre_validate(self, form: Any) -> None:
        if isinstance(self.data, str) and not inputs.is_one_line(self.data):
            raise ValidationError(inputs.ONE_LINE_MESSAGE)


class LinkField(LineField):
    """A web link: 'www.tiktok.com/...' gets its https://; one message when it isn't a link."""

    widget = URLInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = links.complete_link(self.data)

    def pre_validate(self, form: Any) -> None:
        super().pre_validate(form)
        if self.data and (problem := links.link_problem(self.data)):
            raise ValidationError(problem)


class HiddenLineField(LineField):
    """A hidden one-line value (a token, a kind, a page to return to)."""

    widget = HiddenInput()


class OneTimeTokenField(HiddenLineField):
    """The hidden one-time token of a form that creates a record (crm.creation_tokens)."""

    EXPIRED = "The form expired; submit it again."

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        first = InputRequired(self.EXPIRED) if required else Optional()
        bounds = Length(min=TOKEN_MIN, max=TOKEN_MAX, message=self.EXPIRED)
        super().__init__(validators=[first, bounds], **kwargs)

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        """A missing or unusable token is replaced, so "submit it again" works: the form
        shown again carries a fresh one. Nothing was saved with the old one."""
        if self.errors:
            self.data = new_token()


class WholeNumberField(IntegerField):
    """A whole number from `low` to `high`; `high` stays within a 4-byte column unless `big`.

    One message per field and per bound: `message` says the range (and is said for text
    that is not a whole number); `too_low` and `too_high`, when given, are said instead
    for a number below or above it, so 10**20 is never called negative.
    """

    def __init__(
        self,
        label: str,
        validators: list[Any] | None = None,
        *,
        low: int = 0,
        high: int | None = None,
        big: bool = False,
        message: str | None = None,
        too_low: str | None = None,
        too_high: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.big = big
        ceiling = inputs.INT8_MAX if big else inputs.INT4_MAX
        high = ceiling if high is None else high
        if not (-ceiling <= low <= high <= ceiling):
            raise ValueError(f"{label}: {low}..{high} does not fit its column")
        self.low, self.high = low, high
        self.message = message or f"Enter a whole number from {low:,} to {high:,}."
        self.too_low, self.too_high = too_low or self.message, too_high or self.message
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        ranges = [NumberRange(min=low, max=high, message=self.message)]
        super().__init__(label, [*(validators or []), *ranges], **kwargs)

    def pre_validate(self, form: Any) -> None:
        if not self.raw_data or not str(self.raw_data[0]).strip():
            return  # empty: InputRequired or Optional in the chain says what to do
        if self.data is None:
            problem = self.message
        elif self.data < self.low:
            problem = self.too_low
        elif self.data > self.high:
            problem = self.too_high
        else:
            return
        # WTForms' own "Not a valid integer value." would sit beside ours.
        self.errors[:] = []
        raise StopValidation(problem)


class BoundedDateField(DateField):
    """A date from 2000 to a few years ahead: year 1 or 9999 is a typo, and breaks date sums."""

    def __init__(self, label: str, validators: list[Any] | None = None, **kwargs: Any) -> None:
        today = utcnow().date()
        kwargs.setdefault("render_kw", {}).update(
            min=inputs.EARLIEST_DATE.isoformat(), max=inputs.latest_date(today).isoformat()
        )
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.data is not None:
            problem = inputs.date_problem(self.data, utcnow().date())
            if problem:
                raise ValidationError(problem)


class RateField(LineField):
    """A rate typed as text ('1,250.50'), optional; `cents` is it in minor units once valid."""

    def __init__(self, label: str, *, example: str = "450", **kwargs: Any) -> None:
        self.message = f"Enter an amount like {example} or 1,250.50."
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, [Optional(), Length(max=20, message=self.message)], **kwargs)

    @property
    def cents(self) -> int | None:
        """The amount in cents, or None when left empty (read after validation)."""
        text = (self.data or "").strip()
        return parse_cents(text) if text else None

    def pre_validate(self, form: Any) -> None:
        text = (self.data or "").strip()
        if not text:
            return
        try:
            cents = parse_cents(text)
        except MoneyError:
            raise ValidationError(self.message) from None
        if cents < 0:
            raise ValidationError("A rate can't be negative.")
        if cents > MAX_CENTS:
            raise ValidationError("That rate looks too large; check the amount.")
