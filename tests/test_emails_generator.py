"""The generated emails: the creator's real numbers, the seed's facts, nothing invented."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from crm.emails import wording
from crm.emails.custom import empty_facts
from crm.emails.facts import Facts, PitchFact, VideoFact
from crm.emails.generator import GeneratedEmail, write_from_facts
from crm.emails.kinds import EmailKind, TemplateSource
from crm.market.seed import installed_market as market
from crm.pitches.models import PitchKind
from crm.rates import quotes

VIDEOS = (
    VideoFact("Skincare fridge review", "https://www.tiktok.com/@maya/video/2", 21_700, "beauty"),
    VideoFact("Tiny-kitchen organizer", "https://www.tiktok.com/@maya/video/1", 48_200, "home"),
    VideoFact("Peel-and-stick backsplash", "https://www.tiktok.com/@maya/video/3", 33_900, "home"),
)


def facts(**overrides: Any) -> Facts:
    values: dict[str, Any] = {
        "creator_name": "Maya Lopez",
        "creator_handle": "@maya.makes.home",
        "creator_email": "maya@example.com",
        "niche": "home",
        "followers": 4_424,
        "experience": "beginner",
        "currency": "USD",
        "turnaround_days": 5,
        "has_snapshot": True,
        "engagement": 9.94,
        "average_views": 4_960.4,
        "videos": VIDEOS,
        "portfolio_count": 5,
        "brand_id": 7,
        "brand_name": "Glow Theory Skincare",
        "brand_category": "beauty",
        "contact_id": 3,
        "contact_name": "Dana Reyes",
        "contact_email": "dana@glowtheory.com",
    }
    values.update(overrides)
    return Facts(**values)


def sent_pitch(kind: PitchKind = PitchKind.UGC, **overrides: Any) -> PitchFact:
    values: dict[str, Any] = {
        "kind": kind,
        "subject": "UGC videos for Glow Theory Skincare",
        "quoted_cents": 27_500,
        "currency": "USD",
        "followups_sent": 0,
    }
    values.update(overrides)
    return PitchFact(**values)


def write(kind: EmailKind, f: Facts | None = None, m: Any = None) -> GeneratedEmail:
    return write_from_facts(f or facts(), kind, None, m or market())


def assert_reads_as_sent(email: GeneratedEmail) -> None:
    """No placeholders, no None, no template syntax, no doubled blank lines or spaces."""
    text = email.subject + "\n" + email.body
    for bad in ("None", "{{", "}}", "{%", "%}", "  ", "\n\n\n", " ,", " .", "0 followers"):
        assert bad not in text, f"{bad!r} in:\n{text}"
    assert email.subject and len(email.subject) <= 200
    assert not re.search(r"\b1 (days|followers|views|videos)\b", text)


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_reads_as_something_to_send(kind: EmailKind) -> None:
    pitch = None if kind.is_pitch else sent_pitch()
    email = write(kind, facts(pitch=pitch))
    assert_reads_as_sent(email)
    assert email.body.startswith("Hi Dana,\n")
    assert email.body.rstrip().endswith("Maya Lopez\nhttps://www.tiktok.com/@maya.makes.home")


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_kind_reads_well_with_no_numbers_at_all(kind: EmailKind) -> None:
    bare = empty_facts(facts(pitch=None if kind.is_pitch else sent_pitch(quoted_cents=None)))
    email = write(kind, bare)
    assert_reads_as_sent(email)
    assert email.body.startswith("Hi Glow Theory Skincare team,\n")
    for never in ("engagement", "follower", "average", "views"):
        assert never not in email.body.lower(), never


def test_the_ugc_pitch_carries_the_numbers_samples_rate_and_ads_angle() -> None:
    email = write(EmailKind.UGC_PITCH)
    body = email.body
    assert "follower" not in body  # UGC is paid for the content, not the audience
    assert "My videos average 4,960 views" in body
    assert "my engagement rate is 9.9%, which beats most TikTok creators." in body
    assert "anything above" not in body
    assert "within 5 days" in body
    assert "run as ads" in body and "beat polished studio ads 2-3x" in body
    links = re.findall(r"https://www\.tiktok\.com/\S+/video/\S+", body)
    assert links == [v.url for v in VIDEOS]  # the brand's category first, as picked
    assert "including beauty & skincare ones:" in body
    assert " first" not in body  # how the samples were picked is not for the brand
    expected = quotes.ugc_quote(
        "beginner", 1, portfolio_videos=5, engagement=9.94, market=market()
    ).per_video_suggested_cents
    assert email.rate is not None and email.rate.cents == expected
    assert f"My rate starts at ${expected // 100:,} per video" in body


def test_the_sponsorship_pitch_quotes_the_suggested_sponsored_rate() -> None:
    email = write(EmailKind.SPONSORSHIP_PITCH)
    expected = quotes.sponsored_quote(4_424, "home", 9.94, market=market()).suggested_cents
    assert email.rate is not None and email.rate.cents == expected
    assert f"A sponsored post starts at ${expected // 100:,}" in email.body
    assert "(21,700 views)" in email.body
    assert email.subject == "Sponsored TikTok post for Glow Theory Skincare: 9.9% engagement"


def test_the_pitch_names_the_rounded_rate_not_the_exact_one() -> None:
    # Exactly $279 per video from the band; a person quotes $280 (seed quote_rounding).
    email = write(EmailKind.UGC_PITCH)
    assert email.rate is not None and email.rate.cents == 28_000
    assert "My rate starts at $280 per video" in email.body and "$279" not in email.body


@pytest.mark.parametrize("kind", [EmailKind.UGC_PITCH, EmailKind.SPONSORSHIP_PITCH])
def test_stats_over_100_percent_engagement_price_as_no_engagement(kind) -> None:
    # More likes than views in a snapshot: the quote refuses the figure, the email still writes.
    email = write(kind, facts(engagement=150.0))
    assert email.rate is not None
    assert email.rate.cents == write(kind, facts(engagement=None)).rate.cents


def test_a_sponsorship_without_followers_names_no_rate() -> None:
    email = write(EmailKind.SPONSORSHIP_PITCH, facts(followers=0))
    assert email.rate is None
    assert "$" not in email.body
    assert any(item.endpoint == "accounts.profile" for item in email.missing)


def test_the_affiliate_pitch_is_commission_not_a_flat_fee() -> None:
    email = write(EmailKind.AFFILIATE_PITCH)
    assert email.rate is None
    assert "$" not in email.body
    assert "only pay for the sales I bring in" in email.body


@pytest.mark.parametrize(("followers", "shop"), [(4_999, False), (5_000, True)])
def test_tiktok_shop_is_offered_only_from_the_seeds_threshold(followers: int, shop: bool) -> None:
    email = write(EmailKind.AFFILIATE_PITCH, facts(followers=followers))
    assert ("eligible for TikTok Shop Affiliate" in email.body) is shop
    assert email.subject.startswith("TikTok Shop videos") is shop


def test_the_tiktok_shop_threshold_comes_from_the_seed() -> None:
    m = market()
    programs = tuple(
        replace(p, min_followers=3_000) if "TikTok Shop" in p.name else p
        for p in m.affiliate.programs
    )
    moved = replace(m, affiliate=replace(m.affiliate, programs=programs))
    email = write(EmailKind.AFFILIATE_PITCH, facts(followers=3_000), moved)
    assert "TikTok Shop Affiliate" in email.body


@pytest.mark.parametrize(
    ("engagement", "beats"),
    [(8.0, False), (8.04, False), (8.05, True), (8.1, True), (12.0, True), (3.0, False)],
)
def test_beats_most_creators_only_above_the_seeds_line(engagement: float, beats: bool) -> None:
    email = write(EmailKind.UGC_PITCH, facts(engagement=engagement))
    assert ("beats most TikTok creators" in email.body) is beats
    assert f"my engagement rate is {engagement:.1f}%" in email.body


def test_the_beats_most_line_and_ads_advantage_follow_the_seed() -> None:
    m = market()
    moved = replace(
        m,
        engagement=replace(m.engagement, beats_most_above=10.0),
        ugc=replace(m.ugc, ads_ctr_advantage=replace(m.ugc.ads_ctr_advantage, low=3, high=4)),
    )
    body = write(EmailKind.UGC_PITCH, facts(engagement=9.9), moved).body
    assert "beats most" not in body
    assert "3-4x" in body
    body = write(EmailKind.UGC_PITCH, facts(engagement=10.5), moved).body
    assert "which beats most TikTok creators." in body
    assert "10%" not in body


def test_singulars_are_singular() -> None:
    one = facts(
        followers=1,
        average_views=1.2,
        turnaround_days=1,
        videos=VIDEOS[:1],
        pitch=None,
    )
    body = write(EmailKind.SPONSORSHIP_PITCH, one).body
    assert "I have 1 follower," in body
    assert "average 1 view," in body
    body = write(EmailKind.UGC_PITCH, one).body
    assert "within 1 day " in body
    assert "Here's one of my videos with beauty & skincare products:" in body


def test_an_existing_pitch_keeps_its_quoted_rate_and_currency() -> None:
    pitch = sent_pitch(quoted_cents=30_000, currency="EUR")
    email = write(EmailKind.FIRST_FOLLOWUP, facts(pitch=pitch))
    assert "My rate starts at €300 per video" in email.body
    assert email.subject == "Re: UGC videos for Glow Theory Skincare"


def test_a_follow_up_does_not_double_re() -> None:
    pitch = sent_pitch(subject="Re: your note")
    assert write(EmailKind.SECOND_FOLLOWUP, facts(pitch=pitch)).subject == "Re: your note"


def test_the_last_follow_up_of_the_cadence_says_so() -> None:
    early = write(EmailKind.SECOND_FOLLOWUP, facts(pitch=sent_pitch(followups_sent=1)))
    last = write(
        EmailKind.SECOND_FOLLOWUP, facts(pitch=sent_pitch(followups_sent=2), followups_planned=3)
    )
    assert early.body.splitlines()[2].startswith("Following up once more")
    assert last.body.splitlines()[2].startswith("One last note from me")


def test_the_rates_reply_lists_rates_and_the_creators_own_add_ons() -> None:
    pitch = sent_pitch(quoted_cents=27_500)
    email = write(EmailKind.RATES_REPLY, facts(pitch=pitch, add_on_percents={"usage_rights": 40}))
    assert "- One UGC video: $275" in email.body
    assert "- 3 videos: $825" in email.body
    assert "- Paid usage rights: +40%" in email.body
    assert "- Exclusivity: +20%" in email.body


def test_a_retainer_reply_quotes_the_month() -> None:
    pitch = sent_pitch(PitchKind.RETAINER, quoted_cents=150_000)
    body = write(EmailKind.RATES_REPLY, facts(pitch=pitch)).body
    assert "- Monthly retainer, 4 videos a month: $1,500" in body


@pytest.mark.parametrize(
    ("name", "first"),
    [("Dana Reyes", "Dana"), ("Dr. Ana Silva", "Ana"), ("  ", ""), ("Priya", "Priya")],
)
def test_the_greeting_uses_the_first_name(name: str, first: str) -> None:
    assert wording.first_name(name) == first


def test_missing_numbers_link_to_where_they_are_added() -> None:
    bare = facts(
        creator_name="",
        followers=0,
        has_snapshot=False,
        engagement=None,
        average_views=None,
        videos=(),
        contact_email="",
    )
    endpoints = {item.endpoint for item in write(EmailKind.UGC_PITCH, bare).missing}
    assert endpoints == {
        "accounts.profile",
        "stats.new_snapshot",
        "stats.new_video",
        "brands.edit_contact",
    }


def test_nothing_is_missing_when_everything_is_there() -> None:
    assert write(EmailKind.UGC_PITCH).missing == ()


def test_a_creators_own_template_is_used_and_a_broken_one_falls_back() -> None:
    own = TemplateSource("For {{ brand_name }}", "Hello {{ contact_first_name }}!")
    email = write_from_facts(facts(), EmailKind.UGC_PITCH, own, market())
    assert (email.subject, email.body, email.custom) == (
        "For Glow Theory Skincare",
        "Hello Dana!\n",
        True,
    )
    broken = TemplateSource("Hi", "Hello\n{{ videos[9].url }}")
    email = write_from_facts(facts(), EmailKind.UGC_PITCH, broken, market())
    assert not email.custom
    assert email.custom_problem is not None and email.custom_problem.line == 2
    assert email.body.startswith("Hi Dana,")


@pytest.mark.parametrize("kind", list(EmailKind))
def test_every_email_links_the_creators_tiktok_profile(kind: EmailKind) -> None:
    email = write(kind, facts(pitch=None if kind.is_pitch else sent_pitch()))
    assert "https://www.tiktok.com/@maya.makes.home" in email.body
    bare = write(kind, facts(creator_handle="", pitch=None if kind.is_pitch else sent_pitch()))
    assert "tiktok.com/@\n" not in bare.body and "tiktok.com/@maya.makes" not in bare.body


def test_the_profile_link_is_built_from_the_handle() -> None:
    assert wording.profile_url("@maya.makes.home") == "https://www.tiktok.com/@maya.makes.home"
    assert wording.profile_url("") == ""


@pytest.mark.parametrize(
    ("kind", "with_followers"),
    [
        (EmailKind.UGC_PITCH, False),
        (EmailKind.SPONSORSHIP_PITCH, True),
        (EmailKind.AFFILIATE_PITCH, True),
    ],
)
def test_followers_are_left_out_of_ugc_pitches_only(kind: EmailKind, with_followers: bool) -> None:
    body = write(kind).body
    assert ("4,424 followers" in body) is with_followers
    assert "4,960 views" in body


def test_a_retainer_pitch_leaves_out_followers_too() -> None:
    f = facts(pitch=sent_pitch(PitchKind.RETAINER, followups_sent=0))
    assert "follower" not in wording.variables(f, EmailKind.UGC_PITCH, market())["stats_sentence"]


def test_no_pitch_grades_itself_or_explains_how_samples_were_sorted() -> None:
    for kind in EmailKind:
        body = write(kind, facts(pitch=None if kind.is_pitch else sent_pitch())).body
        assert "anything above" not in body and "does)" not in body
        assert "first:" not in body and "skincare first" not in body


def test_the_brands_note_can_be_quoted_as_a_personal_line() -> None:
    own = TemplateSource("Hi", "Hi {{ brand_name }},\n\n{{ brand_note }}\n\nThanks")
    note = "Your refill pouches are\nso clever.\n\nPrivate: ask about rates later."
    email = write_from_facts(facts(brand_note=note), EmailKind.UGC_PITCH, own, market())
    assert email.custom and email.custom_problem is None
    assert "Your refill pouches are so clever.\n" in email.body
    assert "Private" not in email.body  # only the first paragraph is quoted
    default = write(EmailKind.UGC_PITCH, facts(brand_note=note)).body
    assert "refill pouches" not in default  # the built-in emails never quote a note


def test_every_variable_is_listed_for_the_editor() -> None:
    for kind in EmailKind:
        assert set(wording.variables(facts(), kind, market())) == wording.KNOWN
