"""Stats snapshot and portfolio video forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, URLField
from wtforms.validators import URL, InputRequired, Length, NumberRange

from crm.forms import choices
from crm.rates.seed import market

_COUNT_MAX = 10_000_000_000


def _count(label: str, description: str = "") -> IntegerField:
    return IntegerField(
        label,
        validators=[
            InputRequired(f"Enter {label.lower()} (0 if none)."),
            NumberRange(min=0, max=_COUNT_MAX, message=f"{label} can't be negative."),
        ],
        description=description,
        render_kw={"min": 0, "inputmode": "numeric"},
    )


class SnapshotForm(FlaskForm):
    taken_on = DateField("Date", validators=[InputRequired("Pick the date of these numbers.")])
    period_days = IntegerField(
        "Period (days)",
        default=7,
        validators=[InputRequired(), NumberRange(min=1, max=365, message="1 to 365 days.")],
        description="Views, likes, comments, shares and posts are totals over this many days.",
    )
    followers = _count("Followers", "Your follower count on that date.")
    video_views = _count("Video views")
    likes = _count("Likes")
    comments = _count("Comments")
    shares = _count("Shares")
    posts = _count("Posts", "Videos posted in the period.")


class VideoForm(FlaskForm):
    url = URLField(
        "Link",
        validators=[
            InputRequired("Paste the video's link."),
            Length(max=500),
            URL(require_tld=True, message="Enter a full link, starting with https://"),
        ],
        render_kw={"placeholder": "https://www.tiktok.com/@you/video/..."},
    )
    title = StringField("Title", validators=[InputRequired(), Length(max=200)])
    product_category = SelectField("Product category")
    views = _count("Views")
    likes = _count("Likes")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.product_category.choices = choices(market().category_choices())

    def validate_url(self, field: URLField) -> None:
        from wtforms.validators import ValidationError

        if not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a full link, starting with https://")
