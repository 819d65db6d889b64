"""The imports page's forms: the upload, the column mapping of a creator's own CSV, the import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectMultipleField, ValidationError
from wtforms.validators import Length, Optional, Regexp

from crm.forms import BoundedDateField, HiddenLineField, LineField, SelectField, choices
from crm.imports.committing import FILE_NAME_MAX
from crm.imports.mappings import COLUMN_NAME_MAX, DECIMALS
from crm.imports.readers.mapped import DAY_ORDERS, MAPPING_FIELDS, STATUSES, ColumnMapping
from crm.imports.videos import NEW_SHOWN

SOURCES = [
    ("", "Recognise it for me"),
    ("tiktok", "TikTok Studio analytics"),
    ("ltk", "LTK earnings"),
    ("amazon", "Amazon Associates earnings"),
    ("tiktok-shop", "TikTok Shop affiliate orders"),
]
SHA = Regexp(r"^[0-9a-f]{64}$", message="The upload expired: choose the file again.")
NOT_MAPPED = ("", "(none)")


class UploadForm(FlaskForm):
    file = FileField(
        "Your export",
        validators=[FileRequired("Choose the file you downloaded.")],
        render_kw={"accept": ".csv,.tsv,.txt,.zip,.xlsx,text/csv"},
    )
    source = SelectField("What it is", choices=choices(SOURCES), validators=[Optional()])

    def validate_file(self, field: FileField) -> None:
        name = getattr(field.data, "filename", "") or ""
        if len(name) > FILE_NAME_MAX:
            raise ValidationError(
                f"The file's name is longer than {FILE_NAME_MAX} characters: rename it first."
            )


class KeptUploadForm(FlaskForm):
    """What every step after the upload carries: which kept file, under which name."""

    upload = HiddenLineField(validators=[SHA, Length(max=64)])
    name = HiddenLineField(validators=[Length(max=255)])
    source = HiddenLineField(validators=[Optional(), Length(max=40)])


class MappingForm(KeptUploadForm):
    """Which column of a creator's own CSV holds what. The columns are the file's, known only
    once it is read: crm.imports.mappings.checked holds the picks to them, not the choices."""

    day = SelectField("Date", validators=[Optional()], validate_choice=False)
    amount = SelectField("Amount", validators=[Optional()], validate_choice=False)
    stream = SelectField("Stream", validators=[Optional()], validate_choice=False)
    brand = SelectField("Brand", validators=[Optional()], validate_choice=False)
    note = SelectField("Note", validators=[Optional()], validate_choice=False)
    day_order = SelectField("Dates are written", choices=choices(DAY_ORDERS.items()))
    decimal = SelectField("Cents are marked with", choices=choices(DECIMALS.items()))
    default_stream = SelectField("Lines without a stream count as", validate_choice=False)
    status = SelectField("The lines are", choices=choices(STATUSES.items()), default="paid")

    def set_columns(self, header: Sequence[str], streams: Mapping[str, str]) -> None:
        """Offer the file's columns (the optional ones can be left out) and the streams."""
        columns = [(name, name) for name in header if name]
        for field in (self.day, self.amount):
            field.choices = choices([("", "Pick a column"), *columns])
        for field in (self.stream, self.brand, self.note):
            field.choices = choices([NOT_MAPPED, *columns])
        self.default_stream.choices = choices(streams.items())
        if not self.default_stream.data:
            self.default_stream.data = ColumnMapping.default_stream

    def values(self) -> dict[str, str]:
        return mapping_values(self)


def mapping_values(form: FlaskForm) -> dict[str, str]:
    """The mapping a form carries, one plain value per ColumnMapping field ("" when empty)."""
    return {name: form[name].data or "" for name in MAPPING_FIELDS}


# A creator's own CSV: the mapping the preview used, as JSON-free plain hidden fields, one
# per ColumnMapping field.
_HiddenMapping = type(
    "_HiddenMapping",
    (),
    {name: HiddenLineField(validators=[Length(max=COLUMN_NAME_MAX)]) for name in MAPPING_FIELDS},
)


class CommitForm(KeptUploadForm, _HiddenMapping):
    """The import itself, with the corrections the preview offers."""

    mapping_fields = MAPPING_FIELDS  # for the page: the hidden fields to carry
    ends_on = BoundedDateField("Last day the export covers", validators=[Optional()])
    # The last day as read without a correction (ISO): the field shows it, and left as it is
    # it corrects nothing (TikTok's dates are read from today, not from a date given).
    ends_on_read = HiddenLineField(validators=[Optional(), Length(max=10)])
    rate = LineField("Exchange rate", validators=[Optional(), Length(max=20)])
    rate_currency = HiddenLineField(validators=[Optional(), Length(max=3)])
    # The videos not in the portfolio the creator ticked (their link keys): which exist is
    # the file's to say, so the service takes only keys the export has and ignores the rest.
    add_video = SelectMultipleField("Add to your portfolio", validate_choice=False)

    def picked_videos(self) -> frozenset[str]:
        """The ticked videos' keys (no more than the preview offers)."""
        return frozenset((self.add_video.data or [])[:NEW_SHOWN])


class ActionForm(FlaskForm):
    """A one-button action (undo an import): its CSRF token only."""
