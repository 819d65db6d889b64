"""Brand, contact, note, status, filter and import forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from crm.brands import normalise
from crm.brands.listing import SORTS
from crm.brands.models import BrandKind, BrandSource, BrandStatus
from crm.brands.search import QUERY_MAX
from crm.brands.search_text import TRIGRAM
from crm.brands.services import NOTE_MAX
from crm.forms import LineField, SelectField, WholeNumberField, choices
from crm.market.current import market


def enum_choices(kind: type[BrandKind | BrandSource | BrandStatus]) -> list[tuple[str, str]]:
    """(value, label) pairs of a brand enum."""
    return [(member.value, member.label) for member in kind]


class BrandForm(FlaskForm):
    name = LineField(
        "Brand name",
        validators=[InputRequired("Enter the brand's name."), Length(max=normalise.NAME_MAX)],
    )
    website = LineField(
        "Website",
        validators=[Optional(), Length(max=normalise.WEBSITE_MAX)],
        render_kw={"placeholder": "https://glowco.com", "inputmode": "url"},
    )
    tiktok_handle = LineField(
        "TikTok handle",
        validators=[Optional(), Length(max=60)],
        render_kw={"placeholder": "@glowco", "autocapitalize": "off"},
        description="The handle or a link to the brand's TikTok profile.",
    )
    tiktok_followers = WholeNumberField(
        "Brand's TikTok followers",
        [Optional()],
        high=normalise.FOLLOWERS_MAX,
        message=f"Enter 0 to {normalise.FOLLOWERS_MAX:,}.",
        too_low="0 or more, please.",
        too_high=f"At most {normalise.FOLLOWERS_MAX:,}; check for an extra digit.",
        render_kw={"min": 0},
        description="Brands with 500-5,000 followers answer pitches most often.",
    )
    product_category = SelectField("Product category")
    kind = SelectField("Kind of business", choices=choices(enum_choices(BrandKind)))
    source = SelectField("Found through", choices=choices(enum_choices(BrandSource)))
    runs_tiktok_ads = BooleanField(
        "Runs TikTok ads",
        description="Seen in the TikTok Ad Library: they have a budget and need creator content.",
    )
    status = SelectField("Status", choices=choices(enum_choices(BrandStatus)))
    tags = LineField(
        "Tags",
        validators=[Optional(), Length(max=600)],
        description="Separate with commas: skincare, q4, gifting.",
    )
    notes = TextAreaField(
        "Notes",
        validators=[
            Optional(),
            Length(
                max=normalise.NOTES_MAX,
                message=f"Keep notes under {normalise.NOTES_MAX:,} characters; nothing was saved.",
            ),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.product_category.choices = choices(market().category_choices())


class ContactForm(FlaskForm):
    name = LineField(
        "Name",
        validators=[
            InputRequired("Enter the contact's name."),
            Length(max=normalise.CONTACT_NAME_MAX),
        ],
    )
    email = EmailField(
        "Email",
        validators=[
            Optional(),
            Length(max=normalise.EMAIL_MAX),
            Email(check_deliverability=False, message="Enter an email like anna@glowco.com."),
        ],
        render_kw={"autocomplete": "off"},
    )
    role = LineField(
        "Role",
        validators=[Optional(), Length(max=normalise.ROLE_MAX)],
        render_kw={"placeholder": "Marketing manager"},
    )
    is_primary = BooleanField("Primary contact", description="Pitches go to this person first.")


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Add a note",
        validators=[
            InputRequired("Write something in the note first."),
            Length(max=NOTE_MAX, message=f"Keep a note under {NOTE_MAX:,} characters."),
        ],
        render_kw={"rows": 3, "placeholder": "Called the shop; the owner asked for rates."},
    )


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=choices(enum_choices(BrandStatus)))


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a .csv file to import.")],
        render_kw={"accept": ".csv,text/csv"},
    )


class FilterForm(FlaskForm):
    """The brand list's search and filters: read from the query string, no CSRF (GET)."""

    class Meta:
        csrf = False

    q = LineField(
        "Search",
        validators=[Optional(), Length(max=QUERY_MAX)],
        render_kw={"placeholder": "Name, @handle or contact email", "type": "search"},
        description=(
            f"Type {TRIGRAM} letters or more to find them anywhere in a name, @handle or"
            " contact; fewer letters find those that start with them."
        ),
    )
    status = SelectField("Status", validators=[Optional()])
    category = SelectField("Category", validators=[Optional()])
    source = SelectField("Source", validators=[Optional()])
    tag = SelectField("Tag", validators=[Optional()])
    good = BooleanField("Good targets only")
    sort = SelectField("Sort by", validators=[Optional()])

    def __init__(self, tags: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = [("", "Any")]
        self.status.choices = choices(anything + enum_choices(BrandStatus))
        self.category.choices = choices(anything + market().category_choices())
        self.source.choices = choices(anything + enum_choices(BrandSource))
        self.tag.choices = choices(anything + [(tag, tag) for tag in tags])
        self.sort.choices = choices([(key, label) for key, (label, _order) in SORTS.items()])
