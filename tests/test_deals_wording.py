"""Deals-area wording: a brand's possessive, the calendar feed's intro, a retainer's fee."""

from __future__ import annotations

from datetime import date

import pytest

from crm.deals.models import DealKind
from crm.sentences import possessive
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal
from tests.test_invoices_pages import page_text


@pytest.mark.parametrize(
    ("name", "said"),
    [("Nike", "Nike's"), ("Chris", "Chris'"), ("ASOS", "ASOS'"), ("Glow Co. ", "Glow Co.'s"),
     ("", "")],
)  # fmt: skip
def test_possessive_adds_an_apostrophe_s_or_only_the_apostrophe_after_an_s(name, said) -> None:
    assert possessive(name) == said


@pytest.mark.parametrize(
    ("brand", "link"), [("Nike", "Nike's timeline"), ("Chris", "Chris' timeline")]
)
def test_the_deal_page_names_the_brands_timeline_in_the_possessive(
    logged_in, session, user, brand, link
) -> None:
    deal = make_deal(session, user, make_brand(session, user, name=brand))
    text = page_text(logged_in.get(f"/deals/{deal.id}"))
    assert link in text and "Chris's" not in text


def test_the_calendar_page_says_what_the_feed_carries_and_how_to_add_it(logged_in) -> None:
    text = page_text(logged_in.get("/deals/calendar"))
    for words in (
        "the day each deliverable is due, each follow-up to send",
        "the last day of each usage, whitelisting or exclusivity right",
        "In Google Calendar on a computer: Other calendars → + → From URL",
        "In Apple Calendar on a Mac: File → New Calendar Subscription",
    ):
        assert words in text, words


def test_the_cli_says_a_retainers_fee_is_a_month(runner, session, user) -> None:
    make_deal(session, user, title="Monthly", kind=DealKind.RETAINER, amount_cents=50_000,
              videos_per_month=2, start_month=date(2026, 3, 1))  # fmt: skip
    make_deal(session, user, title="One-off", amount_cents=30_000)
    result = runner.invoke(args=["deals", "list", "--user", user.email])
    assert result.exit_code == 0, result.output
    monthly, one_off = (line for line in result.output.splitlines() if line.startswith("#"))
    assert "$500 a month" in monthly and "Monthly" in monthly
    assert "$300" in one_off and "a month" not in one_off
