"""The media kit's settings: read, check and save them (the public page reads crm.kit.page)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm import database
from crm.accounts.mail import absolute_url
from crm.brands.models import Brand, BrandStatus
from crm.config import DEFAULTS
from crm.database import utcnow
from crm.errors import FieldError
from crm.kit.models import (
    BIO_MAX,
    PRICE_KINDS,
    SLUG_MAX,
    KitBrand,
    KitSlugHold,
    KitVideo,
    MediaKit,
)
from crm.money import MAX_CENTS
from crm.ownership import owned
from crm.stats.models import PortfolioVideo

SLUG_MIN = 3
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Addresses that would read as the app's own pages, or pretend to be someone official.
RESERVED_SLUGS = frozenset(
    {
        "admin", "api", "app", "about", "account", "dashboard", "demo", "edit", "help",
        "kit", "login", "logout", "new", "official", "pdf", "preview", "register",
        "settings", "signup", "static", "support", "tiktok", "www",
    }
)  # fmt: skip

# The blocks of the public page, in page order: key and the label the settings show.
BLOCKS: tuple[tuple[str, str], ...] = (
    ("bio", "Bio"),
    ("figures", "Live figures (followers, views, engagement, growth)"),
    ("audience", "Audience (gender, top territories)"),
    ("videos", "Best videos"),
    ("brands", "Brands I've worked with"),
    ("rates", "Rate card"),
)
BLOCK_KEYS = frozenset(key for key, _label in BLOCKS)
# The most videos and brands a kit shows: a kit is one page.
VIDEOS_MAX = 6
BRANDS_MAX = 12


class KitError(FieldError):
    """A refused kit setting; `field` names the form field it belongs beside."""


@dataclass(frozen=True)
class KitSettings:
    enabled: bool
    slug: str
    bio: str
    hidden: frozenset[str] = frozenset()
    videos_by_views: bool = True
    video_ids: tuple[int, ...] = ()
    brand_ids: tuple[int, ...] = ()
    # Own "from" prices in cents by kind (PRICE_KINDS); None: the rates service's figure.
    prices: dict[str, int | None] = field(default_factory=dict)


def slug_problem(slug: str) -> str | None:
    """Why `slug` can't be a kit's address, or None."""
    if not SLUG_MIN <= len(slug) <= SLUG_MAX:
        return f"{SLUG_MIN} to {SLUG_MAX} characters."
    if not SLUG_PATTERN.fullmatch(slug):
        return "Lowercase letters a-z, digits and single dashes between them (maya-makes-home)."
    if slug in RESERVED_SLUGS:
        return "That address is reserved: pick another."
    return None


SLUG_TAKEN = "That address is taken: pick another."
SLUG_HELD = "That address was someone's recently: pick another."


def hold_period() -> timedelta:
    """How long an address a creator gave up stays theirs (CRM_KIT_SLUG_HOLD_DAYS)."""
    days = (current_app.config if has_app_context() else DEFAULTS)["KIT_SLUG_HOLD_DAYS"]
    return timedelta(days=days)


def _held_for_others(where: Any, owner_id: int, now: datetime) -> Any:
    """The slugs matching `where` another creator gave up inside the hold period."""
    return select(KitSlugHold.slug).where(
        where, KitSlugHold.owner_id != owner_id, KitSlugHold.released_at > now - hold_period()
    )


def slug_taken(session: Session, slug: str, owner_id: int) -> bool:
    """Whether another creator's kit has `slug`."""
    taken = session.scalar(
        select(MediaKit.id).where(MediaKit.slug == slug, MediaKit.owner_id != owner_id)
    )
    return taken is not None


def slug_held(session: Session, slug: str, owner_id: int) -> bool:
    """Whether another creator gave `slug` up lately (it is held for them)."""
    held = _held_for_others(KitSlugHold.slug == slug, owner_id, database.utcnow())
    return session.scalar(held.limit(1)) is not None


def slug_free(session: Session, slug: str, owner_id: int) -> bool:
    """Whether `slug` can be this creator's: no other kit has it, nobody else holds it."""
    return not slug_taken(session, slug, owner_id) and not slug_held(session, slug, owner_id)


