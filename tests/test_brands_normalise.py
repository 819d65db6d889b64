"""Brand input cleaning and the good-target rule: pure functions, no database."""

from __future__ import annotations

import pytest

from crm.brands import normalise
from crm.brands.normalise import InvalidValue


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("@GlowCo", "glowco"),
        ("glow.co_shop", "glow.co_shop"),
        ("https://www.tiktok.com/@glowtheory?lang=en", "glowtheory"),
        ("tiktok.com/@Nest.Well", "nest.well"),
        ("  ", ""),
    ],
)
def test_handles_are_stored_lower_case_without_the_at(typed: str, stored: str) -> None:
    assert normalise.clean_handle(typed) == stored


@pytest.mark.parametrize("typed", ["@a", "has space", "emoji✨", "x" * 25, "@glow-co"])
def test_impossible_handles_are_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match="TikTok handle"):
        normalise.clean_handle(typed)


@pytest.mark.parametrize(
    ("typed", "url", "domain"),
    [
        ("GlowCo.com/shop", "https://glowco.com/shop", "glowco.com"),
        ("https://www.glowco.com", "https://www.glowco.com", "glowco.com"),
        (
            "http://shop.glowco.co.uk/?ref=tt",
            "http://shop.glowco.co.uk/?ref=tt",
            "shop.glowco.co.uk",
        ),
        ("", "", ""),
    ],
)
def test_websites_get_a_scheme_and_a_domain_for_matching(typed: str, url: str, domain: str) -> None:
    assert normalise.clean_website(typed) == (url, domain)


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "javascript://glowco.com/%0aalert(1)",
        "ftp://glowco.com",
        "glowco",
        "https://",
        "glow co.com",
        "data:text/html,hi",
    ],
)
def test_websites_that_are_not_web_links_are_refused(typed: str) -> None:
    with pytest.raises(InvalidValue, match="website"):
        normalise.clean_website(typed)


def test_over_long_website_is_refused() -> None:
    with pytest.raises(InvalidValue, match="300"):
        normalise.clean_website("https://glowco.com/" + "a" * 300)


def test_emails_are_checked_and_lower_cased() -> None:
    assert normalise.clean_email(" Dana@GlowTheory.com ") == "dana@glowtheory.com"
    assert normalise.clean_email("") == ""
    with pytest.raises(InvalidValue, match="email"):
        normalise.clean_email("dana@")


def test_tags_are_lower_cased_trimmed_and_not_repeated() -> None:
    assert normalise.clean_tags("Skincare, #Q4 ; skincare,, gifting ") == [
        "skincare",
        "q4",
        "gifting",
    ]


def test_too_many_or_too_long_tags_are_refused() -> None:
    with pytest.raises(InvalidValue, match="at most 20"):
        normalise.clean_tags(",".join(f"t{n}" for n in range(21)))
    with pytest.raises(InvalidValue, match="40"):
        normalise.clean_tags("x" * 41)


def test_category_accepts_key_or_label_and_refuses_unknown() -> None:
    assert normalise.clean_category("beauty") == "beauty"
    assert normalise.clean_category("Beauty & Skincare") == "beauty"
    assert normalise.clean_category("") == "other"
    with pytest.raises(InvalidValue, match="category"):
        normalise.clean_category("spaceships")


def test_names_are_trimmed_and_required() -> None:
    assert normalise.clean_name("  Glow   Theory ") == "Glow Theory"
    assert normalise.name_key("Glow  THEORY") == "glow theory"
    with pytest.raises(InvalidValue, match="name"):
        normalise.clean_name("   ")
    with pytest.raises(InvalidValue, match="200"):
        normalise.clean_name("x" * 201)


def test_sweet_spot_comes_from_the_seed_data() -> None:
    assert normalise.sweet_spot() == (500, 5_000)


@pytest.mark.parametrize(
    ("followers", "ads", "good"),
    [
        (499, False, False),
        (500, False, True),
        (5_000, False, True),
        (5_001, False, False),
        (None, False, False),
        (None, True, True),
        (80_000, True, True),
    ],
)
def test_good_targets_are_the_sweet_spot_or_running_ads(
    followers: int | None, ads: bool, good: bool
) -> None:
    assert normalise.is_good_target(followers, ads) is good
