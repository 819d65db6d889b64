"""The creator's own targets per stream: saved all at once from their page, refused beside
the field, never another creator's; from 10,000 followers at the month's end the report,
its JSON and the dashboard measure the month against them instead of a tier."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm import database
from crm.income.models import IncomeTarget
from crm.income.payloads import report_payload
from crm.income.report import month_report
from crm.income.services import IncomeError
from crm.income.targets import save_targets, targets_for
from crm.market.seed import installed_market
from tests.factories import make_snapshot
from tests.factories_income import TODAY, make_income

MARKET = installed_market()
NOVEMBER = (2026, 11)
EVERY_STREAM = [s.key for s in MARKET.streams]


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    """The clock the pages and commands read."""
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def _form(**amounts: str) -> dict[str, str]:
    """The targets page's fields as a browser posts them: every stream, empty unless given."""
    return {f"target_{key}": amounts.get(key, "") for key in EVERY_STREAM}


def _saved(session, user) -> dict[str, int]:
    session.expire_all()
    return targets_for(session, user.id, user.currency)


def _report(session, user, month=NOVEMBER):
    return month_report(session, user, *month, TODAY, MARKET)


def _at_ten_thousand(session, user, followers=10_000) -> None:
    make_snapshot(session, user, taken_on=date(2026, 11, 30), followers=followers)


# The page.


def test_the_page_saves_every_streams_target_at_once(logged_in, session, user) -> None:
    response = logged_in.post("/income/targets", data=_form(ugc="1,500", brand="2000.50"))
    assert response.status_code == 302
    assert _saved(session, user) == {"ugc": 150_000, "brand": 200_050}
    page = logged_in.get("/income/targets").get_data(as_text=True)
    assert 'value="1500.00"' in page and 'value="2000.50"' in page


def test_an_emptied_field_clears_its_target_and_changes_the_others(
    logged_in, session, user
) -> None:
    save_targets(session, user.id, user.currency, {"ugc": 150_000, "live": 5_000}, MARKET)
    session.commit()
    response = logged_in.post("/income/targets", data=_form(ugc="900", affiliate="0.01"))
    assert response.status_code == 302
    assert _saved(session, user) == {"ugc": 90_000, "affiliate": 1}
    assert logged_in.post("/income/targets", data=_form()).status_code == 302
    assert _saved(session, user) == {}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "can&#39;t be negative"),
        ("1,2,3", "is not an amount like 1250"),
        ("12.345", "is not an amount like 1250"),
        ("1e5", "is not an amount like 1250"),
        ("10000000.01", "over 10 million"),
    ],
)
def test_bad_input_is_said_beside_its_field_and_nothing_is_written(
    logged_in, session, user, typed, message
) -> None:
    save_targets(session, user.id, user.currency, {"ugc": 150_000}, MARKET)
    session.commit()
    response = logged_in.post("/income/targets", data=_form(ugc="900", live=typed))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    error = page.split('id="target_live-error"', 1)
    assert len(error) == 2 and message in error[1].split("</p>", 1)[0], page
    assert 'id="target_ugc-error"' not in page
    assert _saved(session, user) == {"ugc": 150_000}  # the valid UGC field was not saved either


def test_the_service_refuses_what_the_form_would(session, user) -> None:
    for targets, field in [
        ({"ugc": 100, "live": -1}, "target_live"),
        ({"ugc": 100, "live": 0}, "target_live"),
        ({"ugc": 100, "live": 1_000_000_001}, "target_live"),
        ({"lottery": 100}, "target_lottery"),
    ]:
        with pytest.raises(IncomeError) as refused:
            save_targets(session, user.id, user.currency, targets, MARKET)
        assert refused.value.field == field
    assert targets_for(session, user.id, user.currency) == {}
    assert save_targets(session, user.id, user.currency, {"ugc": 1_000_000_000}, MARKET) == {
        "ugc": 1_000_000_000
    }


def test_one_target_per_stream_and_creator(session, user, other_user) -> None:
    save_targets(session, user.id, user.currency, {"ugc": 100}, MARKET)
    save_targets(session, user.id, user.currency, {"ugc": 200}, MARKET)
    save_targets(session, other_user.id, other_user.currency, {"ugc": 300}, MARKET)
    count = session.scalar(select(func.count()).select_from(IncomeTarget))
    assert count == 2
    assert targets_for(session, user.id, user.currency) == {"ugc": 200}


