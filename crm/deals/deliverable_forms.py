"""Deliverable forms: adding and editing one, moving it along, a revision, the Due list's sort."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Optional

from crm.deals.checks import BRIEF_MAX, LINK_MAX, TITLE_MAX
from crm.deals.due import GROUPS, SORTS
from crm.deals.models import DeliverableStatus, DeliverableType
from crm.forms import (
    BoundedDateField,
    HiddenLineField,
    LineField,
    LinkField,
    OneTimeTokenField,
    SelectField,
    at_most,
    choices,
)


def _type_choices() -> list[tuple[str, str]]:
    return [(t.value, t.label) for t in DeliverableType]


def status_choices() -> list[tuple[str, str]]:
    """Every stage of work, in order, as select choices."""
    return [(s.value, s.label) for s in DeliverableStatus]


class DeliverableForm(FlaskForm):
    type = SelectField("Type", default=DeliverableType.UGC_VIDEO.value)
    title = LineField(
        "Title",
        validators=[InputRequired("Give the deliverable a title."), at_most(TITLE_MAX)],
        render_kw={"placeholder": "Unboxing video, 30 seconds"},
    )
    brief = TextAreaField(
        "Brief",
        validators=[Optional(), at_most(BRIEF_MAX)],
        description="What the brand asked for: hooks, talking points, dos and don'ts.",
    )
    due_on = BoundedDateField("Due date", validators=[Optional()])
    draft_url = LinkField(
        "Draft link",
        validators=[Optional(), at_most(LINK_MAX)],
        description="Where the brand reviews the draft (Drive, Dropbox, Frame.io).",
    )

    # Once posted: where and when (see without_posting).
    live_url = LinkField(
        "Live link",
        validators=[Optional(), at_most(LINK_MAX)],
        description="The posted video or story.",
    )
    posted_on = BoundedDateField(
        "Post date", validators=[InputRequired("Enter the day it was posted.")]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.type.choices = choices(_type_choices())

    @property
    def posting(self) -> bool:
        """True when the form holds the live link and post date (a posted deliverable)."""
        return "posted_on" in self

    def without_posting(self) -> DeliverableForm:
        """The form for a deliverable not posted yet: no live link or post date to give."""
        del self.live_url
        del self.posted_on
        return self


class NewDeliverableForm(DeliverableForm):
    token = OneTimeTokenField()  # a double click adds one deliverable


class MoveForm(FlaskForm):
    """Move a deliverable to another stage; posting may say when and where."""

    status = SelectField("Status")
    posted_on = BoundedDateField(
        "Post date", validators=[Optional()], description="When posting: empty means today."
    )
    live_url = LinkField("Live link", validators=[Optional(), at_most(LINK_MAX)])
    return_to = HiddenLineField(validators=[Optional(), at_most(20)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = choices(status_choices())


class RevisionForm(FlaskForm):
    """Ask for a revision (its CSRF token only). The view reads two plain values the
    buttons post: past_limit=yes is "request it anyway", return_to the page to go back to."""


class DueSortForm(FlaskForm):
    """The Due list's order, read from the query string (no CSRF: a GET)."""

    class Meta:
        csrf = False

    sort = SelectField("Sort by", validators=[Optional()], default="due")
    # One group shown alone ("Show all"); empty: every group, each capped.
    group = SelectField("Group", validators=[Optional()], default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sort.choices = choices(SORTS.items())
        self.group.choices = choices([("", "All"), *((key, key) for key in GROUPS)])
