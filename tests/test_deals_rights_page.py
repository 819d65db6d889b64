"""The rights page: every window with its end and status, ending soon flagged, renewal emails."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import unquote

import pytest

from crm import database
from crm.add_on_policy.models import AddOnUplift
from crm.deals.dashboard_counts import deal_numbers
from crm.deals.models import DealStatus
from crm.deals.renewal import RenewalFacts, extension_price_cents, renewal_email
from crm.deals.rights import RightsKind, RightsWindow
from crm.deals.rights_rows import WindowStatus, rights_page, window_status
from tests.factories_brands import make_brand, make_contact
from tests.factories_deals import make_deal

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 2, 12, tzinfo=UTC))


def _ending_in(days_left: int, days: int = 30) -> date:
    """The start of a `days` window whose last day is `days_left` days after TODAY."""
    return TODAY + timedelta(days=days_left) - timedelta(days=days - 1)


@pytest.mark.parametrize(
    ("amount", "percent", "price"),
    [(90_000, 30, 27_000), (333, 15, 50), (100, 25, 25), (101, 50, 51), (99_99, 1, 100)],
)
def test_the_extension_price_is_the_percent_of_the_amount_half_up(amount, percent, price) -> None:
    assert extension_price_cents(amount, percent) == price


@pytest.mark.parametrize(("amount", "percent"), [(0, 30), (90_000, 0)])
def test_nothing_to_price_gives_no_price(amount, percent) -> None:
    assert extension_price_cents(amount, percent) is None


def test_a_window_is_not_started_active_or_ended_by_its_days() -> None:
    def status(start, end):
        return window_status(RightsWindow(RightsKind.USAGE, start, end, days=30), TODAY)

    assert status(None, None) is WindowStatus.NOT_STARTED
    assert status(TODAY + timedelta(days=1), TODAY + timedelta(days=30)) is WindowStatus.NOT_STARTED
    assert status(TODAY, TODAY) is WindowStatus.ACTIVE
    assert status(TODAY - timedelta(days=29), TODAY - timedelta(days=1)) is WindowStatus.ENDED
    perpetual = RightsWindow(RightsKind.USAGE, TODAY, None, perpetual=True)
    assert window_status(perpetual, TODAY) is WindowStatus.ACTIVE


def test_the_renewal_email_names_the_right_its_end_and_the_price() -> None:
    window = RightsWindow(RightsKind.USAGE, date(2026, 2, 10), date(2026, 3, 11), days=30)
    email = renewal_email(
        RenewalFacts(
            deal_title="Spring serum",
            brand_name="Glow Labs",
            contact_name="Jo Park",
            contact_email="jo@glowlabs.com",
            amount_cents=90_000,
            currency="USD",
            window=window,
            percent=30,
            creator_name="Mia",
        )
    )
    assert email.subject == "Extending paid usage for Spring serum"
    assert email.body.startswith("Hi Jo,")
    assert "runs until Mar 11, 2026" in email.body
    assert "another 30 days for $270 (30% of the original $900)" in email.body
    assert email.body.endswith("Thanks,\nMia")
    assert email.mailto.startswith("mailto:jo@glowlabs.com?subject=Extending%20paid%20usage")
    assert "another 30 days for $270" in unquote(email.mailto)


def test_rights_ending_in_14_days_are_flagged_and_15_days_are_not(session, user) -> None:
    brand = make_brand(session, user)
    make_deal(session, user, brand, title="Soon", usage_days=30, usage_start=_ending_in(13))
    make_deal(session, user, brand, title="Later", usage_days=30, usage_start=_ending_in(14))
    make_deal(session, user, brand, title="Today", whitelisting_days=10,
              whitelisting_start=_ending_in(0, days=10))  # fmt: skip
    found = _page(session, user)
    soon = {row.deal_title for row in found.rows if row.ending_soon}
    assert soon == {"Soon", "Today"}
    assert [row.deal_title for row in found.ending_soon] == ["Today", "Soon"]  # soonest first


def test_the_page_shows_each_window_with_its_end_and_status(logged_in, session, user) -> None:
    brand = make_brand(session, user, name="Glow Labs")
    make_deal(session, user, brand, title="Forever ad", usage_perpetual=True,
              usage_start=date(2026, 1, 5), usage_channels="TikTok, Meta")  # fmt: skip
    make_deal(session, user, brand, title="Unposted", exclusivity_days=60,
              exclusivity_category="Skincare")  # fmt: skip
    make_deal(session, user, brand, title="Old", whitelisting_days=7,
              whitelisting_start=date(2026, 1, 1))  # fmt: skip
    ending = make_deal(session, user, brand, title="Ending", usage_days=30,
                       usage_start=_ending_in(5))  # fmt: skip
    make_deal(session, user, brand, title="No rights at all")
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "No rights at all" not in page
    assert "perpetual (never ends)" in page and "TikTok, Meta" in page
    assert "starts when posted" in page and "Skincare" in page
    assert "Jan 7, 2026" in page  # 7 days from Jan 1, inclusive
    assert '<span class="badge">ended</span>' in page
    assert "ends in 5 days" in page and "a chance to sell an extension" in page
    link = f"/deals/rights/{ending.id}/renewal?right=usage"
    # In "Ending soon" at the top, and in the list of every right below.
    assert page.count("Draft renewal email") == 2 and link in page
    assert page.index("Ending soon") < page.index("All rights")


def test_the_cancelled_deals_rights_are_left_out(logged_in, session, user) -> None:
    make_deal(session, user, title="Called off", usage_days=30, usage_start=_ending_in(3),
              status=DealStatus.CANCELLED)  # fmt: skip
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "Called off" not in page and "No rights yet" in page


def _page(session, user, cursor=None, size=25):
    return rights_page(session, user.id, TODAY, cursor, size)


def test_the_deals_come_a_page_at_a_time_newest_first(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    deals = [make_deal(session, user, brand, title=f"Deal {n}", usage_days=30) for n in range(5)]
    make_deal(session, user, brand, title="No rights")
    first = _page(session, user, size=2)
    assert [row.deal_id for row in first.rows] == [deals[4].id, deals[3].id]
    assert first.deals.total.value == 5 and first.deals.newer is None
    second = _page(session, user, first.deals.older, size=2)
    assert [row.deal_id for row in second.rows] == [deals[2].id, deals[1].id]
    last = _page(session, user, second.deals.older, size=2)
    assert [row.deal_id for row in last.rows] == [deals[0].id] and last.deals.older is None
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "5 deals with rights, newest first" in page and "No rights" not in page


def test_the_pages_link_to_each_other(logged_in, session, user, app) -> None:
    app.config["PAGE_SIZE"] = 2
    brand = make_brand(session, user)
    for n in range(3):
        make_deal(session, user, brand, title=f"Window {n}", usage_days=30)
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "Window 2" in page and "Window 0" not in page
    older = re.search(r'href="([^"]+)" rel="next"', page)
    assert older, "an Older link"
    page = logged_in.get(unescape(older.group(1))).get_data(as_text=True)
    assert "Window 0" in page and "Window 2" not in page and 'rel="prev"' in page


def test_an_odd_cursor_is_page_one(logged_in, session, user) -> None:
    make_deal(session, user, title="Still here", usage_days=30)
    response = logged_in.get("/deals/rights?cursor=not-a-cursor")
    assert response.status_code == 200 and "Still here" in response.get_data(as_text=True)


def test_the_rights_page_reads_the_same_statements_at_any_size(
    session, user, count_queries
) -> None:
    """A capped count, the page's ids, its rows, the windows ending soon and their count: five
    statements with one deal or past a page of them."""
    brand = make_brand(session, user)
    counts = []
    for _step in range(3):  # 2, 4 then 6 deals, one of each pair ending soon: pages of 3
        make_deal(session, user, brand, usage_days=30, usage_start=_ending_in(4))
        make_deal(session, user, brand, usage_days=30)
        session.flush()
        with count_queries() as statements:
            found = _page(session, user, size=3)
        counts.append(len(statements))
    assert counts == [5, 5, 5]
    assert found.deals.total.value == 6
    # The soonest page-size of the windows ending soon, and how many there are in all.
    assert (len(found.ending_soon), found.ending_soon_total, found.more_ending_soon) == (3, 3, 0)


def test_an_older_deals_right_ending_soon_heads_page_one(session, user) -> None:
    # The dashboard counts every window ending soon, so the page can't leave an old one off.
    brand = make_brand(session, user)
    old = make_deal(session, user, brand, title="Old but ending", usage_days=30,
                    usage_start=_ending_in(4))  # fmt: skip
    make_deal(session, user, brand, title="Old and quiet", usage_days=30)
    newest = [make_deal(session, user, brand, usage_days=30) for _ in range(3)]
    found = _page(session, user, size=3)
    assert {row.deal_id for row in found.rows} == {d.id for d in newest}
    assert [row.deal_id for row in found.ending_soon] == [old.id]
    assert deal_numbers(session, user.id, TODAY).rights_ending_soon == len(found.ending_soon)
    assert _page(session, user, found.deals.older, size=3).ending_soon == []  # page one only


def test_past_a_page_of_them_the_soonest_windows_ending_soon_are_shown(
    logged_in, session, user, app
) -> None:
    app.config["PAGE_SIZE"] = 2
    brand = make_brand(session, user)
    for days_left in (9, 2, 6):
        make_deal(session, user, brand, title=f"In {days_left}", usage_days=30,
                  usage_start=_ending_in(days_left))  # fmt: skip
    found = _page(session, user, size=2)
    assert [row.deal_title for row in found.ending_soon] == ["In 2", "In 6"]
    assert (found.ending_soon_total, found.more_ending_soon) == (3, 1)
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "3 rights end within 14 days" in page and "The soonest 2 are here." in page


def test_windows_of_every_kind_ending_soon_are_listed_once_each(session, user) -> None:
    # Each kind is its own index range: a deal found by two of them is still one deal.
    brand = make_brand(session, user)
    two = make_deal(session, user, brand, title="Two ending", usage_days=30,
                    usage_start=_ending_in(2), whitelisting_days=10,
                    whitelisting_start=_ending_in(5, days=10))  # fmt: skip
    exclusive = make_deal(session, user, brand, title="Exclusive", exclusivity_days=20,
                          exclusivity_category="skincare",
                          exclusivity_start=_ending_in(13, days=20))  # fmt: skip
    make_deal(session, user, brand, whitelisting_days=10,
              whitelisting_start=_ending_in(14, days=10))  # fmt: skip  # the 15th day: not soon
    make_deal(session, user, brand, usage_days=30, usage_start=_ending_in(-1))  # ended yesterday
    for _ in range(2):
        make_deal(session, user, brand, usage_days=30)
    found = _page(session, user)
    soon = [(row.deal_id, row.kind) for row in found.ending_soon]
    assert soon == [
        (two.id, RightsKind.USAGE),
        (two.id, RightsKind.WHITELISTING),
        (exclusive.id, RightsKind.EXCLUSIVITY),
    ]
    assert deal_numbers(session, user.id, TODAY).rights_ending_soon == 3


def test_another_creators_rights_are_not_on_the_page(logged_in, session, user, other_user) -> None:
    make_deal(session, other_user, title="Not yours", usage_days=30, usage_start=_ending_in(3))
    assert "Not yours" not in logged_in.get("/deals/rights").get_data(as_text=True)


def test_the_renewal_page_drafts_the_email_at_the_policy_price(logged_in, session, user) -> None:
    brand = make_brand(session, user, name="Glow Labs")
    contact = make_contact(session, user, brand=brand, name="Jo Park", email="jo@glowlabs.com")
    session.add(AddOnUplift(owner_id=user.id, add_on="whitelisting", percent=40))
    session.commit()
    deal = make_deal(session, user, brand, title="Spark run", contact_id=contact.id,
                     amount_cents=50_000, whitelisting_days=30,
                     whitelisting_start=_ending_in(2))  # fmt: skip
    response = logged_in.get(f"/deals/rights/{deal.id}/renewal?right=whitelisting")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Extending whitelisting for Spark run" in page
    assert "$200" in page and "40%" in page  # 40% of $500
    assert 'href="mailto:jo@glowlabs.com?subject=' in page
    assert "Hi Jo," in page


def test_the_renewal_page_uses_the_default_percent_and_writes_nothing(
    logged_in, session, user, count_queries
) -> None:
    deal = make_deal(session, user, amount_cents=100_000, exclusivity_days=30,
                     exclusivity_category="Haircare", exclusivity_start=_ending_in(1))  # fmt: skip
    with count_queries() as statements:
        page = logged_in.get(f"/deals/rights/{deal.id}/renewal?right=exclusivity")
    assert "$200" in page.get_data(as_text=True)  # the seed's 20% for exclusivity
    assert "exclusivity in Haircare" in page.get_data(as_text=True)
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


@pytest.mark.parametrize("right", ["", "usage", "nonsense", "exclusivity"])
def test_a_right_the_deal_lacks_goes_back_to_the_rights_page(logged_in, session, user, right):
    deal = make_deal(session, user, whitelisting_days=30)  # not posted: no end yet
    query = f"?right={right}" if right else ""
    response = logged_in.get(f"/deals/rights/{deal.id}/renewal{query}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/deals/rights")


def test_a_perpetual_right_has_nothing_to_renew(logged_in, session, user) -> None:
    deal = make_deal(session, user, usage_perpetual=True, usage_start=TODAY)
    response = logged_in.get(f"/deals/rights/{deal.id}/renewal?right=usage")
    assert response.status_code == 302


def test_an_exclusivity_reads_by_its_categorys_label(logged_in, session, user) -> None:
    from tests.factories_deals import make_deal

    make_deal(session, user, exclusivity_days=60, exclusivity_category="home")
    session.commit()
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "Home &amp; kitchen" in page


def test_a_renewal_link_without_a_right_drafts_the_first_ending_soon(logged_in, session, user):
    deal = make_deal(session, user, title="Two rights", usage_days=30, usage_start=_ending_in(9),
                     whitelisting_days=30, whitelisting_start=_ending_in(3),
                     exclusivity_days=30, exclusivity_start=_ending_in(40),
                     exclusivity_category="Haircare")  # fmt: skip
    for query in ("", "?right=", "?right=%01", "?right=nonsense"):
        response = logged_in.get(f"/deals/rights/{deal.id}/renewal{query}")
        assert response.status_code == 200, query
        assert "Extending whitelisting for Two rights" in response.get_data(as_text=True)


def test_a_renewal_link_without_a_right_and_nothing_ending_soon_says_so(logged_in, session, user):
    deal = make_deal(session, user, usage_days=30, usage_start=_ending_in(40))
    response = logged_in.get(f"/deals/rights/{deal.id}/renewal")
    assert (response.status_code, response.location) == (302, "/deals/rights")
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "Nothing on that deal ends in the next 14 days" in page


@pytest.mark.parametrize("query", ["?right=usage&right=whitelisting", "?right=" + "x" * 3000,
                                   "?right=%ff%fe", "?right=USAGE%20"])  # fmt: skip
def test_an_odd_renewal_link_is_never_an_error_page(logged_in, session, user, query):
    deal = make_deal(session, user, usage_days=30, usage_start=_ending_in(5))
    response = logged_in.get(f"/deals/rights/{deal.id}/renewal{query}")
    assert response.status_code in (200, 302)