def test_another_creators_targets_are_never_shown_or_used(
    logged_in, session, user, other_user
) -> None:
    save_targets(session, other_user.id, other_user.currency, {"ugc": 777_700}, MARKET)
    make_snapshot(session, other_user, taken_on=date(2026, 11, 30), followers=20_000)
    _at_ten_thousand(session, user)
    session.commit()
    page = logged_in.get("/income/targets").get_data(as_text=True)
    assert "7777" not in page and 'value=""' in page
    report = logged_in.get("/income/month?month=2026-11").get_data(as_text=True)
    assert "$7,777" not in report and "Set your own targets" in report
    assert _report(session, user).targets.streams == ()


def test_the_month_report_and_the_income_list_link_to_the_targets(logged_in, user) -> None:
    assert 'href="/income/targets"' in logged_in.get("/income/month").get_data(as_text=True)
    assert 'href="/income/targets"' in logged_in.get("/income/").get_data(as_text=True)


# The report.


@pytest.mark.parametrize(
    ("cents", "verdict", "gap"),
    [(49_999, "below", 1), (50_000, "met", 0), (50_001, "met", -1)],
)
def test_a_streams_verdict_against_its_target_at_the_edge(
    session, user, cents, verdict, gap
) -> None:
    _at_ten_thousand(session, user)
    save_targets(session, user.id, user.currency, {"ugc": 50_000}, MARKET)
    make_income(session, user, earned_on=date(2026, 11, 10), amount_cents=cents, stream="ugc")
    own = _report(session, user).targets
    [line] = own.streams
    assert (line.key, line.amount_cents, line.verdict, line.gap_cents) == (
        "ugc",
        cents,
        verdict,
        gap,
    )


@pytest.mark.parametrize(
    ("brand_cents", "verdict"), [(30_000, "below"), (30_001, "met"), (30_002, "met")]
)
def test_the_total_is_the_targeted_streams_against_the_sum_of_targets(
    session, user, brand_cents, verdict
) -> None:
    _at_ten_thousand(session, user)
    save_targets(
        session, user.id, user.currency, {"ugc": 50_000, "brand": 30_000, "live": 1}, MARKET
    )
    make_income(session, user, earned_on=date(2026, 11, 3), amount_cents=50_000, stream="ugc")
    make_income(session, user, earned_on=date(2026, 11, 4), amount_cents=brand_cents,
                stream="brand")  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=9_900,
                stream="affiliate")  # fmt: skip
    own = _report(session, user).targets
    assert [line.key for line in own.streams] == ["ugc", "brand", "live"]  # the seed's order
    live = own.streams[2]
    assert (live.amount_cents, live.verdict) == (0, "below")  # no income counts as 0
    assert (own.total.amount_cents, own.total.target_cents) == (50_000 + brand_cents, 80_001)
    assert own.total.verdict == verdict
    assert own.other_cents == 9_900  # affiliate: no target, not in the total


@pytest.mark.parametrize(("at_end", "after"), [(9_999, 10_000), (10_000, 9_999)])
def test_the_followers_at_the_months_end_choose_the_tier_or_the_targets(
    session, user, at_end, after
) -> None:
    user.followers = after  # the profile and the day after the month's end: neither counts
    save_targets(session, user.id, user.currency, {"ugc": 50_000}, MARKET)
    make_income(session, user, earned_on=date(2026, 11, 10), amount_cents=40_000, stream="ugc")
    make_snapshot(session, user, taken_on=date(2026, 11, 30), followers=at_end)
    make_snapshot(session, user, taken_on=date(2026, 12, 1), followers=after)
    report = _report(session, user)
    if at_end < 10_000:
        assert report.benchmark.tier.key == "5K-10K" and report.targets is None
        assert "ugc" in {line.key for line in report.benchmark.streams}
    else:
        assert report.benchmark.tier is None and report.benchmark.streams == ()
        assert report.benchmark.message == MARKET.benchmark.no_benchmark_message
        assert [(line.key, line.verdict) for line in report.targets.streams] == [("ugc", "below")]


def test_the_page_at_ten_thousand_shows_message_targets_verdicts_and_gaps(
    logged_in, session, user
) -> None:
    _at_ten_thousand(session, user)
    save_targets(session, user.id, user.currency, {"ugc": 50_000, "brand": 20_000}, MARKET)
    make_income(session, user, earned_on=date(2026, 11, 3), amount_cents=45_000, stream="ugc")
    make_income(session, user, earned_on=date(2026, 11, 4), amount_cents=25_000, stream="brand")
    session.commit()
    page = logged_in.get("/income/month?month=2026-11").get_data(as_text=True)
    assert "November 2026 against your own targets" in page and "no built-in benchmark" in page
    assert "$50 to your target" in page and "below your target" in page  # UGC
    assert "$50 over your target" in page  # brand
    assert "exactly on it" in page  # the total: $700 of $700
    assert "Change your targets" in page


