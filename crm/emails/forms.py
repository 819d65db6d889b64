"""The email editor and the template editor."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from crm.emails.sandbox import SOURCE_MAX
from crm.forms import HiddenLineField, LineField, OneTimeTokenField, RateField
from crm.pitches.services import BODY_MAX, SUBJECT_MAX


def _one_line(value: Any) -> Any:
    """A subject is one line: a pasted line break would be a header injection."""
    return " ".join(value.split()) if isinstance(value, str) else value


class EmailForm(FlaskForm):
    kind = HiddenLineField()
    # One-time token for a new draft: a double click saves one pitch, not two.
    token = OneTimeTokenField(required=False)
    subject = LineField(
        "Subject",
        filters=[_one_line],
        validators=[
            DataRequired("Give the email a subject."),
            Length(max=SUBJECT_MAX, message=f"Keep the subject under {SUBJECT_MAX} characters."),
        ],
    )
    body = TextAreaField(
        "Message",
        validators=[
            DataRequired("Write the message."),
            Length(max=BODY_MAX, message=f"Keep the message under {BODY_MAX:,} characters."),
        ],
        render_kw={"rows": 20},
    )
    quoted_rate = RateField(
        "Quoted rate",
        example="270",
        description="Saved on the pitch; saving puts it in the message's rate sentence too.",
    )

    def quoted_cents(self) -> int | None:
        """The rate in cents, or None when empty (after validation)."""
        return self.quoted_rate.cents


class TemplateForm(FlaskForm):
    subject = LineField(
        "Subject",
        validators=[
            InputRequired("A template needs a subject."),
            Length(max=SOURCE_MAX["subject"], message="Keep the subject template shorter."),
        ],
    )
    body = TextAreaField(
        "Body",
        validators=[
            InputRequired("A template needs a body."),
            Length(max=SOURCE_MAX["body"], message="Keep the body template shorter."),
        ],
        render_kw={"rows": 24, "spellcheck": "false"},
    )
