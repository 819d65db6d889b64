"""From facts to template variables: pure, no session, every number from the facts or the seed.

A number the creator hasn't added is an empty string here, never a zero or a guess:
templates leave out the sentence that needs it, and `missing()` lists it with
where to add it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crm.emails import pricing
from crm.emails.facts import Facts
from crm.emails.kinds import PITCH_KIND_FOR, EmailKind
from crm.market.seed import Market
from crm.pitches.models import PitchKind

# Words before a name that are not a first name ("Dr. Ana Silva" -> "Ana").
_TITLES = {"mr", "mrs", "ms", "mx", "dr", "prof", "miss", "sir"}

# Pitches paid for the content itself, where an audience size is beside the point.
CONTENT_ONLY = frozenset({PitchKind.UGC, PitchKind.RETAINER})

VARIABLES: dict[str, str] = {
    "contact_first_name": "The contact's first name, or empty when the brand has no contact.",
    "brand_name": "The brand's name.",
    "brand_category": "The brand's product category in words ('home & kitchen'); empty for other.",
    "creator_name": "Your display name from your profile.",
    "creator_handle": "Your TikTok handle with the @, or empty.",
    "creator_profile_url": "Your TikTok profile link ('https://www.tiktok.com/@you'), or empty.",
    "media_kit_url": "Your media kit's public link while it is on (Profile, Media kit); empty "
    "while it is off.",
    "niche": "Your niche in words ('home'); empty for other.",
    "followers": "'4,424 followers', or empty when your profile has no follower count.",
    "average_views": "'3,612 views' per video from your latest stats, or empty.",
    "engagement": "'9.9%' from your latest stats, or empty.",
    "beats_most": "True when your engagement is above the rate that beats most creators.",
    "beats_most_above": "That rate, from the market facts ('8%').",
    "stats_sentence": (
        "Your followers (left out of UGC pitches: UGC is paid for content, not audience), "
        "average views and engagement in one sentence, or empty."
    ),
    "videos": "Up to 3 sample videos, the brand's category first: each has title, url, views.",
    "brand_note": (
        "The note on the brand's page, to quote as a personal line; empty when there is none. "
        "The built-in emails leave it out: notes are yours until you put them in a template."
    ),
    "videos_match": "True when a sample video is in the brand's product category.",
    "turnaround": "Your turnaround from your profile ('5 days').",
    "rate": "Your starting rate from the rates service ('$270'), or empty.",
    "rate_unit": "What the rate is for ('per video', 'per post').",
    "offer": "What the pitch offers, in words ('a few UGC videos for Nestwell').",
    "ads_advantage": "How much UGC-style ads beat studio ads, from the market facts ('2-3x').",
    "tiktok_shop": "True when you have enough followers for TikTok Shop Affiliate.",
    "tiktok_shop_followers": "The followers TikTok Shop Affiliate needs ('5,000').",
    "reply_subject": "'Re: ' and the pitch's subject (follow-ups and replies), or empty.",
    "followup_number": "Which follow-up this is (1, 2, ...).",
    "last_followup": "True for the last follow-up of your cadence.",
    "rates": "Rate lines for the reply with rates: each has label and amount.",
    "add_ons": "Your add-on policy for the reply with rates: each has label and percent.",
}
KNOWN = frozenset(VARIABLES)


@dataclass(frozen=True)
class Missing:
    """A number or detail the email would use that isn't there yet, and where to add it."""

    what: str
    fix: str
    endpoint: str
    args: dict[str, int] = field(default_factory=dict)


def plural(count: int, word: str) -> str:
    """'1 day', '5 days', '4,424 followers'."""
    return f"{count:,} {word if count == 1 else word + 's'}"


def first_name(full_name: str) -> str:
    """The first name to greet: 'Dana Reyes' -> 'Dana', 'Dr. Ana Silva' -> 'Ana'."""
    words = [w for w in full_name.split() if w.rstrip(".").lower() not in _TITLES]
    return words[0] if words else ""