def test_under_ten_thousand_the_page_keeps_the_tier_and_ignores_targets(
    logged_in, session, user
) -> None:
    user.followers = 1_500
    save_targets(session, user.id, user.currency, {"ugc": 999_900}, MARKET)
    session.commit()
    page = logged_in.get("/income/month?month=2026-11").get_data(as_text=True)
    assert "Tier 1K-3K range" in page and "$9,999" not in page
    assert "Set your own targets" in page


# JSON and the command line.


def test_the_json_carries_the_targets_at_ten_thousand_and_none_below(runner, session, user) -> None:
    _at_ten_thousand(session, user)
    save_targets(session, user.id, user.currency, {"ugc": 50_050, "live": 1_000}, MARKET)
    make_income(session, user, earned_on=date(2026, 11, 3), amount_cents=40_000, stream="ugc")
    make_income(session, user, earned_on=date(2026, 11, 4), amount_cents=2_500, stream="other")
    session.commit()
    out = runner.invoke(
        args=["report", "month", "--user", user.email, "--month", "2026-11", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["tier"] is None and data["streams"] == {} and data["message"]
    assert data["targets"] == {
        "streams": {
            "ugc": {"amount": 400, "target": 500.5, "verdict": "below", "gap": 100.5},
            "live": {"amount": 0, "target": 10, "verdict": "below", "gap": 10},
        },
        "total": {"amount": 400, "target": 510.5, "verdict": "below", "gap": 110.5},
        "other": 25,
    }
    text = runner.invoke(args=["report", "month", "--user", user.email, "--month", "2026-11"])
    assert "UGC deals: $400 of your $500.50 target, $100.50 to go." in text.output
    user.followers = 9_999
    october = report_payload(_report(session, user, month=(2026, 10)))
    assert october["targets"] is None  # the profile's 9,999 at October's end: the tier


def test_with_no_targets_at_ten_thousand_the_json_says_so(session, user) -> None:
    _at_ten_thousand(session, user)
    payload = report_payload(_report(session, user))
    assert payload["targets"] == {"streams": {}, "total": None, "other": 0}


# Queries and the dashboard.


def test_the_report_reads_the_targets_in_one_query_whatever_their_number(
    logged_in, session, user, count_queries
) -> None:
    def queries() -> int:
        with count_queries() as statements:
            assert logged_in.get("/income/month?month=2026-11").status_code == 200
        return len(statements)

    _at_ten_thousand(session, user)
    make_income(session, user, earned_on=date(2026, 11, 2))
    session.commit()
    none = queries()
    save_targets(session, user.id, user.currency, {"ugc": 100}, MARKET)
    session.commit()
    one = queries()
    save_targets(session, user.id, user.currency, dict.fromkeys(EVERY_STREAM, 100), MARKET)
    for day in range(3, 20):
        make_income(session, user, earned_on=date(2026, 11, day), stream=EVERY_STREAM[day % 8])
    assert none == one == queries()


def test_the_dashboard_at_ten_thousand_shows_progress_to_the_targets(
    logged_in, session, user
) -> None:
    make_snapshot(session, user, taken_on=date(2026, 12, 1), followers=12_000)
    make_income(session, user, earned_on=date(2026, 12, 1), amount_cents=30_000, stream="ugc",
                today=date(2026, 12, 2))  # fmt: skip
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "no built-in benchmark above 10K" in page and "Set your own targets" in page
    save_targets(session, user.id, user.currency, {"ugc": 100_000, "brand": 20_000}, MARKET)
    session.commit()
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "$300 of your $1,200 targets (25%)" in page
    assert '<progress max="100" value="25"' in page
    assert "UGC deals: $300 of your $1,000 target, $700 to go." in page


def test_targets_set_in_another_currency_are_left_out_until_set_again(
    logged_in, session, user
) -> None:
    _at_ten_thousand(session, user)
    save_targets(session, user.id, "USD", {"ugc": 50_000, "brand": 20_000}, MARKET)
    user.currency = "EUR"
    session.commit()
    assert targets_for(session, user.id, "EUR") == {}
    assert _report(session, user).targets.total is None  # not $500 read as 500 euros
    page = logged_in.get("/income/targets").get_data(as_text=True)
    assert "Set these again in EUR" in page and "UGC deals ($500)" in page
    assert 'value="500.00"' not in page
    assert logged_in.post("/income/targets", data=_form(ugc="450")).status_code == 302
    assert targets_for(session, user.id, "EUR") == {"ugc": 45_000}
    assert "Set these again" not in logged_in.get("/income/targets").get_data(as_text=True)


def test_at_ten_thousand_without_targets_the_title_claims_no_tier(logged_in, session, user):
    _at_ten_thousand(session, user)
    session.commit()
    page = logged_in.get("/income/month?month=2026-11").get_data(as_text=True)
    assert "November 2026: your income" in page and "against your tier" not in page
