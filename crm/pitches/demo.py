"""Demo pitches: every stage of the pipeline over the demo brands, with follow-ups due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.brands.models import Brand, BrandStatus
from crm.brands.services import change_status
from crm.database import utcnow
from crm.ownership import owned
from crm.pitches import followups, services
from crm.pitches.models import Pitch, PitchChannel, PitchKind, PitchStatus

S = PitchStatus

# No season, month or figure in the copy: demo dates are relative to the day it is created.
BODY = (
    "Hi {contact},\n\n"
    "I'm {creator}, a home and lifestyle creator on TikTok, and I'd love to make {what} "
    "for {brand}.\n\n"
    "You'd get native-feeling videos you can post or run as ads, delivered within "
    "{turnaround}. Happy to send samples from my portfolio.\n\n"
    "Would a quick call this week work?\n\n{creator}\n"
)
WHAT = {
    PitchKind.UGC: "UGC videos",
    PitchKind.RETAINER: "a monthly set of UGC videos",
    PitchKind.SPONSORSHIP: "a sponsored video",
    PitchKind.AFFILIATE: "videos for your affiliate program",
}


@dataclass(frozen=True)
class Story:
    """One demo pitch: what it offers and (status, days ago) for each move it made."""

    kind: PitchKind
    channel: PitchChannel
    quote: int | None
    subject: str
    moves: tuple[tuple[PitchStatus | str, int], ...]
    # The demo brand (seed/demo_brands.toml) it fits; any brand when that one is gone.
    brand: str = ""
    # Where the creator put the brand after the last move (a lost brand goes quiet).
    brand_after: BrandStatus | None = None


K, C = PitchKind, PitchChannel

# Pitches whose dates don't depend on the cadence: (status, days ago) for each move.
SETTLED: tuple[Story, ...] = (
    Story(K.UGC, C.EMAIL, 350_00, "3 UGC videos for your next launch", (), brand="PawPantry"),
    Story(
        K.SPONSORSHIP,
        C.DM,
        180_00,
        "Sponsored kitchen-organising video",
        (),
        brand="Fold Kitchen Tools",
    ),
    Story(
        K.SPONSORSHIP,
        C.EMAIL,
        250_00,
        "Sponsored post for your new scent",
        ((S.SENT, 1),),
        brand="Herb & Hearth Candles",
    ),
    Story(
        K.UGC,
        C.MARKETPLACE,
        200_00,
        "Billo brief: unboxing video",
        ((S.SENT, 10), (S.REPLIED, 6)),
        brand="Lumen Desk Lamps",
    ),
    Story(
        K.RETAINER,
        C.EMAIL,
        1_500_00,
        "Monthly UGC retainer: 4 videos",
        ((S.SENT, 20), (S.REPLIED, 15), (S.NEGOTIATING, 12)),
        brand="Tidy Tots",
    ),
    Story(
        K.UGC,
        C.EMAIL,
        400_00,
        "UGC bundle for your storage line",
        ((S.SENT, 40), (S.REPLIED, 35), (S.NEGOTIATING, 33), (S.WON, 30)),
        brand="Nestwell Storage",
    ),
    Story(
        K.UGC,
        C.DM,
        150_00,
        "Short UGC clip for the new drawer organiser",
        ((S.SENT, 8), (S.REPLIED, 5), (S.WON, 3)),
        brand="Nestwell Storage",
    ),
    Story(
        K.SPONSORSHIP,
        C.EMAIL,
        300_00,
        "Sponsored review video",
        ((S.SENT, 50), (S.REPLIED, 45), (S.LOST, 40)),
        brand="Verde Plant Studio",
        brand_after=BrandStatus.DORMANT,
    ),
    # The sponsored review fell through; the studio came back for UGC, and it was won.
    Story(
        K.UGC,
        C.EMAIL,
        200_00,
        "Two plant-care videos for the studio",
        ((S.SENT, 26), (S.REPLIED, 24), (S.WON, 21)),
        brand="Verde Plant Studio",
        brand_after=BrandStatus.CLIENT,
    ),
    Story(
        K.UGC,
        C.EMAIL,
        275_00,
        "UGC videos with 90 days of ad usage",
        ((S.SENT, 12), (S.REPLIED, 8), (S.NEGOTIATING, 6)),
        brand="Glow Theory Skincare",
    ),
    Story(
        K.UGC,
        C.EMAIL,
        250_00,
        "UGC for your new cold brew",
        ((S.SENT, 60), (S.GHOSTED, 30)),
        brand="Blue Harbor Coffee",
    ),
    Story(
        K.AFFILIATE,
        C.DM,
        None,
        "Affiliate link in my home-tour videos",
        ((S.SENT, 25), (S.DECLINED, 20)),
        brand="StrideFit Bands",
    ),
)


def _due_stories(steps: tuple[int, ...]) -> list[Story]:
    """Sent pitches placed by the cadence: one due today, two overdue."""
    first, second = steps[0], steps[min(1, len(steps) - 1)]
    return [
        Story(
            K.UGC,
            C.EMAIL,
            300_00,
            "UGC ad videos: quick idea",
            ((S.SENT, first),),
            brand="Nestwell Storage",
        ),
        Story(
            K.UGC,
            C.EMAIL,
            220_00,
            "A UGC creator for your client briefs",
            ((S.SENT, first + 5),),
            brand="UGC Hub Agency",
        ),
        Story(
            K.UGC,
            C.EMAIL,
            450_00,
            "Two UGC videos for your TikTok ads",
            ((S.SENT, first + second + 1), ("followup", second + 1)),
            brand="Crumb & Co Bakery",
        ),
    ]


def _create(session: Session, user: User, brand: Brand, story: Story, created: datetime) -> Pitch:
    contact = next((c for c in brand.contacts if c.is_primary), None)
    body = BODY.format(
        contact=contact.name.split()[0] if contact else "there",
        creator=user.display_name or "me",
        what=WHAT[story.kind],
        brand=brand.name,
        turnaround=f"{user.turnaround_days} day{'' if user.turnaround_days == 1 else 's'}",
    )
    data = services.PitchData(
        kind=story.kind,
        channel=story.channel,
        contact_id=contact.id if contact else None,
        quoted_cents=story.quote,
        currency=user.currency,
        subject=story.subject,
        body=body,
    )
    return services.create_pitch(session, user.id, brand.id, data, created)


def populate(session: Session, user: User) -> bool:
    """Add demo pitches over the user's brands unless there are pitches already."""
    if session.scalar(owned(Pitch, user.id, func.count(Pitch.id))):
        return False
    brands = list(session.scalars(owned(Brand, user.id).order_by(Brand.id)))
    if not brands:
        return False
    steps = followups.user_cadence(user)
    now = utcnow()
    by_name = {brand.name: brand for brand in brands}
    for index, story in enumerate([*_due_stories(steps), *SETTLED]):
        brand = by_name.get(story.brand) or brands[index % len(brands)]
        pitch = _create(session, user, brand, story, _drafted_at(story, brand, now, index))
        for move, days_ago in story.moves:
            # Whole days back, so a follow-up placed on today really is due today.
            at = now - timedelta(days=days_ago)
            if move == "followup":
                followups.log_followup(session, pitch, at, steps, confirmed=True)
            else:
                services.transition(session, pitch, PitchStatus(move), at, steps)
        if story.brand_after is not None:
            change_status(session, brand, story.brand_after, at=pitch.updated_at)
    return True


def _drafted_at(story: Story, brand: Brand, now: datetime, index: int) -> datetime:
    """A day before the pitch's first move, but never before the brand was found."""
    days = [days for _move, days in story.moves] or [1]
    drafted = now - timedelta(days=max(days) + 1, hours=index)
    return max(drafted, brand.created_at + timedelta(hours=1))
