"""Stats snapshot and portfolio video forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, Length, Optional

from crm.forms import (
    BoundedDateField,
    LineField,
    LinkField,
    SelectField,
    WholeNumberField,
    choices,
)
from crm.inputs import INT4_MAX
from crm.market.current import market
from crm.stats.services import COUNT_MAX, POSTS_MAX, TITLE_MAX, URL_MAX


def _count(
    label: str, description: str = "", most: int = COUNT_MAX, required: bool = True
) -> WholeNumberField:
    first = InputRequired(f"Enter {label.lower()} (0 if none).") if required else Optional()
    return WholeNumberField(
        label,
        [first],
        high=most,
        big=most > INT4_MAX,
        message=f"{label}: enter 0 to {most:,}.",
        too_low=f"{label} can't be negative.",
        too_high=f"{label}: at most {most:,}; check for an extra digit.",
        description=description,
        render_kw={"min": 0},
    )


class SnapshotForm(FlaskForm):
    taken_on = BoundedDateField(
        "Date", validators=[InputRequired("Pick the date of these numbers.")]
    )
    period_days = WholeNumberField(
        "Period (days)",
        [InputRequired()],
        low=1,
        high=365,
        message="1 to 365 days.",
        default=7,
        description="Views, likes, comments, shares and posts are totals over this many days.",
    )
    followers = _count("Followers", "Your follower count on that date.")
    video_views = _count("Video views")
    likes = _count("Likes")
    comments = _count("Comments")
    shares = _count("Shares")
    # Left empty, the count is unknown (stored as such, not as 0 posts).
    posts = _count(
        "Posts",
        "Videos posted in the period; leave empty if you don't know.",
        most=POSTS_MAX,
        required=False,
    )


class VideoForm(FlaskForm):
    url = LinkField(
        "Link",
        validators=[InputRequired("Paste the video's link."), Length(max=URL_MAX)],
        render_kw={"placeholder": "https://www.tiktok.com/@you/video/..."},
    )
    title = LineField("Title", validators=[InputRequired(), Length(max=TITLE_MAX)])
    product_category = SelectField("Product category")
    views = _count("Views")
    likes = _count("Likes")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.product_category.choices = choices(market().category_choices())
