"""Invoice forms: the settings, an invoice with a fixed number of line rows, paid, void, send.

An invoice's number is never typed: it comes from the creator's sequence and stays.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, TextAreaField
from wtforms.validators import Email, InputRequired, Optional

from crm.brands.normalise import EMAIL_MAX
from crm.deals import invoices
from crm.deals.invoice_models import NUMBER_MAX
from crm.forms import BoundedDateField, LineField, OneTimeTokenField, WholeNumberField, at_most
from crm.income.forms import AmountField, RateTextField
from crm.money import MoneyError


class InvoiceSettingsForm(FlaskForm):
    business_name = LineField(
        "Business name",
        validators=[Optional(), at_most(invoices.NAME_MAX)],
        description="Your name or your business's, as brands pay it.",
    )
    address = TextAreaField("Address", validators=[Optional(), at_most(invoices.DETAILS_MAX)])
    tax_id = LineField(
        "Tax ID", validators=[Optional(), at_most(invoices.TAX_ID_MAX)], description="Optional."
    )
    payment_instructions = TextAreaField(
        "Payment instructions",
        validators=[Optional(), at_most(invoices.DETAILS_MAX)],
        description="Bank details, PayPal or how else brands pay you.",
    )
    number_format = LineField(
        "Number format",
        validators=[InputRequired("Enter a format."), at_most(NUMBER_MAX)],
        description="{year} is the issue year, {seq} the next number ({seq:04d} pads it: 0007).",
    )
    next_number = LineField(
        "Next number",
        validators=[Optional(), at_most(NUMBER_MAX)],
        description="The number your next invoice gets: 42, or written out as INV-2026-0042 "
        "(say, after moving from another tool). It can't go back to a number already used.",
    )


class InvoiceForm(FlaskForm):
    """An invoice's dates, details and LINE_ROWS line rows; a blank row is left out."""

    issue_on = BoundedDateField("Issue date", validators=[InputRequired("Pick the issue date.")])
    due_on = BoundedDateField("Due date", validators=[InputRequired("Pick the due date.")])
    billing_details = TextAreaField(
        "Bill to",
        validators=[InputRequired(invoices.BILL_TO_MISSING), at_most(invoices.DETAILS_MAX)],
        description="The brand's billing name, address and tax ID, as they asked.",
    )
    notes = TextAreaField(
        "Notes", validators=[Optional(), at_most(invoices.DETAILS_MAX)], description="Optional."
    )

    def row(self, i: int) -> tuple[Field, Field, Field]:
        """Row `i`'s description, quantity and unit price fields."""
        return (self[f"line{i}_description"], self[f"line{i}_quantity"], self[f"line{i}_unit"])

    def rows(self) -> list[tuple[Field, Field, Field]]:
        return [self.row(i) for i in range(invoices.LINE_ROWS)]

    def fill_lines(self, lines: list[invoices.LineData]) -> None:
        """Put `lines` in the first rows (a GET's draft)."""
        for (description, quantity, unit), line in zip(self.rows(), lines, strict=False):
            description.data, quantity.data = line.description, line.quantity
            unit.data = _major(line.unit_cents)

    def lines(self) -> list[invoices.LineData]:
        """The rows typed in, as lines (after validate: a started row has its price)."""
        found = []
        for i, (description, quantity, unit) in enumerate(self.rows()):
            if _blank(description, quantity, unit):
                continue
            found.append(
                invoices.LineData(
                    description.data or "", quantity.data or 1, unit.cents or 0, row=i
                )
            )
        return found

    def total_cents(self) -> int:
        """What the rows come to as typed (a row with an error counts nothing): the form's
        total, shown again when it comes back with errors."""
        total = 0
        for _description, quantity, unit in self.rows():
            if unit.errors or quantity.errors:
                continue
            try:
                cents = unit.cents or 0
            except MoneyError:  # not validated yet (a GET never is)
                continue
            total += cents * (quantity.data if isinstance(quantity.data, int) else 1)
        return total

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for description, quantity, unit in self.rows():
            if _blank(description, quantity, unit) or unit.errors or description.errors:
                continue
            if unit.cents is None:
                unit.errors = [*unit.errors, "Enter the price per unit."]
                valid = False
            if not (description.data or "").strip():
                description.errors = [*description.errors, "Say what this line is for."]
                valid = False
        return valid


def _blank(description: Field, quantity: Field, unit: Field) -> bool:
    return not any((field.raw_data or [""])[0].strip() for field in (description, quantity, unit))


def _major(cents: int) -> str:
    whole, part = divmod(cents, 100)
    return f"{whole}.{part:02d}" if part else str(whole)


for _i in range(invoices.LINE_ROWS):
    setattr(
        InvoiceForm,
        f"line{_i}_description",
        LineField("Description", validators=[Optional(), at_most(invoices.DESCRIPTION_MAX)]),
    )
    setattr(
        InvoiceForm,
        f"line{_i}_quantity",
        WholeNumberField("Quantity", [Optional()], low=1, high=invoices.QUANTITY_MAX, default=None),
    )
    setattr(InvoiceForm, f"line{_i}_unit", AmountField("Unit price", [Optional()]))


class NewInvoiceForm(InvoiceForm):
    # One-time token: a second submit of the same rendered form finds the first invoice.
    token = OneTimeTokenField()


class PaidForm(FlaskForm):
    paid_on = BoundedDateField("Paid on", validators=[InputRequired("Pick the day it was paid.")])
    rate = RateTextField(
        "Exchange rate",
        description="Only for another currency than your profile's: what one unit was worth "
        "on the day it was paid.",
    )


class ActionForm(FlaskForm):
    """A one-button action on an invoice (sent, void): its CSRF token only."""


class SendInvoiceForm(FlaskForm):
    """Email the invoice: to the deal's contact, or another address typed in."""

    to = EmailField(
        "Send to",
        validators=[
            InputRequired("Enter the email address to send it to."),
            at_most(EMAIL_MAX),
            Email(check_deliverability=False, message="Enter an email like anna@glowco.com."),
        ],
        description="The deal's contact, or whoever pays the brand's invoices.",
        render_kw={"autocomplete": "off"},
    )