def join_clauses(clauses: list[str]) -> str:
    """['a', 'b', 'c'] -> 'a, b, and c'; two are joined by 'and'."""
    if len(clauses) <= 2:
        return " and ".join(clauses)
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def engagement_text(engagement: float | None) -> str:
    return "" if engagement is None else f"{engagement:.1f}%"


def beats_most(engagement: float | None, m: Market) -> bool:
    """Above the seed's line, judged on the figure the email shows (8.04% shows as 8.0%)."""
    return engagement is not None and round(engagement, 1) > m.engagement.beats_most_above


def average_views_text(average: float | None) -> str:
    if average is None or round(average) <= 0:
        return ""  # "my videos average 0 views" sells nothing: leave it out
    return plural(round(average), "view")


def stats_sentence(facts: Facts, m: Market, with_followers: bool = True) -> str:
    """'I have 4,424 followers, my videos average 3,612 views, and my engagement rate is ...'."""
    clauses = []
    if with_followers and facts.followers > 0:
        clauses.append(f"I have {plural(facts.followers, 'follower')}")
    if views := average_views_text(facts.average_views):
        clauses.append(f"my videos average {views}")
    if engagement := engagement_text(facts.engagement):
        clauses.append(f"my engagement rate is {engagement}")
    if not clauses:
        return ""
    sentence = join_clauses(clauses)
    if beats_most(facts.engagement, m):
        # The claim alone: spelling out the line it clears reads as grading oneself.
        sentence += ", which beats most TikTok creators"
    return sentence[0].upper() + sentence[1:] + "."


def profile_url(handle: str) -> str:
    """'@maya.makes.home' -> 'https://www.tiktok.com/@maya.makes.home'; '' without a handle."""
    handle = handle.strip().lstrip("@")
    return f"https://www.tiktok.com/@{handle}" if handle else ""


def brand_note(note: str) -> str:
    """The brand's note as one paragraph to quote: its first, with its lines joined."""
    paragraph = note.strip().replace("\r\n", "\n").split("\n\n")[0]
    return " ".join(paragraph.split())


def tiktok_shop_followers(m: Market) -> int | None:
    """Followers TikTok Shop Affiliate needs, from the seed's programs."""
    program = next((p for p in m.affiliate.programs if "tiktok shop" in p.name.lower()), None)
    return program.min_followers if program else None


def offer(kind: PitchKind, brand_name: str) -> str:
    """What a pitch offers, to name it again in a follow-up."""
    return {
        PitchKind.UGC: f"a few UGC videos for {brand_name}",
        PitchKind.RETAINER: f"a monthly UGC package for {brand_name}",
        PitchKind.SPONSORSHIP: f"a sponsored post for {brand_name}",
        PitchKind.AFFILIATE: f"promoting {brand_name} on commission",
    }[kind]


def reply_subject(subject: str) -> str:
    """'Re: ' + the pitch's subject, without doubling an existing 'Re:'."""
    subject = subject.strip()
    if not subject:
        return ""
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def pitch_kind_of(facts: Facts, kind: EmailKind) -> PitchKind:
    """The pitch an email is about: the existing pitch's kind, else the one it starts."""
    if facts.pitch is not None:
        return facts.pitch.kind
    return PITCH_KIND_FOR.get(kind, PitchKind.UGC)


def _videos(facts: Facts) -> list[dict[str, str]]:
    return [
        {"title": v.title, "url": v.url, "views": plural(v.views, "view") if v.views else ""}
        for v in facts.videos
    ]


def _label(text: str) -> str:
    return "" if text.lower() == "other" else text.lower()


