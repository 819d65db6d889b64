"""The media kit's settings form."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional

from crm.forms import LineField, RateField, choices
from crm.kit.models import BIO_MAX, PRICE_KINDS, SLUG_MAX
from crm.kit.rate_card import LABELS
from crm.kit.services import BLOCKS, KitSettings

VIDEO_CHOICES = [("views", "The app picks my most viewed videos"), ("picked", "The ones I tick")]


class SlugField(LineField):
    """The kit's address: trimmed and lower-cased (the service checks the rest)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.lower()


class KitForm(FlaskForm):
    enabled = BooleanField("Show my media kit to anyone with its address")
    slug = SlugField(
        "Address",
        validators=[Optional(), Length(max=SLUG_MAX)],
        description="Lowercase letters, digits and dashes, 3 to 40 (maya-makes-home). "
        "Changing it makes the old address stop working.",
    )
    bio = TextAreaField(
        "Bio",
        validators=[Optional(), Length(max=BIO_MAX)],
        description=f"A few lines about you and your videos, plain text, up to {BIO_MAX} "
        "characters.",
    )
    shown = SelectMultipleField("Blocks to show", choices=choices(BLOCKS))
    videos_by_views = RadioField("Best videos", choices=choices(VIDEO_CHOICES), default="views")
    video_ids = SelectMultipleField("Videos to show", coerce=int, choices=[])
    brand_ids = SelectMultipleField("Brands to show", coerce=int, choices=[])
    ugc_video = RateField(f"{LABELS['ugc_video']}, from", example="250")
    sponsored_post = RateField(f"{LABELS['sponsored_post']}, from", example="400")
    package = RateField(f"{LABELS['package']}, from", example="650")
    retainer = RateField(f"{LABELS['retainer']}, from", example="1,000")

    def price_fields(self) -> list[RateField]:
        return [getattr(self, kind) for kind in PRICE_KINDS]

    def settings(self) -> KitSettings:
        """The submitted settings (after validation)."""
        return KitSettings(
            enabled=bool(self.enabled.data),
            slug=self.slug.data or "",
            bio=(self.bio.data or "").replace("\r\n", "\n"),
            hidden=frozenset(key for key, _label in BLOCKS if key not in (self.shown.data or [])),
            videos_by_views=self.videos_by_views.data != "picked",
            video_ids=tuple(self.video_ids.data or ()),
            brand_ids=tuple(self.brand_ids.data or ()),
            prices={kind: getattr(self, kind).cents for kind in PRICE_KINDS},
        )
