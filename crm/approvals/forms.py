"""Approval forms: sending a link (creator), the expiry setting, and the brand's answer."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from crm.approvals.models import AnswerKind
from crm.approvals.services import COMMENT_MAX, LINK_DAYS_MAX, LINK_DAYS_MIN
from crm.deals.models import Deliverable
from crm.forms import HiddenLineField, SelectField, WholeNumberField, choices
from crm.inputs import INT4_MAX

# The "which deliverable" choice meaning every open one of the deal.
ALL = "all"
# The answer form's two buttons (their `action` values); any other value is refused.
ACTIONS = {"approve": AnswerKind.APPROVED, "revision": AnswerKind.REVISION}


class SendForm(FlaskForm):
    deliverable = SelectField("Send for approval")
    email_contact = BooleanField("Email the link to the deal's contact", default=False)

    def __init__(self, deliverables: list[Deliverable], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pairs = [(ALL, "All open deliverables of this deal")]
        pairs += [(str(d.id), f"{d.title} ({d.status.label.lower()})") for d in deliverables]
        self.deliverable.choices = choices(pairs)

    def deliverable_id(self) -> int | None:
        """The deliverable picked, or None for all open ones."""
        value = self.deliverable.data
        return None if value == ALL else int(value)


class LinkDaysForm(FlaskForm):
    link_days = WholeNumberField(
        "Approval links work for (days)",
        validators=[
            InputRequired(f"Enter a number of days from {LINK_DAYS_MIN} to {LINK_DAYS_MAX}.")
        ],
        low=LINK_DAYS_MIN,
        high=LINK_DAYS_MAX,
        description="A new link stops working after this many days; you can revoke it sooner.",
    )


class AnswerForm(FlaskForm):
    """The brand's answer on one deliverable: approve, or a revision with a comment."""

    deliverable = HiddenLineField(validators=[InputRequired(), Length(max=12)])
    action = HiddenLineField(validators=[InputRequired(), Length(max=12)])
    comment = TextAreaField(
        "What should change?",
        validators=[Optional(), Length(max=COMMENT_MAX)],
        description="Plain text: timestamps, lines to cut, what to show.",
    )
    confirm = HiddenLineField(validators=[Optional(), Length(max=1)])

    def kind(self) -> AnswerKind | None:
        """What the brand's button said: approve or revision; None for anything else."""
        return ACTIONS.get(self.action.data or "")

    def deliverable_id(self) -> int | None:
        """The deliverable answered on; None for anything that can't be one of its ids."""
        value = self.deliverable.data or ""
        if not (value.isascii() and value.isdigit() and len(value) <= len(str(INT4_MAX))):
            return None
        return int(value) if int(value) <= INT4_MAX else None
