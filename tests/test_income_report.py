"""The month report: the tier at the month's end, verdicts at every edge, the creator's
month, outstanding and overdue, the goal, the posting note; the same figures on the CLI;
a constant number of queries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from crm import database
from crm.creation_tokens import new_token
from crm.income.models import IncomeStatus
from crm.income.payloads import report_payload
from crm.income.report import month_report
from crm.market.seed import installed_market
from crm.stats.models import StatsSnapshot
from tests.factories import make_snapshot
from tests.factories_income import TODAY, make_income
from tests.page_text import field_error

MARKET = installed_market()
NOVEMBER = (2026, 11)


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    """The clock the pages and commands read (a test may move it again)."""
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def _report(session, user, month=NOVEMBER, today=TODAY):
    return month_report(session, user, *month, today, MARKET)


def _line(report, key):
    lines = {line.key: line for line in report.benchmark.streams}
    return report.benchmark.total if key == "total" else lines[key]


# Tier 1K-3K: UGC 200-800 a month.
@pytest.mark.parametrize(
    ("cents", "verdict"),
    [(19_999, "below"), (20_000, "within"), (80_000, "within"), (80_001, "above")],
)
def test_a_streams_verdict_at_each_edge_of_its_range(session, user, cents, verdict) -> None:
    user.followers = 1_500
    make_income(session, user, earned_on=date(2026, 11, 10), amount_cents=cents, stream="ugc")
    line = _line(_report(session, user), "ugc")
    assert (line.amount_cents, line.verdict) == (cents, verdict)


# Tier 1K-3K total: 285-1,200.
@pytest.mark.parametrize(
    ("cents", "verdict"),
    [(28_499, "below"), (28_500, "within"), (120_000, "within"), (120_001, "above")],
)
def test_the_totals_verdict_at_each_edge(session, user, cents, verdict) -> None:
    user.followers = 1_500
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=cents, stream="ugc")
    assert _line(_report(session, user), "total").verdict == verdict


def test_a_stream_without_income_counts_as_zero_and_has_its_gap(session, user) -> None:
    user.followers = 1_500
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=30_000, stream="ugc")
    report = _report(session, user)
    live = _line(report, "live")
    assert (live.amount_cents, live.verdict) == (0, "below")
    from crm.income.report import gaps

    assert gaps(live) == (1_000, 5_000)  # $10 to the low end, $50 to the high end
    assert gaps(_line(report, "ugc")) == (0, 50_000)


def test_the_follower_count_at_the_months_end_chooses_the_tier(session, user) -> None:
    user.followers = 9_000  # the profile: only the fallback
    make_snapshot(session, user, taken_on=date(2026, 10, 31), followers=2_999)
    make_snapshot(session, user, taken_on=date(2026, 11, 1), followers=3_000)
    october = _report(session, user, month=(2026, 10))
    november = _report(session, user)
    assert (october.followers, october.benchmark.tier.key) == (2_999, "1K-3K")
    assert october.followers_on == date(2026, 10, 31)
    assert (november.followers, november.benchmark.tier.key) == (3_000, "3K-5K")
    # Before the first snapshot: the profile's count.
    assert _report(session, user, month=(2026, 9)).followers == 9_000


def test_at_ten_thousand_there_is_no_benchmark_only_the_message(session, user) -> None:
    make_snapshot(session, user, taken_on=date(2026, 11, 30), followers=10_000)
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=10_000)
    report = _report(session, user)
    assert report.benchmark.tier is None and report.benchmark.streams == ()
    assert report.benchmark.message == MARKET.benchmark.no_benchmark_message
    assert report.totals.earned_cents == 10_000


def test_the_month_counts_every_status_with_paid_outstanding_and_overdue(session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 1), amount_cents=10_000,
                status=IncomeStatus.PAID)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=5_000,
                status=IncomeStatus.INVOICED, due_on=date(2026, 11, 15))  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 3), amount_cents=2_000)
    make_income(session, user, earned_on=date(2026, 12, 1), amount_cents=77_700,
                today=date(2026, 12, 1))  # fmt: skip
    totals = _report(session, user).totals
    assert (totals.earned_cents, totals.paid_cents) == (17_000, 10_000)
    assert (totals.outstanding_cents, totals.overdue_cents) == (7_000, 5_000)


def test_foreign_income_counts_at_its_stored_rate(session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 2), currency="EUR", amount_cents=10_000,
                rate_millionths=1_100_000)  # fmt: skip
    assert _report(session, user).totals.earned_cents == 11_000


def test_the_goal_shows_its_progress(session, user) -> None:
    user.income_goal_cents = 40_000
    make_income(session, user, earned_on=date(2026, 11, 2), amount_cents=10_000)
    assert _report(session, user).goal_percent == 25


def test_posting_less_than_the_benchmark_assumes_is_noted(session, user) -> None:
    user.followers = 1_500
    make_snapshot(session, user, taken_on=date(2026, 11, 7), posts=2, period_days=7)
    make_snapshot(session, user, taken_on=date(2026, 11, 14), posts=3, period_days=7)
    report = _report(session, user)
    assert str(report.posts_per_week) == "2.5"
    assert "assumes at least 4 posts a week" in report.benchmark.posting_note
    make_snapshot(session, user, taken_on=date(2026, 11, 21), posts=20, period_days=7)
    assert _report(session, user).benchmark.posting_note is None


def test_late_on_the_last_day_in_los_angeles_is_that_month(logged_in, session, user, monkeypatch):
    # 23:30 on Oct 31 in Los Angeles is already Nov 1 in UTC.
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 11, 1, 6, 30, tzinfo=UTC))
    user.timezone = "America/Los_Angeles"
    session.commit()
    form = logged_in.get("/income/new").get_data(as_text=True)
    assert 'value="2026-10-31"' in form  # the creator's today
    logged_in.post("/income/new", data={
        "earned_on": "2026-10-31", "amount": "123.45", "currency": "USD", "stream": "ugc",
        "status": "expected", "token": new_token(),
    })  # fmt: skip
    page = logged_in.get("/income/month").get_data(as_text=True)
    assert "October 2026 against your tier" in page and "$123.45" in page
    assert _report(session, user, month=(2026, 11)).totals.earned_cents == 0


@pytest.mark.parametrize(
    ("query", "field", "said"),
    [
        ("/income/month?month=2026-13", "month", "is not a month like 2026-11"),
        ("/income/?month=2026-13", "month", "is not a month like 2026-11"),
        ("/income/?month=2026-11&stream=lottery", "stream", "Not a valid choice"),
        ("/income/?status=lost", "status", "Not a valid choice"),
        ("/income/expenses/?month=november", "month", "is not a month like 2026-11"),
    ],
)
def test_a_filter_that_does_not_read_is_said_beside_it_with_no_figures(
    logged_in, session, user, query, field, said
) -> None:
    make_income(session, user, earned_on=date(2026, 12, 1), amount_cents=12_345)
    response = logged_in.get(query)
    assert response.status_code == 400
    assert said in field_error(response, field)
    page = response.get_data(as_text=True)
    # Not this month's (or every month's) figures in place of the ones asked for.
    assert "$123.45" not in page and "Earned" not in page
    assert f'name="{field}"' in page


def test_setting_a_goal_on_the_page(logged_in, session, user) -> None:
    response = logged_in.post("/income/goal", data={"goal": "1,000", "month": "2026-11"})
    assert response.status_code == 302
    session.refresh(user)
    assert user.income_goal_cents == 100_000
    refused = logged_in.post("/income/goal", data={"goal": "1,2,3", "month": "2026-11"})
    assert refused.status_code == 200 and "is not an amount" in refused.get_data(as_text=True)
    session.refresh(user)
    assert user.income_goal_cents == 100_000


def test_the_report_runs_the_same_queries_for_many_entries(
    logged_in, session, user, count_queries
) -> None:
    def queries() -> int:
        with count_queries() as statements:
            assert logged_in.get("/income/month?month=2026-11").status_code == 200
        return len(statements)

    make_income(session, user, earned_on=date(2026, 11, 2))
    make_snapshot(session, user, taken_on=date(2026, 11, 2))
    few = queries()
    for day in range(3, 28):
        make_income(session, user, earned_on=date(2026, 11, day), stream=("ugc", "brand")[day % 2])
        make_snapshot(session, user, taken_on=date(2026, 11, day))
    assert queries() == few


# The command line.


def _cli(runner, *args):
    return runner.invoke(args=list(args))


def test_cli_add_list_and_report_print_the_pages_figures(runner, session, user) -> None:
    user.followers = 1_500
    session.commit()
    added = _cli(runner, "income", "add", "--user", user.email, "--date", "2026-11-03",
                 "--amount", "250", "--stream", "ugc", "--status", "paid", "--json")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert json.loads(added.output)["paid"] == "2026-11-03"
    euros = _cli(runner, "income", "add", "--user", user.email, "--date", "2026-11-04",
                 "--amount", "100", "--stream", "brand",
                 "--currency", "EUR", "--rate", "1.10")  # fmt: skip
    assert euros.exit_code == 0, euros.output
    listed = json.loads(_cli(runner, "income", "list", "--user", user.email, "--month",
                             "2026-11", "--json").output)  # fmt: skip
    assert [e["reporting_amount"] for e in listed["entries"]] == [250, 110]
    assert listed["total"] == 360
    stats = _cli(runner, "stats", "add", "--user", user.email, "--date", "2026-11-30",
                 "--followers", "3000", "--views", "1000", "--likes", "100",
                 "--posts", "5")  # fmt: skip
    assert stats.exit_code == 0, stats.output
    text = _cli(runner, "report", "month", "--user", user.email, "--month", "2026-11").output
    assert "tier 3K-5K" in text and "UGC deals: $250 is below the range $300-$1,000" in text
    out = _cli(runner, "report", "month", "--user", user.email, "--month", "2026-11", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    benchmark = json.loads(_cli(runner, "rates", "benchmark", "--followers", "3000", "--ugc",
                                "250", "--brand", "110", "--json").output)  # fmt: skip
    assert set(benchmark) <= set(data)
    extra = {"month", "followers", "currency", "outstanding", "overdue", "expenses", "net", "goal"}
    assert extra <= set(data)
    for key in ("tier", "followers", "streams", "total"):
        if key == "streams":
            assert {k: {f: v[f] for f in ("amount", "low", "high", "verdict")}
                    for k, v in data[key].items()} == benchmark[key]  # fmt: skip
        elif key == "total":
            assert {f: data[key][f] for f in benchmark[key]} == benchmark[key]
        else:
            assert data[key] == benchmark[key]
    assert (data["month"], data["currency"], data["net"], data["outstanding"]) == (
        "2026-11",
        "USD",
        360,
        110,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--amount", "1,2,3"],
        ["--amount", "12.345"],
        ["--amount", "1e5"],
        ["--amount", "-5"],
        ["--amount", "10000001"],
        ["--currency", "EUR"],
        ["--currency", "EUR", "--rate", "0"],
        ["--due", "2026-11-01"],
        ["--status", "paid", "--paid-on", "2099-01-01"],
        ["--stream", "lottery"],
        ["--brand", "Not Mine"],
    ],
)
def test_cli_bad_input_is_one_error_line_and_exit_2(runner, session, user, other_user, args):
    from tests.factories_brands import make_brand

    make_brand(session, other_user, name="Not Mine")
    base = {"--date": "2026-11-03", "--amount": "10", "--stream": "ugc"}
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    merged = [item for key, value in {**base, **pairs}.items() for item in (key, value)]
    result = _cli(runner, "income", "add", "--user", user.email, *merged)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.output
    listed = json.loads(_cli(runner, "income", "list", "--user", user.email, "--json").output)
    assert listed["entries"] == []


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "november"])
def test_cli_a_bad_month_is_one_error_line(runner, user, month) -> None:
    result = _cli(runner, "report", "month", "--user", user.email, "--month", month, "--json")
    assert result.exit_code == 2
    assert (
        result.output.strip().startswith("Error:") and len(result.output.strip().splitlines()) == 1
    )


def test_cli_an_unknown_user_is_one_error_line(runner) -> None:
    result = _cli(runner, "income", "list", "--user", "nobody@example.com")
    assert result.exit_code == 2 and result.output.startswith("Error:")


def test_the_dashboard_is_the_creators_month(logged_in, session, user) -> None:
    user.followers = 1_500
    user.income_goal_cents = 100_000
    make_income(session, user, earned_on=date(2026, 12, 1), amount_cents=30_000,
                today=date(2026, 12, 2))  # fmt: skip
    make_income(session, user, earned_on=date(2026, 10, 1), amount_cents=4_500,
                due_on=date(2026, 10, 31))  # fmt: skip
    page = logged_in.get("/dashboard").get_data(as_text=True)
    assert "Your month: December 2026" in page
    assert "$300" in page and "within your tier&#39;s range ($285–$1,200)" in page
    assert "30%" in page  # of the $1,000 goal
    assert "$45" in page and "1 payment overdue: chase them" in page
    assert "UGC deals: $300 is within the range $200-$800." in page


def test_a_rate_just_under_the_assumed_posts_is_quoted_not_cut(session, user) -> None:
    user.followers = 1_500
    make_snapshot(session, user, taken_on=date(2026, 11, 20), posts=11, period_days=20)
    note = _report(session, user).benchmark.posting_note
    assert note is not None and "you post 3.9," in note
    # The CLI's JSON carries the same rounded rate as a number.
    assert json.loads(json.dumps(report_payload(_report(session, user))))["posts_per_week"] == 3.9


def test_cli_stats_add_twice_for_a_day_replaces_it_keeping_figures_left_out(
    runner, session, user
) -> None:
    first = _cli(runner, "stats", "add", "--user", user.email, "--date", "2026-11-20",
                 "--followers", "3000", "--views", "1000", "--posts", "5")  # fmt: skip
    assert first.exit_code == 0 and first.output.startswith("Recorded 2026-11-20"), first.output
    again = _cli(runner, "stats", "add", "--user", user.email, "--date", "2026-11-20",
                 "--followers", "3100", "--json")  # fmt: skip
    assert again.exit_code == 0, again.output
    data = json.loads(again.output)
    assert data["replaced"] is True
    assert (data["followers"], data["video_views"], data["posts"], data["period_days"]) == (
        3100,
        1000,
        5,
        7,
    )
    session.expire_all()
    snapshots = session.scalars(select(StatsSnapshot).where(StatsSnapshot.owner_id == user.id))
    assert [(s.taken_on, s.followers) for s in snapshots] == [(date(2026, 11, 20), 3100)]


def test_the_month_links_to_its_neighbours_by_name(logged_in) -> None:
    page = logged_in.get("/income/month?month=2026-01").get_data(as_text=True)
    assert 'href="/income/month?month=2025-12" rel="prev">← December 2025</a>' in page
    assert 'href="/income/month?month=2026-02" rel="next">February 2026 →</a>' in page
