"""The brand's inquiry form on a media kit, with its honeypot."""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from crm.brands import normalise
from crm.forms import LineField, RateField, SelectField, choices
from crm.inquiries import models as m
from crm.inquiries.models import InquiryKind
from crm.inquiries.services import InquiryData

KIND_CHOICES = choices((kind.value, kind.label) for kind in InquiryKind)


class InquiryForm(FlaskForm):
    name = LineField(
        "Your name", validators=[InputRequired("Enter your name."), Length(max=m.NAME_MAX)]
    )
    email = LineField(
        "Your email",
        validators=[InputRequired("Enter your email address."), Length(max=m.EMAIL_MAX)],
        render_kw={"type": "email", "autocomplete": "email"},
    )
    company = LineField(
        "Company or brand",
        validators=[InputRequired("Enter your company or brand."), Length(max=m.COMPANY_MAX)],
        render_kw={"autocomplete": "organization"},
    )
    website = LineField(
        "Website", validators=[Optional(), Length(max=m.WEBSITE_MAX)], render_kw={"type": "url"}
    )
    kind = SelectField("What you're looking for", choices=KIND_CHOICES, default="ugc_video")
    deliverables = LineField(
        "Deliverables",
        validators=[Optional(), Length(max=m.DELIVERABLES_MAX)],
        description="For example: 2 videos of 30 seconds, raw footage, 3 months of ad use.",
    )
    dates = LineField(
        "Dates",
        validators=[Optional(), Length(max=m.DATES_MAX)],
        description="When it should go live.",
    )
    budget = RateField("Budget", example="800", description="Optional, in the creator's currency.")
    message = TextAreaField(
        "Message",
        validators=[Optional(), Length(max=m.MESSAGE_MAX)],
        description="Plain text: your product, the idea, anything the creator should know.",
    )
    # The honeypot: hidden from people (style and aria-hidden), filled by form-filling bots.
    homepage = LineField("Leave this empty", validators=[Optional(), Length(max=200)])

    # The address and site are checked here too (the service checks them again), so a post
    # that will be refused never counts against the kit's limit (crm.inquiries.public).
    def validate_email(self, field: LineField) -> None:
        _clean(normalise.clean_email, field)

    def validate_website(self, field: LineField) -> None:
        _clean(normalise.clean_website, field)

    def is_bot(self) -> bool:
        """The honeypot was filled: pretend it worked, keep nothing."""
        return bool((self.homepage.data or "").strip())

    def data_for(self) -> InquiryData:
        """What the brand typed, for the service (which checks it again)."""
        return InquiryData(
            name=self.name.data or "",
            email=self.email.data or "",
            company=self.company.data or "",
            kind=InquiryKind(self.kind.data),
            website=self.website.data or "",
            deliverables=self.deliverables.data or "",
            dates=self.dates.data or "",
            budget_cents=self.budget.cents,
            message=self.message.data or "",
        )


def _clean(clean: Callable[[str], object], field: LineField) -> None:
    try:
        clean(field.data or "")
    except normalise.InvalidValue as error:
        raise ValidationError(str(error)) from None
