"""The calculators page and the creator's add-on policy."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from crm import database
from crm.add_on_policy import services
from crm.add_on_policy.models import AddOnUplift
from crm.market.seed import installed_market
from tests import factories
from tests.factories_income import make_income
from tests.page_text import field_error, input_value

PAGE = "/rates/"


def text(response) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<head>.*?</head>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body)))


def calc(client, **params):
    base = {
        "followers": "4000",
        "niche": "beauty",
        "engagement": "",
        "experience": "beginner",
        "posts_per_week": "5",
        "portfolio_videos": "0",
        "average_views": "1000",
        "videos": "1",
        "affiliate_videos": "4",
    }
    base.update(params)
    return client.get(PAGE, query_string=base)


@pytest.fixture
def profiled(session, user):
    """The logged-in creator with a profile and one stats snapshot (10% engagement)."""
    user.followers, user.niche, user.ugc_experience = 3760, "finance", "beginner"
    session.commit()
    factories.make_snapshot(
        session, user, followers=3760, video_views=10_000, likes=800, comments=100, shares=100
    )
    return user


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_is_prefilled_from_the_profile_and_the_latest_stats(profiled, logged_in):
    response = logged_in.get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert input_value(response, "followers") == "3760"
    assert input_value(response, "engagement") == "10.0"
    assert input_value(response, "average_views") == "2000"
    assert '<option selected value="finance">' in response.get_data(as_text=True)
    assert "Your tier 3K-5K" in page
    assert "1,240 followers to TikTok Shop Affiliate" in page
    assert "Finance is a high-value niche" in page
    assert "Your 10.0% engagement is inside the typical 8-12%" in page
    assert "Market figures are in US dollars (USD)" in page


def test_every_figure_has_its_why(profiled, logged_in):
    body = logged_in.get(PAGE).get_data(as_text=True)
    for section in ("tier", "sponsored", "ugc", "affiliate"):
        part = body.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
        assert "<summary>Why</summary>" in part, section


def test_without_stats_the_page_says_what_is_missing_and_links_to_stats(user, logged_in):
    page = logged_in.get(PAGE)
    assert "No stats yet" in text(page)
    assert 'href="/stats/snapshots/new"' in page.get_data(as_text=True)
    assert "No engagement rate yet" in text(page)


def test_a_currency_other_than_usd_is_noted(session, user, logged_in):
    user.currency = "EUR"
    session.commit()
    assert "Your profile currency is EUR: these figures are not converted." in text(
        logged_in.get(PAGE)
    )


def test_the_calculators_follow_the_query(user, logged_in):
    page = text(calc(logged_in, followers="4000", niche="finance", engagement="11.2"))
    assert "Suggested $195 a post rounded from $194" in page  # quoted to the nearest $5
    assert "Range $80–$300" in page


def test_ticked_add_ons_raise_the_quote_with_the_creators_policy(user, logged_in):
    page = text(calc(logged_in, sponsored_add_ons=["usage_rights", "exclusivity"]))
    assert "Range $60–$150" in page
    assert "+50% add-ons" in page
    assert "your own numbers, not market rates" in page


def test_a_ugc_package_and_retainer(user, logged_in):
    assert "Range $300–$1,500" in text(calc(logged_in, videos="3"))
    page = text(calc(logged_in, videos="3", retainer="y"))
    assert "Range $1,000–$5,000" in page
    assert "a month" in page


def test_the_months_recorded_income_is_compared_with_the_tier(user, session, logged_in):
    today = database.utcnow().date()
    make_income(session, user, earned_on=today, amount_cents=45_000, stream="ugc", today=today)
    make_income(session, user, earned_on=today, amount_cents=3_000, stream="live", today=today)
    response = calc(logged_in, posts_per_week="2")
    body = response.get_data(as_text=True)
    assert body.count('class="badge rates-below"') == 2  # affiliate and brand, none = $0
    assert body.count('class="badge rates-within"') == 3  # ugc, live and the total ($480)
    assert "assumes at least 4 posts a week; you post 2" in text(response)
    assert "income_ugc" not in body  # not asked for again


def test_no_income_recorded_shows_the_ranges_without_a_verdict(user, logged_in):
    page = calc(logged_in).get_data(as_text=True)
    assert "rates-within" not in page and "No income recorded for" in page


def test_posting_less_than_the_benchmark_assumes_is_said_even_without_income(user, logged_in):
    assert "you post 3" in text(calc(logged_in, posts_per_week="3"))
    assert "assumes at least" not in text(calc(logged_in, posts_per_week="4"))


def test_ten_thousand_followers_have_no_built_in_benchmark(user, logged_in):
    page = text(calc(logged_in, followers="10000"))
    assert "No built-in benchmark." in page
    assert "Your tier" not in page


def test_the_affiliate_estimate_and_programs(user, logged_in):
    page = text(calc(logged_in, average_views="1000", affiliate_videos="4"))
    assert "A month, about $5–$70" in page  # a tenfold range said as a person would
    assert "Exactly $6.40–$72 from these inputs" in page
    assert "TikTok Shop Affiliate 5–20% 5,000 followers 1,000 to go" in page
    assert "you qualify" in text(calc(logged_in, followers="5000"))


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"followers": "-5"}, "followers", "Enter 0 to 1,000,000,000."),
        ({"followers": "lots"}, "followers", "Enter a whole number"),
        ({"engagement": "abc"}, "engagement", "Enter a number, like 9.5."),
        ({"engagement": "nan"}, "engagement", "Enter a number, like 9.5."),
        ({"engagement": "150"}, "engagement", "Enter a percentage from 0 to 100, like 9.5."),
        ({"engagement": "-1"}, "engagement", "Enter a percentage from 0 to 100, like 9.5."),
        ({"videos": "0"}, "videos", "Enter 1 to 100."),
        ({"ctr": "150"}, "ctr", "Enter 0 to 100."),
        ({"commission": "-3"}, "commission", "can't be negative"),
        ({"niche": "crypto"}, "niche", "Not a valid choice"),
    ],
)
def test_bad_values_get_a_message_beside_the_field(user, logged_in, params, field, message):
    response = calc(logged_in, **params)
    assert response.status_code == 200
    assert message in field_error(response, field)


def test_a_bad_value_stops_only_its_own_calculator(user, logged_in):
    page = text(calc(logged_in, ctr="150"))
    assert "Suggested $40 a post" in page  # the sponsored quote still shows
    assert "Fix the values marked above to see this figure." in page


def test_an_engagement_over_100_is_refused_beside_its_field_and_quotes_nothing(user, logged_in):
    response = calc(logged_in, engagement="150")
    assert field_error(response, "engagement") == "Enter a percentage from 0 to 100, like 9.5."
    page = text(response)
    assert "Suggested" not in page.split("Sponsored post", 1)[1].split("UGC videos", 1)[0]
    assert "Range $1,000" not in page and "Tier and benchmark" in page  # other sections stay


def test_zero_followers_say_a_sponsored_quote_needs_followers_and_point_to_ugc(user, logged_in):
    response = calc(logged_in, followers="0")
    body = response.get_data(as_text=True)
    sponsored = body.split('id="sponsored"', 1)[1].split("</section>", 1)[0]
    assert "$0" not in sponsored and "Suggested" not in sponsored
    note = sponsored.split('id="sponsored-needs-followers">', 1)[1].split("</p>", 1)[0]
    assert "priced per 1,000 followers, so 0 followers make no sponsored rate yet" in note
    assert "UGC pays for content, not audience" in note and 'href="#ugc"' in note
    assert field_error(response, "followers") == ""  # a fact, not a refused value
    assert "Suggested $100 a video" in text(response)  # the UGC quote still shows


def test_stored_stats_over_100_percent_get_the_message_beside_engagement(session, user, logged_in):
    factories.make_snapshot(
        session, user, followers=4000, video_views=100, likes=140, comments=5, shares=5
    )
    response = logged_in.get(PAGE)
    assert response.status_code == 200
    assert "from 0 to 100" in field_error(response, "engagement")


SECTIONS = ("numbers", "tier", "sponsored", "ugc", "affiliate", "add-ons")


def test_the_contents_link_to_every_section_and_each_section_links_back(user, logged_in):
    body = logged_in.get(PAGE).get_data(as_text=True)
    contents = body.split('<nav class="rates-toc" id="contents"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="#([\w-]+)"', contents) == list(SECTIONS)
    for anchor in SECTIONS:
        assert body.count(f'<section class="card" id="{anchor}"') == 1, anchor
        part = body.split(f'id="{anchor}"', 1)[1].split("</section>", 1)[0]
        assert 'href="#contents"' in part, anchor
    # The contents come before the first section: at the top of the page.
    assert body.index('id="contents"') < body.index('id="numbers"')


def test_nothing_is_written_by_the_calculators(session, user, logged_in):
    calc(logged_in, sponsored_add_ons=["usage_rights"])
    assert session.scalar(select(func.count()).select_from(AddOnUplift)) == 0


def policy_form(**percents: str) -> dict[str, str]:
    data = {"percent_usage_rights": "30", "percent_whitelisting": "25", "percent_exclusivity": "20"}
    data.update({f"percent_{k}": v for k, v in percents.items()})
    return data


def test_the_policy_shows_the_starting_values_labelled_as_the_creators_own(user, logged_in):
    page = text(logged_in.get(PAGE))
    assert "Your add-on policy" in page and "not market rates" in page
    assert "Paid usage rights: 30% (starting value)" in page


def test_saving_the_policy_stores_it_and_quotes_use_it(session, user, logged_in):
    response = logged_in.post("/rates/add-ons", data=policy_form(usage_rights="50"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/rates/#add-ons")
    assert (
        services.add_on_policy(session, user.id, installed_market()).percents["usage_rights"] == 50
    )
    page = text(calc(logged_in, sponsored_add_ons="usage_rights"))
    assert "Paid usage rights: 50% (yours)" in page
    assert "Range $60–$150" in page  # $40-$100 + 50%


def test_saving_twice_updates_rather_than_duplicates(session, user, logged_in):
    logged_in.post("/rates/add-ons", data=policy_form(usage_rights="40"))
    logged_in.post("/rates/add-ons", data=policy_form(usage_rights="45"))
    rows = session.scalars(select(AddOnUplift).where(AddOnUplift.owner_id == user.id)).all()
    assert sorted((r.add_on, r.percent) for r in rows) == [
        ("exclusivity", 20),
        ("usage_rights", 45),
        ("whitelisting", 25),
    ]


@pytest.mark.parametrize(
    ("value", "message"), [("-5", "Enter 0 to 500."), ("600", "Enter 0 to 500."), ("", "Enter a")]
)
def test_a_bad_percentage_is_refused_beside_its_field_and_nothing_saved(
    session, user, logged_in, value, message
):
    response = logged_in.post("/rates/add-ons", data=policy_form(whitelisting=value))
    assert response.status_code == 200
    assert message in field_error(response, "percent_whitelisting")
    assert session.scalar(select(func.count()).select_from(AddOnUplift)) == 0


def test_reset_returns_to_the_starting_values(session, user, logged_in):
    logged_in.post("/rates/add-ons", data=policy_form(usage_rights="80"))
    response = logged_in.post("/rates/add-ons/reset")
    assert response.status_code == 302
    assert (
        services.add_on_policy(session, user.id, installed_market()).percents["usage_rights"] == 30
    )


def test_one_creators_policy_never_touches_anothers(session, user, other_user, logged_in):
    services.save_add_on_policy(session, other_user.id, {"usage_rights": 200}, installed_market())
    session.commit()
    assert "Paid usage rights: 30% (starting value)" in text(logged_in.get(PAGE))
    logged_in.post("/rates/add-ons/reset")
    assert (
        services.add_on_policy(session, other_user.id, installed_market()).percents["usage_rights"]
        == 200
    )


def test_the_policy_service_refuses_unknown_add_ons_and_bad_percentages(session, user):
    from crm.rates.errors import RatesError

    with pytest.raises(RatesError):
        services.save_add_on_policy(session, user.id, {"free_pizza": 10}, installed_market())
    with pytest.raises(RatesError) as raised:
        services.save_add_on_policy(session, user.id, {"exclusivity": 501}, installed_market())
    assert raised.value.field == "exclusivity"


def test_state_changes_are_post_only(user, logged_in):
    assert logged_in.get("/rates/add-ons").status_code == 405
    assert logged_in.get("/rates/add-ons/reset").status_code == 405
    assert logged_in.post(PAGE).status_code == 405


def test_the_policy_form_needs_its_csrf_token(make_app, user):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    client.post(
        "/login",
        data={"email": user.email, "password": factories.TEST_PASSWORD, "csrf_token": token[1]},
    )
    assert client.post("/rates/add-ons", data=policy_form()).status_code == 400
    body = client.get(PAGE).get_data(as_text=True)
    assert 'name="csrf_token"' in body.split('id="add-ons"', 1)[1]


def test_the_page_runs_a_constant_number_of_queries(session, user, logged_in, count_queries):
    factories.make_snapshot(session, user)
    factories.make_video(session, user)
    logged_in.get(PAGE)
    with count_queries() as few:
        logged_in.get(PAGE)
    for _ in range(6):
        factories.make_video(session, user)
        factories.make_snapshot(session, user)
    services.save_add_on_policy(
        session, user.id, {"usage_rights": 40, "exclusivity": 10}, installed_market()
    )
    session.commit()
    with count_queries() as many:
        logged_in.get(PAGE)
    assert len(many) == len(few)