def free_slug(session: Session, slug: str, owner_id: int) -> str:
    """`slug` if no other creator's kit has it, else the first free `slug-2`, `slug-3`...

    Two queries: the kits' and the holds' slugs sharing the longest prefix any variant
    keeps (up to "-999").
    """
    prefix = slug[: SLUG_MAX - 5]
    taken = set(
        session.scalars(
            select(MediaKit.slug).where(
                MediaKit.slug.startswith(prefix, autoescape=True), MediaKit.owner_id != owner_id
            )
        )
    )
    held = KitSlugHold.slug.startswith(prefix, autoescape=True)
    taken |= set(session.scalars(_held_for_others(held, owner_id, database.utcnow())))
    if slug not in taken:
        return slug
    for number in range(2, 1000):
        suffix = f"-{number}"
        candidate = slug[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken and slug_problem(candidate) is None:
            return candidate
    raise KitError("Every variant of that address is taken: pick another.", field="slug")


def kit_of(session: Session, owner_id: int) -> MediaKit | None:
    """The creator's kit, None before they first save its settings."""
    return session.scalars(owned(MediaKit, owner_id)).one_or_none()


def public_kit_url(session: Session, owner_id: int) -> str:
    """The kit's public link while it is on (for emails: under the configured base URL);
    empty while it is off."""
    slug = session.scalar(
        owned(MediaKit, owner_id, MediaKit.slug).where(MediaKit.enabled, MediaKit.slug.is_not(None))
    )
    return absolute_url("kit.page", slug=slug) if slug else ""


def hidden_blocks(kit: MediaKit) -> frozenset[str]:
    return frozenset(key for key in kit.hidden_blocks.split(",") if key in BLOCK_KEYS)


def ticked_brand_ids(session: Session, owner_id: int) -> set[int]:
    return set(session.scalars(owned(KitBrand, owner_id, KitBrand.brand_id)))


def picked_video_ids(session: Session, owner_id: int) -> set[int]:
    return set(session.scalars(owned(KitVideo, owner_id, KitVideo.video_id)))


def check_settings(session: Session, owner_id: int, data: KitSettings) -> None:
    """Refuse a bad address, a long bio, prices out of range, and picks that aren't theirs."""
    if data.slug or data.enabled:
        problem = slug_problem(data.slug) if data.slug else "Choose an address to turn it on."
        if problem:
            raise KitError(problem, field="slug")
        if slug_taken(session, data.slug, owner_id):
            raise KitError(SLUG_TAKEN, field="slug")
        if slug_held(session, data.slug, owner_id):
            raise KitError(SLUG_HELD, field="slug")
    if len(data.bio) > BIO_MAX:
        raise KitError(f"Keep it under {BIO_MAX} characters.", field="bio")
    if "\x00" in data.bio or "<" in data.bio:
        raise KitError("Plain text only: no < or HTML.", field="bio")
    if not data.hidden <= BLOCK_KEYS:
        raise KitError("Unknown block.", field="shown")
    for kind, cents in data.prices.items():
        if kind not in PRICE_KINDS:
            raise KitError("Unknown kind of work.", field=kind)
        if cents is not None and not 0 <= cents <= MAX_CENTS:
            raise KitError(f"Enter 0 to {MAX_CENTS // 100:,}.", field=kind)
    if len(data.video_ids) > VIDEOS_MAX:
        raise KitError(f"Pick up to {VIDEOS_MAX} videos.", field="video_ids")
    if len(data.brand_ids) > BRANDS_MAX:
        raise KitError(f"Tick up to {BRANDS_MAX} brands.", field="brand_ids")
    _check_owned(session, owner_id, PortfolioVideo, data.video_ids, "video_ids")
    _check_owned(session, owner_id, Brand, data.brand_ids, "brand_ids")


def _check_owned(
    session: Session,
    owner_id: int,
    model: type[Brand] | type[PortfolioVideo],
    ids: tuple[int, ...],
    name: str,
) -> None:
    if not ids:
        return
    found = set(session.scalars(owned(model, owner_id, model.id).where(model.id.in_(ids))))
    if found != set(ids):
        raise KitError("Pick from your own list.", field=name)


def save_settings(session: Session, owner_id: int, data: KitSettings) -> MediaKit:
    """Check and store the kit's settings, its picked videos and ticked brands; flushes."""
    check_settings(session, owner_id, data)
    kit = kit_of(session, owner_id) or MediaKit(owner_id=owner_id)
    kit.enabled = data.enabled
    _move_slug(session, owner_id, kit.slug, data.slug or None)
    kit.slug = data.slug or None
    kit.bio = data.bio.strip()
    kit.hidden_blocks = ",".join(key for key, _label in BLOCKS if key in data.hidden)
    kit.videos_by_views = data.videos_by_views
    kit.updated_at = utcnow()  # picks live in their own tables: the kit row marks the change
    for kind in PRICE_KINDS:
        setattr(kit, f"{kind}_cents", data.prices.get(kind))
    session.add(kit)
    _replace(session, owner_id, KitVideo, "video_id", data.video_ids)
    _replace(session, owner_id, KitBrand, "brand_id", data.brand_ids)
    session.flush()
    return kit


def _move_slug(session: Session, owner_id: int, old: str | None, new: str | None) -> None:
    """Hold the address given up for its creator; the one taken is a kit's again."""
    if old == new:
        return
    # An address taken is no longer held: the creator's own hold, or one that ended.
    stale = [slug for slug in (old, new) if slug]
    session.execute(delete(KitSlugHold).where(KitSlugHold.slug.in_(stale)))
    if old:
        session.add(KitSlugHold(owner_id=owner_id, slug=old, released_at=database.utcnow()))


def _replace(
    session: Session,
    owner_id: int,
    model: type[KitBrand] | type[KitVideo],
    column: str,
    ids: tuple[int, ...],
) -> None:
    session.execute(delete(model).where(model.owner_id == owner_id))
    for row_id in dict.fromkeys(ids):
        session.add(model(owner_id=owner_id, **{column: row_id}))


# The most rows a settings list offers to pick from.
CHOICES_MAX = 60


def video_choices(session: Session, owner_id: int) -> list[PortfolioVideo]:
    """The portfolio's most viewed videos, to pick from."""
    return list(
        session.scalars(
            owned(PortfolioVideo, owner_id)
            .order_by(PortfolioVideo.views.desc(), PortfolioVideo.id.desc())
            .limit(CHOICES_MAX)
        )
    )


def brand_choices(session: Session, owner_id: int) -> list[Brand]:
    """The brands to tick from, by name: the latest clients (brands worked with) and those
    already ticked (two queries, each on an index)."""
    clients = session.scalars(
        owned(Brand, owner_id)
        .where(Brand.status == BrandStatus.CLIENT)
        .order_by(Brand.updated_at.desc(), Brand.id.desc())
        .limit(CHOICES_MAX)
    )
    ticked = session.scalars(
        owned(Brand, owner_id)
        .join(KitBrand, KitBrand.brand_id == Brand.id)
        .where(KitBrand.owner_id == owner_id)
    )
    found = {brand.id: brand for brand in [*ticked, *clients]}
    return sorted(found.values(), key=lambda brand: (brand.name_key, brand.id))
