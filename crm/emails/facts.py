"""What an email is written from, read from the database into plain values."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.add_on_policy.services import saved_percents
from crm.brands.models import Brand, Contact
from crm.kit.services import public_kit_url
from crm.ownership import owned
from crm.pitches import followups
from crm.pitches.models import Pitch, PitchKind
from crm.stats import services as stats
from crm.stats.followers import follower_count
from crm.stats.models import PortfolioVideo


@dataclass(frozen=True)
class VideoFact:
    title: str
    url: str
    views: int
    category: str


@dataclass(frozen=True)
class PitchFact:
    """The pitch an email follows up on or answers."""

    kind: PitchKind
    subject: str
    quoted_cents: int | None
    currency: str
    followups_sent: int


@dataclass(frozen=True)
class Facts:
    """The creator, their numbers, the brand and its contact, and the pitch if any."""

    creator_name: str
    creator_handle: str
    creator_email: str
    niche: str
    followers: int
    experience: str
    currency: str
    turnaround_days: int
    has_snapshot: bool
    engagement: float | None
    average_views: float | None
    videos: tuple[VideoFact, ...]
    portfolio_count: int
    brand_id: int
    brand_name: str
    brand_category: str
    brand_note: str = ""
    contact_id: int | None = None
    contact_name: str = ""
    contact_email: str = ""
    pitch: PitchFact | None = None
    followups_planned: int = 3
    add_on_percents: dict[str, int] = field(default_factory=dict)
    media_kit_url: str = ""  # empty while the kit is off


def contact_for(brand: Brand, pitch: Pitch | None) -> Contact | None:
    """Who the email goes to: the pitch's contact, else the brand's primary contact."""
    if pitch is not None and pitch.contact is not None:
        return pitch.contact
    return next((c for c in brand.contacts if c.is_primary), None)


def _pitch_fact(pitch: Pitch | None) -> PitchFact | None:
    if pitch is None:
        return None
    return PitchFact(
        kind=pitch.kind,
        subject=pitch.subject,
        quoted_cents=pitch.quoted_cents,
        currency=pitch.currency,
        followups_sent=pitch.followups_sent,
    )


def gather(
    session: Session, user: User, brand: Brand, pitch: Pitch | None = None, video_count: int = 3
) -> Facts:
    """Everything the templates need, as plain values (no rows reach the sandbox)."""
    latest = stats.latest(session, user.id)
    picked = stats.pick_videos(session, user.id, brand.product_category, video_count)
    portfolio_count = session.scalar(owned(PortfolioVideo, user.id, func.count())) or 0
    contact = contact_for(brand, pitch)
    return Facts(
        creator_name=user.display_name.strip(),
        creator_handle=user.handle_display,
        creator_email=user.email,
        niche=user.niche,
        followers=follower_count(user, latest.snapshot.followers if latest else None),
        experience=user.ugc_experience,
        currency=user.currency,
        turnaround_days=user.turnaround_days,
        has_snapshot=latest is not None,
        engagement=latest.engagement if latest else None,
        average_views=latest.average_views if latest else None,
        videos=tuple(VideoFact(v.title, v.url, v.views, v.product_category) for v in picked),
        portfolio_count=portfolio_count,
        brand_id=brand.id,
        brand_name=brand.name,
        brand_category=brand.product_category,
        brand_note=brand.notes or "",
        contact_id=contact.id if contact else None,
        contact_name=contact.name if contact else "",
        contact_email=contact.email if contact else "",
        pitch=_pitch_fact(pitch),
        followups_planned=len(followups.user_cadence(user)),
        add_on_percents=saved_percents(session, user.id),
        media_kit_url=public_kit_url(session, user.id),
    )
