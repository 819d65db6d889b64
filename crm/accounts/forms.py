"""Account and profile forms."""

from __future__ import annotations

from functools import cache

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice
from wtforms.validators import (
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from crm import dates, links
from crm.accounts.services import DISPLAY_NAME_MAX, HANDLE_MESSAGE, MIN_PASSWORD_LENGTH
from crm.forms import HiddenLineField, LineField, SelectField, WholeNumberField, choices
from crm.market.current import market
from crm.money import CURRENCY_CHOICES
from crm.stats.services import COUNT_MAX

_PASSWORD_RULE = f"Use at least {MIN_PASSWORD_LENGTH} characters (200 at most)."
_PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters; not only digits, not your email, "
    "not a common password."
)

EXPERIENCE_CHOICES = [
    ("beginner", "Beginner (building a portfolio)"),
    ("experienced", "Experienced (strong portfolio)"),
]


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[
            InputRequired(),
            Length(max=254),
            Email(
                check_deliverability=False, message="Enter an email address like you@example.com."
            ),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label: str = "Password", note: str = "") -> PasswordField:
    """A field for choosing a password; the service says beside it why one is refused."""
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_PASSWORD_RULE),
        ],
        description=(_PASSWORD_HINT + " " + note).strip(),
        render_kw={"autocomplete": "new-password"},
    )


def _repeat_field(label: str, of: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(max=200),
            EqualTo(of, message="The passwords don't match."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def _timezone_guess() -> HiddenLineField:
    # Filled in by app.js from the browser; the service turns anything unknown into UTC.
    return HiddenLineField(render_kw={"data-guess-timezone": ""})


class RegisterForm(FlaskForm):
    email = _email_field()
    password = new_password_field()
    confirm = _repeat_field("Repeat password", "password")
    timezone = _timezone_guess()


class EmailOnlyForm(FlaskForm):
    """Sign-up or reset request where this server sends mail: the link does the rest."""

    email = _email_field()


class ChoosePasswordForm(FlaskForm):
    """The page an emailed link opens: finish sign-up, or set a new password."""

    password = new_password_field()
    confirm = _repeat_field("Repeat password", "password")
    timezone = _timezone_guess()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field("New password", "Logs you out everywhere else.")
    confirm = _repeat_field("Repeat new password", "new_password")


class ProfileForm(FlaskForm):
    display_name = LineField(
        "Your name",
        validators=[Optional(), Length(max=DISPLAY_NAME_MAX)],
        description="How pitch emails sign off.",
    )
    tiktok_handle = LineField(
        "TikTok handle",
        # Long enough for a pasted profile link; the handle is taken from it.
        validators=[Optional(), Length(max=200, message=HANDLE_MESSAGE)],
        render_kw={"placeholder": "@yourhandle", "autocapitalize": "off"},
        description="Your handle, or paste the link to your TikTok profile.",
    )
    niche = SelectField("Niche", validators=[InputRequired()])
    followers = WholeNumberField(
        "TikTok followers",
        [InputRequired("Enter your follower count (0 or more).")],
        high=COUNT_MAX,
        big=True,
        message=f"Enter 0 to {COUNT_MAX:,} followers.",
        too_low="Followers can't be negative.",
        too_high=f"At most {COUNT_MAX:,} followers; check for an extra digit.",
    )
    ugc_experience = SelectField("UGC experience", choices=choices(EXPERIENCE_CHOICES))
    currency = SelectField("Currency", choices=choices(CURRENCY_CHOICES))
    turnaround_days = WholeNumberField(
        "Turnaround (days)",
        [InputRequired()],
        low=1,
        high=90,
        message="Turnaround is 1 to 90 days.",
        description="How many days you need to deliver a video.",
    )
    posts_per_week = WholeNumberField(
        "Posts per week",
        [InputRequired()],
        high=100,
        message="Posts per week is 0 to 100.",
    )
    # Not required: a post without it keeps the stored zone (the select refuses unknown ones).
    timezone = SelectField(
        "Timezone",
        description="Where your day starts: follow-ups due today, months and times use it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.niche.choices = choices(market().niche_choices())
        self.timezone.choices = timezone_choices(self.timezone.data)

    def validate_tiktok_handle(self, field: LineField) -> None:
        """The same reading as the service, so the message sits beside the field."""
        try:
            links.clean_handle(field.data)
        except links.NotAHandle:
            raise ValidationError(HANDLE_MESSAGE) from None


def timezone_choices(current: str | None) -> list[SelectChoice]:
    """The zones grouped by area; a stored alias (Asia/Calcutta) stays choosable."""
    zones = _zone_choices()
    if current and current not in _zone_names() and dates.is_known_zone(current):
        return [*zones, SelectChoice(current, current, optgroup="Other")]
    return list(zones)


@cache
def _zone_choices() -> tuple[SelectChoice, ...]:
    # Built once: WTForms hands each choice back as it is when it already names its group,
    # where a dict of groups is copied choice by choice on every render.
    return tuple(
        SelectChoice(value, label, optgroup=area)
        for area, zones in dates.zone_groups()
        for value, label in zones
    )


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(choice.value for choice in _zone_choices())