def variables(facts: Facts, kind: EmailKind, m: Market) -> dict[str, Any]:
    """Every variable of VARIABLES, for `kind`, as plain strings, numbers, lists and dicts."""
    pitch_kind = pitch_kind_of(facts, kind)
    rate = pricing.starting_rate(facts, pitch_kind, m)
    shop = tiktok_shop_followers(m)
    number = (facts.pitch.followups_sent if facts.pitch else 0) + 1
    advantage = m.ugc.ads_ctr_advantage
    return {
        "contact_first_name": first_name(facts.contact_name),
        "brand_name": facts.brand_name,
        "brand_category": _label(m.category_label(facts.brand_category)),
        "creator_name": facts.creator_name,
        "creator_handle": facts.creator_handle,
        "creator_profile_url": profile_url(facts.creator_handle),
        "media_kit_url": facts.media_kit_url,
        "niche": _label(m.niche_label(facts.niche)),
        "followers": plural(facts.followers, "follower") if facts.followers > 0 else "",
        "average_views": average_views_text(facts.average_views),
        "engagement": engagement_text(facts.engagement),
        "beats_most": beats_most(facts.engagement, m),
        "beats_most_above": f"{m.engagement.beats_most_above:g}%",
        "stats_sentence": stats_sentence(facts, m, with_followers=pitch_kind not in CONTENT_ONLY),
        "videos": _videos(facts),
        "brand_note": brand_note(facts.brand_note),
        "videos_match": any(v.category == facts.brand_category for v in facts.videos),
        "turnaround": plural(facts.turnaround_days, "day"),
        "rate": rate.text if rate else "",
        "rate_unit": rate.unit if rate else "",
        "offer": offer(pitch_kind, facts.brand_name),
        "ads_advantage": f"{advantage.low:g}-{advantage.high:g}x",
        "tiktok_shop": shop is not None and facts.followers >= shop,
        "tiktok_shop_followers": f"{shop:,}" if shop is not None else "",
        "reply_subject": reply_subject(facts.pitch.subject if facts.pitch else ""),
        "followup_number": number,
        "last_followup": number >= facts.followups_planned,
        "rates": pricing.rate_lines(facts, pitch_kind, m),
        "add_ons": pricing.add_on_lines(facts, pitch_kind, m),
    }


def missing(facts: Facts) -> list[Missing]:
    """What the email leaves out for want of a number or a detail, and where to add it."""
    found = []
    if not facts.creator_name:
        found.append(
            Missing("Your name to sign with", "Add it to your profile", "accounts.profile")
        )
    if facts.followers <= 0:
        found.append(Missing("Your follower count", "Add it to your profile", "accounts.profile"))
    if not facts.has_snapshot:
        found.append(
            Missing(
                "Your engagement rate and average views",
                "Add a stats snapshot",
                "stats.new_snapshot",
            )
        )
    elif facts.engagement is None or average_views_text(facts.average_views) == "":
        found.append(
            Missing(
                "Your engagement rate and average views (your latest snapshot has no views "
                "or no posts)",
                "Add a stats snapshot",
                "stats.new_snapshot",
            )
        )
    found += _missing_videos(facts)
    found += _missing_contact(facts)
    return found


def _missing_videos(facts: Facts) -> list[Missing]:
    if not facts.videos:
        return [Missing("Sample videos to link", "Add portfolio videos", "stats.new_video")]
    if len(facts.videos) == 1:
        return [
            Missing(
                "A second sample video (pitches link 2-3)",
                "Add a portfolio video",
                "stats.new_video",
            )
        ]
    return []


def _missing_contact(facts: Facts) -> list[Missing]:
    if facts.contact_id is None:
        return [
            Missing(
                "Someone at the brand to greet by name",
                "Add a contact",
                "brands.new_contact",
                {"brand_id": facts.brand_id},
            )
        ]
    if not facts.contact_email:
        return [
            Missing(
                f"{facts.contact_name}'s email address",
                "Add it to the contact",
                "brands.edit_contact",
                {"contact_id": facts.contact_id},
            )
        ]
    return []
