"""Pitch, status and cadence forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from crm.brands.models import Contact
from crm.forms import HiddenLineField, LineField, OneTimeTokenField, RateField, SelectField, choices
from crm.money import CURRENCY_CHOICES
from crm.pitches import cadence
from crm.pitches.models import PitchChannel, PitchKind, PitchStatus
from crm.pitches.services import BODY_MAX, SUBJECT_MAX

NO_CONTACT = ""


class PitchForm(FlaskForm):
    kind = SelectField("Kind", choices=choices((k.value, k.label) for k in PitchKind))
    channel = SelectField("Channel", choices=choices((c.value, c.label) for c in PitchChannel))
    contact_id = SelectField("Contact", choices=choices([(NO_CONTACT, "— No contact —")]))
    quoted_rate = RateField(
        "Quoted rate",
        description="Leave empty if you haven't named a price yet.",
        render_kw={"placeholder": "e.g. 450"},
    )
    currency = SelectField("Currency", choices=choices(CURRENCY_CHOICES))
    subject = LineField(
        "Subject",
        validators=[
            Length(max=SUBJECT_MAX, message=f"Keep the subject under {SUBJECT_MAX} characters.")
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            Length(max=BODY_MAX, message=f"Keep the message under {BODY_MAX:,} characters.")
        ],
        render_kw={"rows": 12},
    )

    def set_contacts(self, contacts: list[Contact]) -> None:
        """Offer the brand's contacts (the primary one first, as the brand orders them)."""
        options = [(NO_CONTACT, "— No contact —")]
        for contact in contacts:
            label = f"{contact.name} ({contact.role})" if contact.role else contact.name
            options.append((str(contact.id), label + (" · primary" if contact.is_primary else "")))
        self.contact_id.choices = choices(options)

    def quoted_cents(self) -> int | None:
        """The rate as cents, or None when left empty (call after validate)."""
        return self.quoted_rate.cents

    def chosen_contact_id(self) -> int | None:
        return int(self.contact_id.data) if self.contact_id.data else None


class NewPitchForm(PitchForm):
    # One-time token: a second submit of the same rendered form finds the first pitch.
    token = OneTimeTokenField()
    # Asked only when another deal's exclusivity covers the brand's category.
    save_anyway = BooleanField("Save anyway: I checked the exclusivity")


class StatusForm(FlaskForm):
    status = SelectField(
        "Move to",
        choices=choices((s.value, s.label) for s in PitchStatus),
        validators=[InputRequired()],
    )
    return_to = HiddenLineField()


class CadenceForm(FlaskForm):
    cadence = LineField(
        "Days between follow-ups",
        validators=[
            InputRequired("Enter the days between follow-ups, for example 4, 7, 7."),
            Length(max=64),  # the stored cadence column
        ],
        description=(
            f"Comma-separated: {cadence.MIN_STEPS} to {cadence.MAX_STEPS} waits of "
            f"{cadence.MIN_DAYS} to {cadence.MAX_DAYS} days each, e.g. 4, 7, 7."
        ),
        render_kw={"inputmode": "numeric", "placeholder": "4, 7, 7"},
    )

    def validate_cadence(self, field: LineField) -> None:
        try:
            cadence.parse_cadence(field.data)
        except cadence.CadenceError as error:
            raise ValidationError(str(error)) from None
