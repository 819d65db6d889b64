"""The public media kit as plain values: what /kit/<slug>, its JSON and its PDF show.

Only what is public by design leaves here: the profile's name, handle and niche, the bio,
figures computed from the stats, audience shares, picked video titles, ticked brand names
and the rate card. A handful of queries whatever the account holds.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.add_on_policy.services import saved_percents
from crm.brands.models import Brand
from crm.emails.wording import profile_url
from crm.imports.models import FollowerShare
from crm.kit import figures, rate_card
from crm.kit.models import PRICE_KINDS, KitBrand, KitVideo, MediaKit
from crm.kit.services import BRANDS_MAX, VIDEOS_MAX, hidden_blocks
from crm.market.facts import Market
from crm.ownership import owned
from crm.stats import metrics
from crm.stats.models import PortfolioVideo, StatsSnapshot

TERRITORIES_SHOWN = 5


@dataclass(frozen=True)
class Figures:
    followers: int
    followers_text: str
    average_views_text: str
    engagement_text: str
    growth_text: str
    as_of: date | None
    engagement_words: str = figures.ENGAGEMENT_WORDS
    growth_words: str = figures.GROWTH_WORDS


@dataclass(frozen=True)
class Share:
    label: str
    text: str


@dataclass(frozen=True)
class Video:
    title: str
    url: str
    views_text: str


@dataclass(frozen=True)
class KitPage:
    slug: str
    name: str
    handle: str
    profile_url: str
    niche: str
    bio: str
    hidden: frozenset[str]
    figures: Figures
    genders: tuple[Share, ...]
    territories: tuple[Share, ...]
    videos: tuple[Video, ...]
    brands: tuple[str, ...]
    rates: tuple[rate_card.RateLine, ...]
    add_ons: tuple[rate_card.AddOnLine, ...]

    def shows(self, block: str) -> bool:
        return block not in self.hidden

    def as_json(self) -> dict[str, Any]:
        """The same public data for a link-in-bio tool; hidden blocks are left out."""
        found: dict[str, Any] = {
            "name": self.name,
            "handle": self.handle,
            "profile_url": self.profile_url,
            "niche": self.niche,
        }
        if self.shows("bio"):
            found["bio"] = self.bio
        if self.shows("figures"):
            f = self.figures
            found["figures"] = {
                "followers": f.followers,
                "followers_text": f.followers_text,
                "average_views": f.average_views_text,
                "engagement_rate": f.engagement_text,
                "engagement_rate_formula": f.engagement_words,
                "follower_growth_30_days": f.growth_text,
                "follower_growth_formula": f.growth_words,
                "as_of": f.as_of.isoformat() if f.as_of else None,
            }
        if self.shows("audience"):
            found["audience"] = {
                "gender": [{"label": s.label, "share": s.text} for s in self.genders],
                "territories": [{"label": s.label, "share": s.text} for s in self.territories],
            }
        if self.shows("videos"):
            found["videos"] = [
                {"title": v.title, "url": v.url, "views": v.views_text} for v in self.videos
            ]
        if self.shows("brands"):
            found["brands"] = list(self.brands)
        if self.shows("rates"):
            found["rates"] = [
                {"kind": r.kind, "label": r.label, "from": r.text, "from_cents": r.cents,
                 "currency": r.currency} for r in self.rates
            ]  # fmt: skip
            found["add_ons"] = [{"label": a.label, "percent": a.percent} for a in self.add_ons]
        return found


def published_kit(session: Session, slug: str) -> tuple[MediaKit, User] | None:
    """The kit at `slug` and its creator, when it is turned on; None otherwise (one query)."""
    row = session.execute(
        select(MediaKit, User)
        .join(User, User.id == MediaKit.owner_id)
        .where(MediaKit.slug == slug, MediaKit.enabled)
    ).one_or_none()
    return (row[0], row[1]) if row else None


def kit_page(session: Session, kit: MediaKit, user: User, m: Market) -> KitPage:
    """Everything the kit shows, read for `user` (six queries)."""
    latest, earlier = _snapshots(session, user.id)
    shown = _figures(user, latest, earlier)
    genders, territories = _audience(session, user.id)
    who = rate_card.Creator(
        followers=shown.followers,
        niche=user.niche,
        experience=user.ugc_experience,
        engagement=_engagement(latest),
        portfolio_count=_portfolio_count(session, user.id, rate_card.portfolio_weighed(m)),
        currency=user.currency,
    )
    own = {kind: getattr(kit, f"{kind}_cents") for kind in PRICE_KINDS}
    return KitPage(
        slug=kit.slug or "",
        name=user.display_name.strip() or user.handle_display,
        handle=user.handle_display,
        profile_url=profile_url(user.tiktok_handle),
        niche=m.niche_label(user.niche) if user.niche != "other" else "",
        bio=kit.bio,
        hidden=hidden_blocks(kit),
        figures=shown,
        genders=genders,
        territories=territories,
        videos=_videos(session, kit),
        brands=_brands(session, user.id),
        rates=tuple(rate_card.rate_lines(own, who, m)),
        add_ons=tuple(rate_card.add_on_lines(saved_percents(session, user.id), m)),
    )


def _snapshots(
    session: Session, owner_id: int
) -> tuple[StatsSnapshot | None, StatsSnapshot | None]:
    """The newest snapshot, and the newest one at least GROWTH_DAYS before it."""
    latest = session.scalars(
        owned(StatsSnapshot, owner_id).order_by(StatsSnapshot.taken_on.desc()).limit(1)
    ).first()
    if latest is None:
        return None, None
    cutoff = latest.taken_on - timedelta(days=figures.GROWTH_DAYS)
    earlier = session.scalars(
        owned(StatsSnapshot, owner_id)
        .where(StatsSnapshot.taken_on <= cutoff)
        .order_by(StatsSnapshot.taken_on.desc())
        .limit(1)
    ).first()
    return latest, earlier


def _engagement(latest: StatsSnapshot | None) -> float | None:
    if latest is None:
        return None
    return metrics.engagement_rate(latest.likes, latest.comments, latest.shares, latest.video_views)


def _figures(user: User, latest: StatsSnapshot | None, earlier: StatsSnapshot | None) -> Figures:
    followers = latest.followers if latest else (user.followers or 0)
    average = metrics.average_views(latest.video_views, latest.posts) if latest else None
    growth = (
        metrics.growth_rate(earlier.followers, latest.followers) if latest and earlier else None
    )
    return Figures(
        followers=followers,
        followers_text=figures.people(followers) if followers else "",
        average_views_text=figures.people(round(average)) if average else "",
        engagement_text=figures.percent(_engagement(latest)),
        growth_text=figures.signed_percent(growth),
        as_of=latest.taken_on if latest else None,
    )


def _audience(session: Session, owner_id: int) -> tuple[tuple[Share, ...], tuple[Share, ...]]:
    rows = session.execute(
        owned(FollowerShare, owner_id, FollowerShare.dimension, FollowerShare.key,
              FollowerShare.share_millionths)
        .where(FollowerShare.dimension.in_(("gender", "territory")))
        .order_by(FollowerShare.share_millionths.desc(), FollowerShare.key)
    ).all()  # fmt: skip
    genders = tuple(Share(key, figures.share(part)) for dim, key, part in rows if dim == "gender")
    territories = tuple(
        Share(key, figures.share(part)) for dim, key, part in rows if dim == "territory"
    )
    return genders, territories[:TERRITORIES_SHOWN]


def _portfolio_count(session: Session, owner_id: int, most: int) -> int:
    """The portfolio's videos counted up to `most`: past it the rate card is the same, and
    a count of every video reads the whole portfolio on each request."""
    first = owned(PortfolioVideo, owner_id, PortfolioVideo.id).limit(most).subquery()
    return session.scalar(select(func.count()).select_from(first)) or 0


def _videos(session: Session, kit: MediaKit) -> tuple[Video, ...]:
    if kit.videos_by_views:
        # Along ix_portfolio_videos_owner_views: the top six, not a sort of the portfolio.
        found = list(
            session.scalars(
                owned(PortfolioVideo, kit.owner_id)
                .order_by(PortfolioVideo.views.desc(), PortfolioVideo.id.desc())
                .limit(VIDEOS_MAX)
            )
        )
    else:
        # The picks (at most VIDEOS_MAX, kit.services) sorted here: an ORDER BY in SQL lets
        # the planner walk the whole portfolio by views looking for them.
        picked = session.scalars(
            owned(PortfolioVideo, kit.owner_id)
            .join(KitVideo, KitVideo.video_id == PortfolioVideo.id)
            .where(KitVideo.owner_id == kit.owner_id)
        )
        found = heapq.nlargest(VIDEOS_MAX, picked, key=lambda v: (v.views, v.id))
    return tuple(Video(v.title, v.url, figures.people(v.views)) for v in found)


def _brands(session: Session, owner_id: int) -> tuple[str, ...]:
    names = session.scalars(
        owned(KitBrand, owner_id, Brand.name)
        .select_from(KitBrand)
        .join(Brand, Brand.id == KitBrand.brand_id)
        .where(Brand.owner_id == owner_id)
        .order_by(Brand.name_key, Brand.id)
        .limit(BRANDS_MAX)
    )
    return tuple(names)
