"""Trends: twelve months of income by stream against each month's tier band, followers and
engagement, drawn as SVG with the same figures in a table."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from crm import database
from crm.income.trends import chart, trend_months, year_to_date
from crm.market.seed import installed_market
from tests.factories import make_snapshot
from tests.factories_income import make_income

MARKET = installed_market()
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def early_december(monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 12, 2, 12, tzinfo=UTC))


def test_twelve_months_with_the_band_of_each_months_followers(session, user) -> None:
    user.followers = 500
    make_snapshot(session, user, taken_on=date(2026, 6, 30), followers=1_200, video_views=1_000,
                  likes=50, comments=30, shares=20)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 1, 5), amount_cents=10_000, today=TODAY)
    make_income(session, user, earned_on=date(2026, 7, 5), amount_cents=20_000, stream="brand",
                today=TODAY)  # fmt: skip
    make_income(session, user, earned_on=date(2025, 12, 31), amount_cents=99_900, today=TODAY)
    months = trend_months(session, user, TODAY, MARKET)
    assert (months[0].key, months[-1].key) == ("2026-01", "2026-12")
    assert len(months) == 12
    january, june, july = months[0], months[5], months[6]
    # Before the first snapshot the count is unknown (not today's drawn back); the band
    # uses the profile's count, as the month report does.
    assert january.by_stream == {"ugc": 10_000} and january.followers is None
    assert (january.band.low, january.band.high) == (10_000, 60_000)  # tier 0-1K
    assert june.followers == 1_200 and june.engagement == 10.0
    assert (july.band.low, july.band.high) == (28_500, 120_000)  # tier 1K-3K
    assert year_to_date(months, TODAY) == 30_000
    drawn = chart(months, MARKET, "USD")
    assert len(drawn.bars) == 2 and len(drawn.bands) == 12
    assert drawn.followers_top == 1_200  # the followers line has its own scale, said in the key
    assert len(drawn.followers.split()) == 7  # June to December: the measured months only
    assert {label for _colour, label in drawn.legend} == {"UGC deals", "Brand sponsorships"}


def test_the_page_draws_svg_with_the_figures_beside_it(logged_in, session, user) -> None:
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=45_000, today=TODAY)
    page = logged_in.get("/income/trends").get_data(as_text=True)
    assert "<svg" in page and "<title>2026-11 UGC deals: $450</title>" in page
    assert '<th scope="row" class="stack-title"><a href="/income/month?month=2026-11">' in page


class _Table(HTMLParser):
    """The trend table's caption, header and rows as text, cell by cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.caption, self.head, self.body, self.foot = "", [], [], []
        self.scopes: list[tuple[str, str]] = []  # (section, scope) of every th
        self._in, self._section, self._cell = False, "", None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "trend-table" in (a.get("class") or ""):
            self._in = True
        elif not self._in:
            return
        elif tag in ("thead", "tbody", "tfoot", "caption"):
            self._section = tag
            if tag == "caption":
                self._cell = []
        elif tag == "tr":
            {"thead": self.head, "tbody": self.body, "tfoot": self.foot}[self._section].append([])
        elif tag in ("th", "td"):
            self._cell = []
            if tag == "th":
                self.scopes.append((self._section, a.get("scope", "")))

    def handle_endtag(self, tag):
        if not self._in:
            return
        if tag == "table":
            self._in = False
        elif tag == "caption":
            self.caption, self._cell = "".join(self._cell).strip(), None
        elif tag in ("th", "td") and self._cell is not None:
            rows = {"thead": self.head, "tbody": self.body, "tfoot": self.foot}[self._section]
            rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _trend_table(page: str) -> _Table:
    table = _Table()
    table.feed(page)
    assert table.head, "the page has no trend table"
    return table


