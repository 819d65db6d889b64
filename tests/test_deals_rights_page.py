"""The rights page: every window with its end and status, ending soon flagged, renewal emails."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest

from crm import database
from crm.add_on_policy.models import AddOnUplift
from crm.deals.dashboard_counts import deal_numbers
from crm.deals.models import DealStatus
from crm.deals.renewal import RenewalFacts, extension_price_cents, renewal_email
from crm.deals.rights import RightsKind, RightsWindow
from crm.deals.rights_rows import WindowStatus, rights_list, window_status
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
    found = rights_list(session, user.id, TODAY)
    soon = {row.deal_title for row in found.rows if row.ending_soon}
    assert soon == {"Soon", "Today"}
    assert [row.deal_title for row in found.rows][:2] == ["Today", "Soon"]  # soonest first


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
    assert "ends in 5 days: a chance to sell an extension" in page
    assert "a chance to sell an extension" in page
    link = f"/deals/rights/{ending.id}/renewal?right=usage"
    assert page.count("Draft renewal email") == 1 and link in page


def test_the_cancelled_deals_rights_are_left_out(logged_in, session, user) -> None:
    make_deal(session, user, title="Called off", usage_days=30, usage_start=_ending_in(3),
              status=DealStatus.CANCELLED)  # fmt: skip
    page = logged_in.get("/deals/rights").get_data(as_text=True)
    assert "Called off" not in page and "No rights yet" in page


def test_past_the_cap_the_page_says_how_many_deals_are_left_off(session, user) -> None:
    brand = make_brand(session, user)
    deals = [make_deal(session, user, brand, usage_days=30) for _ in range(4)]
    found = rights_list(session, user.id, TODAY, shown=3)
    assert found.deals_shown == 3 and found.total.value == 4 and found.more == "1"
    assert {row.deal_id for row in found.rows} == {d.id for d in deals[1:]}  # the newest


def test_the_rights_are_read_in_two_statements_below_and_past_the_cap(
    session, user, count_queries
) -> None:
    """The count and the older deals ending soon are read whether or not the cap is reached:
    the page's statements do not grow with the account (one below the cap, three past it)."""
    brand = make_brand(session, user)
    counts = []
    for _step in range(3):  # 2, 4 then 6 deals, one of each pair ending soon: shown=3
        make_deal(session, user, brand, usage_days=30, usage_start=_ending_in(4))
        make_deal(session, user, brand, usage_days=30)
        session.flush()
        with count_queries() as statements:
            found = rights_list(session, user.id, TODAY, shown=3)
        counts.append(len(statements))
    assert counts == [2, 2, 2]
    assert (found.deals_shown, found.older_ending_soon, found.total.value) == (3, 2, 6)


def test_an_older_deals_right_ending_soon_is_listed_past_the_cap(session, user) -> None:
    # The dashboard counts every window ending soon, so the page can't leave an old one off.
    brand = make_brand(session, user)
    old = make_deal(session, user, brand, title="Old but ending", usage_days=30,
                    usage_start=_ending_in(4))  # fmt: skip
    make_deal(session, user, brand, title="Old and quiet", usage_days=30)
    newest = [make_deal(session, user, brand, usage_days=30) for _ in range(3)]
    found = rights_list(session, user.id, TODAY, shown=3)
    assert {row.deal_id for row in found.rows} == {old.id} | {d.id for d in newest}
    assert [row.deal_id for row in found.ending_soon] == [old.id]
    assert found.more == "1"  # "Old and quiet" is the one left off
    assert deal_numbers(session, user.id, TODAY).rights_ending_soon == len(found.ending_soon)


def test_older_deals_windows_of_every_kind_ending_soon_are_listed_once(session, user) -> None:
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
    newest = [make_deal(session, user, brand, usage_days=30) for _ in range(2)]
    found = rights_list(session, user.id, TODAY, shown=2)
    assert found.older_ending_soon == 2
    assert {row.deal_id for row in found.rows} == {two.id, exclusive.id} | {d.id for d in newest}
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
