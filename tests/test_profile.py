"""The creator profile that quotes and pitches are built from."""

from __future__ import annotations

import pytest


def _profile(**overrides):
    data = {
        "display_name": "Maya",
        "tiktok_handle": "@maya.makes",
        "niche": "home",
        "followers": "4310",
        "ugc_experience": "beginner",
        "currency": "USD",
        "turnaround_days": "5",
        "posts_per_week": "5",
    }
    data.update(overrides)
    return data


def test_the_niche_list_comes_from_the_seed(logged_in) -> None:
    page = logged_in.get("/profile").get_data(as_text=True)
    for niche in (
        "finance",
        "tech",
        "health",
        "beauty",
        "fashion",
        "fitness",
        "food",
        "home",
        "lifestyle",
        "gaming",
        "entertainment",
        "education",
        "parenting",
        "travel",
        "pets",
        "other",
    ):
        assert f'value="{niche}"' in page


def test_saving_the_profile(logged_in, session, user) -> None:
    response = logged_in.post("/profile", data=_profile())
    assert response.status_code == 302
    session.refresh(user)
    assert (user.tiktok_handle, user.followers, user.niche) == ("maya.makes", 4310, "home")
    assert "@maya.makes" in logged_in.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"followers": "-1"}, "Followers can&#39;t be negative."),
        ({"followers": "many"}, "Enter 0 to 10,000,000,000 followers."),
        ({"niche": "crypto-casino"}, "Not a valid choice."),
        ({"tiktok_handle": "has spaces!"}, "A handle has 2-24 letters"),
        ({"turnaround_days": "0"}, "Turnaround is 1 to 90 days."),
        ({"currency": "XXX"}, "Not a valid choice."),
    ],
)
def test_impossible_profile_values_are_refused(
    logged_in, session, user, overrides, message
) -> None:
    response = logged_in.post("/profile", data=_profile(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    session.refresh(user)
    assert user.followers == 0