def test_the_table_has_a_column_per_stream_and_a_row_per_month(logged_in, session, user):
    user.followers = 500
    session.commit()
    make_snapshot(session, user, taken_on=date(2026, 10, 31), followers=1_200, video_views=1_000,
                  likes=50, comments=30, shares=20)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 1, 5), amount_cents=10_000, today=TODAY)
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=45_000, today=TODAY)
    make_income(session, user, earned_on=date(2026, 11, 9), amount_cents=2_050, stream="live",
                today=TODAY)  # fmt: skip
    make_income(session, user, earned_on=date(2026, 11, 20), amount_cents=80_000, stream="brand",
                today=TODAY)  # fmt: skip
    table = _trend_table(logged_in.get("/income/trends").get_data(as_text=True))
    assert "Income by stream each month in USD" in table.caption
    # Only the streams earned from, in the seed's order.
    assert table.head == [["Month", "UGC deals", "Brand sponsorships", "LIVE gifts", "Total",
                           "Tier band", "Against the band", "Followers", "Engagement"]]  # fmt: skip
    assert len(table.body) == 12
    rows = {row[0]: row[1:] for row in table.body}
    assert rows["Jan 2026"] == ["$100", "$0", "$0", "$100", "$100–$600", "within", "—", "—"]
    assert rows["Feb 2026"] == ["$0", "$0", "$0", "$0", "$100–$600", "below", "—", "—"]
    # October's snapshot: tier 1K-3K from then on, so November is above its band.
    assert rows["Oct 2026"][3:] == ["$0", "$285–$1,200", "below", "1,200", "10.0%"]
    assert rows["Nov 2026"] == ["$450", "$800", "$20.50", "$1,270.50", "$285–$1,200", "above",
                                "1,200", "—"]  # fmt: skip
    assert table.foot == [["Twelve months", "$550", "$800", "$20.50", "$1,370.50", ""]]
    # Every header cell says what it heads: columns above, each month (and the total) a row.
    assert set(table.scopes) == {("thead", "col"), ("tbody", "row"), ("tfoot", "row")}
    assert table.scopes.count(("tbody", "row")) == 12


def test_with_no_income_the_table_has_only_the_totals(logged_in, session, user):
    table = _trend_table(logged_in.get("/income/trends").get_data(as_text=True))
    assert table.head[0][:3] == ["Month", "Total", "Tier band"]
    assert all(row[1] == "$0" for row in table.body)


def test_a_creator_at_10k_sees_no_band_and_no_verdict(logged_in, session, user):
    user.followers = 12_000
    session.commit()
    make_income(session, user, earned_on=date(2026, 11, 5), amount_cents=45_000, today=TODAY)
    table = _trend_table(logged_in.get("/income/trends").get_data(as_text=True))
    rows = {row[0]: row[1:] for row in table.body}
    assert rows["Nov 2026"][:4] == ["$450", "$450", "no built-in benchmark", "—"]


def test_the_trend_verdict_is_the_month_reports_whatever_the_streams(session, user) -> None:
    from crm.income.report import month_report

    user.followers = 2_000  # tier 1K-3K: the band is for the benchmarked streams only
    make_income(session, user, earned_on=date(2026, 11, 3), amount_cents=20_000, today=TODAY)
    make_income(session, user, earned_on=date(2026, 11, 4), amount_cents=20_000,
                stream="subscriptions", today=TODAY)  # fmt: skip
    november = trend_months(session, user, TODAY, MARKET)[-2]
    report = month_report(session, user, 2026, 11, TODAY, MARKET)
    assert november.total_cents == 40_000  # the chart stacks every stream
    assert report.benchmark.total.verdict == "below"  # $200 of UGC against $285-$1,200
    assert november.verdict == report.benchmark.total.verdict


def test_each_months_sums_hold_its_first_and_last_day_and_no_other(session, user) -> None:
    for day, cents, stream in (
        (date(2026, 2, 28), 100, "ugc"),
        (date(2026, 3, 1), 1_000, "ugc"),
        (date(2026, 3, 31), 10_000, "ugc"),
        (date(2026, 3, 31), 20_000, "brand"),
        (date(2026, 4, 1), 100_000, "ugc"),
    ):
        make_income(session, user, earned_on=day, amount_cents=cents, stream=stream, today=TODAY)
    months = {month.key: month.by_stream for month in trend_months(session, user, TODAY, MARKET)}
    assert months["2026-02"] == {"ugc": 100}
    assert months["2026-03"] == {"ugc": 11_000, "brand": 20_000}
    assert months["2026-04"] == {"ugc": 100_000}
