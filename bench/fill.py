"""A realistic account, fast: one main creator with N brands and N pitches, a few others.

The rows are written by bench/tables.py (one `add_<table>` function per table). Ids are
given explicitly (the fill knows every brand's id without reading it back); PostgreSQL's
sequences are moved past them at the end.

Generation is deterministic and prefix-stable: brand i has the same name at 1,000 and at
100,000 rows, so a search for one name is the same query at both sizes.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.fill_deals import fill_deals
from bench.fill_imports import import_rows
from bench.tables import (
    Ids,
    add_activities,
    add_approval_link,
    add_brand_search,
    add_brands,
    add_calendar_feed,
    add_contacts,
    add_imports,
    add_income,
    add_media_kit,
    add_pitches,
    add_snapshots,
    add_tags,
    add_templates,
    add_videos,
)
from bench.words import FIRST, SECOND, SPECIAL_NAMES, TAGS
from crm.accounts import services as accounts
from crm.accounts.passwords import hash_password
from crm.brands.models import BrandKind, BrandSource, BrandStatus
from crm.database import utcnow
from crm.demo import DEMO_PROFILE
from crm.income.models import IncomeStatus
from crm.money import RATE_SCALE, convert
from crm.pitches.models import PitchChannel, PitchKind, PitchStatus
from crm.timeline.models import ActivityKind

MAIN_EMAIL = "bench@example.com"
PASSWORD = "bench-password-7f3a"  # noqa: S105 (a scratch database's login)
DAYS = 730  # two years of history

COMMON_WORD = "glow"  # about one brand name in seven
RARE_WORD = "zephyr"  # a handful of brands at any size
BRAND_STATUSES = {
    BrandStatus.LEAD: 45,
    BrandStatus.CONTACTED: 25,
    BrandStatus.IN_TALKS: 8,
    BrandStatus.CLIENT: 7,
    BrandStatus.DORMANT: 10,
    BrandStatus.NOT_A_FIT: 5,
}
# Most pitches end sent, ghosted or lost; fewer are won or in negotiation; some are drafts.
PITCH_STATUSES = {
    PitchStatus.DRAFT: 5,
    PitchStatus.SENT: 14,
    PitchStatus.REPLIED: 5,
    PitchStatus.NEGOTIATING: 4,
    PitchStatus.WON: 8,
    PitchStatus.LOST: 22,
    PitchStatus.GHOSTED: 35,
    PitchStatus.DECLINED: 7,
}
PITCH_KINDS = {
    PitchKind.UGC: 70,
    PitchKind.SPONSORSHIP: 12,
    PitchKind.AFFILIATE: 12,
    PitchKind.RETAINER: 6,
}
CHANNELS = {
    PitchChannel.EMAIL: 75,
    PitchChannel.DM: 15,
    PitchChannel.MARKETPLACE: 8,
    PitchChannel.IN_PERSON: 2,
}
CURRENCIES = {"USD": 90, "EUR": 5, "GBP": 5}
# Income: mostly UGC, then affiliate and brand deals; a rate for the entries in euros.
STREAMS = {"ugc": 45, "affiliate": 25, "brand": 15, "live": 10, "other": 5}
EURO_RATE = 1_080_000
CLOSED = {PitchStatus.WON, PitchStatus.LOST, PitchStatus.GHOSTED, PitchStatus.DECLINED}
ANSWERED = {PitchStatus.REPLIED, PitchStatus.NEGOTIATING, PitchStatus.WON, PitchStatus.LOST}
BODY = (
    "Hi {name} team,\n\nI'm a UGC creator making short, honest videos for home and lifestyle "
    "brands. I'd love to make two 30-second videos showing your product in a real routine, "
    "with raw files and 30 days of usage rights.\n\nMy recent videos average strong watch time "
    "and my audience saves and shares product videos. My rate starts at ${rate}.\n\n"
    "Would you be open to a quick chat?\n\nThanks,\nMaya"
)


@dataclass(frozen=True)
class Creator:
    """One account to fill: its share of the brands and pitches."""

    email: str
    brands: int
    pitches: int
    snapshots_every: int  # days between stats snapshots
    videos: int


@dataclass(frozen=True)
class Filled:
    """What the pages of the benchmark are built from."""

    owner_id: int
    brands: int
    pitches: int
    brand_id: int  # an ordinary brand with a few pitches and timeline lines
    pitch_id: int  # a sent pitch waiting for its first follow-up (written from a template)
    numbered_name: str  # a "Brand 42"-like name, the same at every size
    deal_id: int  # an active deal with deliverables and an invoice
    invoice_id: int  # a sent invoice with its lines
    calendar_token: str  # the secret of the creator's calendar feed URL
    approval_token: str = ""  # an approval link for deal_id's open deliverables
    kit_slug: str = ""  # the address of the creator's media kit (turned on)


_CUMULATIVE: dict[int, tuple[list[Any], list[float]]] = {}


def weighted(rng: random.Random, table: dict[Any, int]) -> Any:
    """One key of `table`, drawn with the weights its values give.

    The same draw as rng.choices(keys, cum_weights=...) (so the same data), without its
    per-call set-up, which was a tenth of a fill's time.
    """
    if id(table) not in _CUMULATIVE:
        _CUMULATIVE[id(table)] = (list(table), list(itertools.accumulate(table.values())))
    keys, cumulative = _CUMULATIVE[id(table)]
    return keys[bisect.bisect(cumulative, rng.random() * (cumulative[-1] + 0.0), 0, len(keys) - 1)]


# Falling weights: the first words are common, the tail rare.
FIRST_WEIGHTS = {word: 1 / (rank + 1) for rank, word in enumerate(FIRST)}
BRAND_KINDS, BRAND_SOURCES = list(BrandKind), list(BrandSource)


def brand_names(count: int) -> list[str]:
    """Brand names, prefix-stable; a repeated name gets a number ("Glow Botanics 2")."""
    rng = random.Random(42)
    seen: dict[str, int] = {}
    names = []
    for n in range(count):
        if n % 997 == 3:
            base = SPECIAL_NAMES[(n // 997) % len(SPECIAL_NAMES)]
        elif n in (7, 777) or n % 25_000 == 12_345:
            base = f"{RARE_WORD.title()} {rng.choice(SECOND)}"
        else:
            base = f"{weighted(rng, FIRST_WEIGHTS)} {rng.choice(SECOND)}"
        seen[base] = seen.get(base, 0) + 1
        names.append(base if seen[base] == 1 else f"{base} {seen[base]}")
    return names


def numbered_name() -> str:
    """The first numbered name among the first 1,000 (lower-cased, as a person types it)."""
    return next(name for name in brand_names(1_000) if name.endswith(" 2")).casefold()


def slug(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isascii() and ch.isalnum())


class Filler:
    """Rows for one creator; `now` and the seed make every run the same."""

    def __init__(self, owner_id: int, seed: int, now: datetime, categories: list[str]) -> None:
        self.owner_id = owner_id
        self.rng = random.Random(seed)
        self.now = now
        self.today = now.date()
        self.categories = categories

    def moment(self, days_back: float) -> datetime:
        return self.now - timedelta(days=days_back, seconds=self.rng.randrange(86_400))

    def brands(self, ids: Ids, names: list[str]) -> list[dict[str, Any]]:
        rng, rows = self.rng, []
        for name in names:
            created = self.moment(rng.uniform(0, DAYS))
            key = slug(name)
            handle = key[:20] if rng.random() < 0.8 else ""
            domain = f"{key or 'shop'}{rng.randrange(100)}.com" if rng.random() < 0.7 else ""
            age = (self.now - created).total_seconds() / 86_400
            rows.append(
                {
                    "id": ids.take("brands"),
                    "owner_id": self.owner_id,
                    "name": name,
                    "website": f"https://{domain}" if domain else "",
                    "website_domain": domain,
                    "tiktok_handle": f"{handle}{rng.randrange(1000)}" if handle else "",
                    "tiktok_followers": None
                    if rng.random() < 0.15
                    else int(10 ** rng.uniform(2, 6.5)),
                    "product_category": rng.choice(self.categories),
                    "kind": rng.choice(BRAND_KINDS),
                    "source": rng.choice(BRAND_SOURCES),
                    "runs_tiktok_ads": rng.random() < 0.3,
                    "status": weighted(rng, BRAND_STATUSES),
                    "notes": "Met them at a trade show; ask about the spring line."
                    if rng.random() < 0.2
                    else "",
                    "created_at": created,
                    "updated_at": created + timedelta(days=age * rng.random() ** 0.5),
                }
            )
        return rows

    def contacts(self, ids: Ids, brands: list[dict[str, Any]]) -> dict[int, int]:
        """Adds 1-2 contacts per brand; returns each brand's primary contact id."""
        rng, rows, primary = self.rng, [], {}
        first = ["Sam", "Alex", "Jordan", "Priya", "Chen", "Zoë", "Mateo", "Aisha", "Lena", "Kai"]
        for brand in brands:
            for n in range(1 if rng.random() < 0.6 else 2):
                contact_id = ids.take("contacts")
                person = rng.choice(first)
                domain = brand["website_domain"] or "example.com"
                rows.append(
                    {
                        "id": contact_id,
                        "owner_id": self.owner_id,
                        "brand_id": brand["id"],
                        "name": f"{person} {chr(65 + rng.randrange(26))}.",
                        "email": f"{person.casefold()}{contact_id}@{domain}".replace("ë", "e"),
                        "role": rng.choice(["Partnerships", "Marketing", "Founder", ""]),
                        "is_primary": n == 0,
                        "created_at": brand["created_at"],
                    }
                )
                primary.setdefault(brand["id"], contact_id)
        self.contact_rows = rows
        return primary

    def tags(self, ids: Ids, brands: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for brand in brands:
            count = self.rng.choices((0, 1, 2, 3), weights=(40, 35, 20, 5))[0]
            for tag in self.rng.sample(TAGS, count):
                row = {"owner_id": self.owner_id, "brand_id": brand["id"], "name": tag}
                yield {"id": ids.take("brand_tags"), **row}

    def pitches(
        self, ids: Ids, brands: list[dict[str, Any]], primary: dict[int, int], count: int
    ) -> list[dict[str, Any]]:
        rng, rows = self.rng, []
        # A few brands get pitched again and again; most once or not at all.
        picks = [brands[int(len(brands) * rng.random() ** 1.6)] for _ in range(count)]
        for brand in picks:
            status = weighted(rng, PITCH_STATUSES)
            rate = rng.randrange(15, 150) * 10
            # Sent pitches are recent (older ones have ghosted); the rest spread over two years.
            created = self.moment(
                rng.uniform(0, 40) if status == PitchStatus.SENT else rng.uniform(0, DAYS)
            )
            sent = (
                None
                if status == PitchStatus.DRAFT
                else created + timedelta(hours=rng.randrange(1, 48))
            )
            replied = (
                sent + timedelta(days=rng.randrange(1, 10)) if sent and status in ANSWERED else None
            )
            closed = (
                (replied or sent) + timedelta(days=rng.randrange(1, 30))
                if sent and status in CLOSED
                else None
            )
            followups = rng.randrange(3) if status in (PitchStatus.SENT, PitchStatus.GHOSTED) else 0
            # Only sent pitches wait for a follow-up: about a quarter due, the rest coming up.
            due = (
                self.today + timedelta(days=rng.randrange(-6, 15))
                if status == PitchStatus.SENT
                else None
            )
            changed = min(self.now, max(t for t in (created, sent, replied, closed) if t))
            rows.append(
                {
                    "id": ids.take("pitches"),
                    "owner_id": self.owner_id,
                    "brand_id": brand["id"],
                    "contact_id": primary.get(brand["id"]),
                    "kind": weighted(rng, PITCH_KINDS),
                    "channel": weighted(rng, CHANNELS),
                    "quoted_cents": rate * 100 if rng.random() < 0.85 else None,
                    "currency": weighted(rng, CURRENCIES),
                    "subject": f"UGC videos for {brand['name']}",
                    "body": BODY.format(name=brand["name"], rate=rate),
                    "status": status,
                    "followups_sent": followups,
                    "next_followup_on": due,
                    "sent_at": sent,
                    "replied_at": replied,
                    "closed_at": closed,
                    "creation_token": None,
                    "created_at": created,
                    "updated_at": changed,
                }
            )
        return rows

    def activities(
        self, ids: Ids, brands: list[dict[str, Any]], pitches: list[dict[str, Any]]
    ) -> Iterator[dict[str, Any]]:
        def line(brand_id: int, kind: ActivityKind, text: str, at: datetime, pitch_id=None):
            return {
                "id": ids.take("brand_activities"),
                "owner_id": self.owner_id,
                "brand_id": brand_id,
                "pitch_id": pitch_id,
                "kind": kind,
                "text": text,
                "at": at,
            }

        for brand in brands:
            yield line(brand["id"], ActivityKind.BRAND_CREATED, "Brand added.", brand["created_at"])
            if self.rng.random() < 0.15:
                yield line(
                    brand["id"], ActivityKind.NOTE, "Asked about usage rights.", brand["updated_at"]
                )
        for pitch in pitches:
            brand_id, pitch_id = pitch["brand_id"], pitch["id"]
            yield line(
                brand_id,
                ActivityKind.PITCH_CREATED,
                "Pitch drafted.",
                pitch["created_at"],
                pitch_id,
            )
            if pitch["sent_at"]:
                yield line(
                    brand_id, ActivityKind.PITCH_STATUS, "Pitch sent.", pitch["sent_at"], pitch_id
                )
            for n in range(pitch["followups_sent"]):
                at = pitch["sent_at"] + timedelta(days=4 + 7 * n)
                yield line(
                    brand_id, ActivityKind.FOLLOWUP_LOGGED, f"Follow-up {n + 1} sent.", at, pitch_id
                )
            if pitch["closed_at"]:
                text = f"Pitch {pitch['status'].value}."
                yield line(brand_id, ActivityKind.PITCH_STATUS, text, pitch["closed_at"], pitch_id)

    def snapshots(self, ids: Ids, every: int) -> Iterator[dict[str, Any]]:
        followers = 1_200
        for day in range(DAYS, -1, -every):
            followers += self.rng.randrange(-20, 60) * every // 7
            views = followers * self.rng.randrange(3, 12)
            yield {
                "id": ids.take("stats_snapshots"),
                "owner_id": self.owner_id,
                "taken_on": self.today - timedelta(days=day),
                "period_days": 7,
                "followers": max(followers, 0),
                "video_views": views,
                "likes": views // 12,
                "comments": views // 150,
                "shares": views // 200,
                "posts": self.rng.randrange(2, 8),
                "created_at": self.now,
            }

    def videos(self, count: int) -> Iterator[dict[str, Any]]:
        for n in range(count):
            views = int(10 ** self.rng.uniform(2.5, 5.5))
            yield {
                "owner_id": self.owner_id,
                "url": f"https://www.tiktok.com/@me/video/{7_300_000 + n}",
                "title": f"Sample video {n + 1}",
                "product_category": self.rng.choice(self.categories),
                "views": views,
                "likes": views // 10,
                "created_at": self.moment(self.rng.uniform(0, DAYS)),
            }

    def income(self, count: int, brands: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """`count` entries over the two years: old ones paid, recent ones expected or late."""
        for n in range(count):
            days_back = DAYS * n // max(count, 1)
            earned = self.today - timedelta(days=days_back)
            euros = self.rng.random() < 0.05
            cents = self.rng.randrange(1_000, 80_000)
            rate = EURO_RATE if euros else RATE_SCALE
            status = IncomeStatus.PAID if days_back > 45 or n % 3 else IncomeStatus.INVOICED
            stream = weighted(self.rng, STREAMS)
            yield {
                "owner_id": self.owner_id,
                "earned_on": earned,
                "amount_cents": cents,
                "currency": "EUR" if euros else "USD",
                "rate_millionths": rate,
                "reporting_cents": convert(cents, rate),
                "reporting_currency": "USD",
                "stream": stream,
                "program": "Amazon Associates" if stream == "affiliate" else "",
                "brand_id": self.rng.choice(brands)["id"] if stream in ("ugc", "brand") else None,
                "note": "",
                "status": status,
                "due_on": earned + timedelta(days=30),
                "paid_on": min(earned + timedelta(days=20), self.today)
                if status is IncomeStatus.PAID
                else None,
                "created_at": self.now,
                "updated_at": self.now,
            }

    def templates(self) -> Iterator[dict[str, Any]]:
        body = "Hi {{ brand_name }} team,\n\nJust checking you saw my note below.\n\nThanks!"
        for kind in ("first_followup", "rates_reply"):
            yield {
                "owner_id": self.owner_id,
                "kind": kind,
                "subject": "Quick follow-up",
                "body": body,
                "old_syntax": False,
                "updated_at": self.now,
            }


# The brands a benchmark kit ticks: as many as a kit shows.
KIT_BRANDS = 12

# The fewest of each kind the main creator gets, whatever the size: enough that the small
# account's lists are as full as the large one's (a month of income, a page of imports, each
# group of the Due page, the active and gifted deal lists), so the 1k/100k ratio compares the
# same page with more data behind it, not a page of 4 rows with one of 25. (Before these, at 1k
# the income list showed 4 entries, imports 5, the Due page 40 KB against 85 KB at 100k.)
# Other creators (a tenth of the size) keep the plain shares.
FULL_PAGES = {"income": 1_000, "imports": 60, "deals": 400}


def creators(size: int, others: int) -> list[Creator]:
    """The main creator with `size` brands and pitches, and `others` with a tenth each."""
    main = Creator(MAIN_EMAIL, size, size, snapshots_every=1, videos=40)
    share = max(size // 10, 1)
    rest = [Creator(f"creator{n}@example.com", share, share, 7, 10) for n in range(1, others + 1)]
    return [main, *rest]


def create_user(session: Any, email: str, display_name: str) -> int:
    """The account, through the real services (the password hashes with the fast profile)."""
    user = accounts.create_account(session, email, hash_password(PASSWORD, "fast"))
    accounts.update_profile(session, user, replace(DEMO_PROFILE, display_name=display_name))
    return user.id


def fill_creator(
    connection: sa.Connection, owner_id: int, who: Creator, seed: int, categories: list[str]
) -> Filled:
    """Every table's rows for one creator."""
    ids = Ids(connection)
    filler = Filler(owner_id, seed, utcnow(), categories)
    brands = filler.brands(ids, brand_names(who.brands))
    add_brands(connection, brands)
    primary = filler.contacts(ids, brands)
    add_contacts(connection, filler.contact_rows)
    add_brand_search(connection, brands, filler.contact_rows)
    add_tags(connection, filler.tags(ids, brands))
    pitches = filler.pitches(ids, brands, primary, who.pitches)
    add_pitches(connection, pitches)
    add_activities(connection, filler.activities(ids, brands, pitches))
    add_snapshots(connection, filler.snapshots(ids, who.snapshots_every))
    add_videos(connection, filler.videos(who.videos))
    add_templates(connection, filler.templates())
    floors = FULL_PAGES if who.email == MAIN_EMAIL else {}
    # A tenth as many income entries as brands: 10,000 over two years at 100k.
    income = max(who.brands // 10, floors.get("income", 12))
    add_income(connection, filler.income(income, brands))
    # A sent pitch with no follow-up yet: its email is the first follow-up, which the fill
    # gives a template of the creator's own, so every size measures the same kind of page.
    sent = [p for p in pitches if p["status"] == PitchStatus.SENT]
    waiting = [p for p in sent if p["followups_sent"] == 0] or sent or pitches
    pitch = waiting[len(waiting) // 2]
    won = [p for p in pitches if p["status"] == PitchStatus.WON]
    seed = filler.rng.randrange(1 << 30)
    deals = max(who.brands // 10, floors.get("deals", 3))
    deal_id, invoice_id = fill_deals(
        connection, ids, (owner_id, seed, filler.now, filler.categories), brands, won, primary,
        deals,
    )  # fmt: skip
    imports = max(who.brands // 200, floors.get("imports", 3))
    add_imports(connection, import_rows(owner_id, imports, filler.now))
    token = f"bench-calendar-feed-{owner_id}"
    add_calendar_feed(connection, owner_id, token)
    approval_token = f"bench-approval-link-{owner_id}"
    add_approval_link(connection, owner_id, deal_id, approval_token)
    kit_slug = f"bench-kit-{owner_id}"
    add_media_kit(connection, owner_id, kit_slug, [brand["id"] for brand in brands[:KIT_BRANDS]])
    return Filled(
        owner_id,
        who.brands,
        who.pitches,
        pitch["brand_id"],
        pitch["id"],
        numbered_name(),
        deal_id,
        invoice_id,
        token,
        approval_token,
        kit_slug,
    )
