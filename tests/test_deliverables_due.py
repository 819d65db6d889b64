"""The Due list and the dashboard's deliverable counts, on fixed dates in the creator's day."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm import database
from crm.deals import due, services
from crm.deals.models import DealStatus, DeliverableStatus
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal, make_deliverable

# Wednesday, March 4 2026, noon UTC; the creator's week ends Sunday, March 8.
WEDNESDAY = date(2026, 3, 4)
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
LOS_ANGELES = "America/Los_Angeles"
# 23:30 on Monday Nov 30 in Los Angeles (PST, UTC-8) is already Tuesday Dec 1 in UTC.
LATE_NOV_30_IN_LA = datetime(2026, 12, 1, 7, 30, tzinfo=UTC)


@pytest.fixture
def at_noon(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: NOON)


def _due(session, user, name: str, due_on: date | None, brand=None, **deal):
    """A deliverable called `name` due `due_on`, on a new deal (with `brand`)."""
    found = make_deal(session, user, brand, **deal)
    return make_deliverable(session, user, found, title=name, due_on=due_on, today=WEDNESDAY)


def _titles(group: due.DueGroup) -> list[str]:
    return [row.title for row in group.rows]


def _part(page: str, key: str) -> str:
    """The HTML of one part of the Due page, from its heading to the next part's."""
    after = page.split(f'id="{key}-title"', 1)[1]
    return after.split("<h2", 1)[0]


class TestParts:
    def test_each_deliverable_falls_in_its_part_by_the_creators_today(
        self, session, user, other_user
    ) -> None:
        _due(session, user, "Sunday", date(2026, 3, 8))
        _due(session, user, "Undated", None)
        _due(session, user, "Monday after", date(2026, 3, 9))
        _due(session, user, "Today", WEDNESDAY)
        _due(session, user, "Yesterday", date(2026, 3, 3))
        _due(session, user, "Last week", date(2026, 2, 25))
        posted = _due(session, user, "Posted late", date(2026, 3, 1))
        services.move_deliverable(session, posted, DeliverableStatus.POSTED, WEDNESDAY)
        _due(session, other_user, "Theirs", date(2026, 3, 1))
        session.commit()
        listing = due.due_list(session, user.id, WEDNESDAY)
        assert listing.week_end == date(2026, 3, 8)
        assert _titles(listing.overdue) == ["Last week", "Yesterday"]
        assert _titles(listing.this_week) == ["Today", "Sunday"]
        assert _titles(listing.coming_up) == ["Monday after", "Undated"]
        assert (listing.overdue.total, listing.this_week.total, listing.coming_up.total) == (
            2,
            2,
            2,
        )

    @pytest.mark.parametrize(
        ("today", "sunday"),
        [
            (date(2026, 3, 2), date(2026, 3, 8)),  # Monday
            (date(2026, 3, 7), date(2026, 3, 8)),  # Saturday
            (date(2026, 3, 8), date(2026, 3, 8)),  # Sunday: the week is today
        ],
    )
    def test_the_week_ends_on_sunday(self, today, sunday) -> None:
        assert due.week_end(today) == sunday

    def test_sorted_by_brand_each_part_reads_by_brand_name(self, session, user) -> None:
        zest, acme = make_brand(session, user, name="Zest"), make_brand(session, user, name="acme")
        _due(session, user, "Zest soon", date(2026, 3, 5), zest)
        _due(session, user, "Acme later", date(2026, 3, 7), acme)
        _due(session, user, "Zest old", date(2026, 3, 1), zest)
        _due(session, user, "Acme old", date(2026, 3, 2), acme)
        by_due = due.due_list(session, user.id, WEDNESDAY)
        by_brand = due.due_list(session, user.id, WEDNESDAY, sort="brand")
        assert _titles(by_due.this_week) == ["Zest soon", "Acme later"]
        assert _titles(by_brand.this_week) == ["Acme later", "Zest soon"]
        assert _titles(by_due.overdue) == ["Zest old", "Acme old"]
        assert _titles(by_brand.overdue) == ["Acme old", "Zest old"]

    def test_a_part_shows_its_soonest_and_says_how_many_more(
        self, monkeypatch, session, user
    ) -> None:
        monkeypatch.setattr(due, "GROUP_CAP", 2)
        for day in (5, 3, 1, 2):
            _due(session, user, f"Overdue {day}", date(2026, 2, day))
        _due(session, user, "Later", date(2026, 4, 1))
        _due(session, user, "Undated A", None)
        _due(session, user, "Undated B", None)
        listing = due.due_list(session, user.id, WEDNESDAY)
        assert _titles(listing.overdue) == ["Overdue 1", "Overdue 2"]
        assert (listing.overdue.total, listing.overdue.more) == (4, "2")
        # Dated ones first, then those with no due date.
        assert _titles(listing.coming_up) == ["Later", "Undated A"]
        assert (listing.coming_up.total, listing.coming_up.more) == (3, "1")

    def test_the_count_past_its_cap_reads_with_a_plus(self, monkeypatch, session, user) -> None:
        monkeypatch.setattr(due, "GROUP_CAP", 1)
        for day in range(1, 6):
            _due(session, user, f"Overdue {day}", date(2026, 2, day))
        statement = due.counts_query(user.id, WEDNESDAY, ("overdue",), cap=3)
        assert session.execute(statement).scalar_one() == 4  # stops at cap + 1
        group = due.DueGroup("overdue", [], 4, cap=3)
        assert (group.more, group.total_text) == ("3+", "3+")
        assert due.DueGroup("overdue", [], 3, cap=3).total_text == "3"


class TestPage:
    def test_the_page_lists_each_part_with_deal_brand_type_status_and_date(
        self, logged_in, session, user, at_noon
    ) -> None:
        brand = make_brand(session, user, name="Glow Labs")
        _due(session, user, "Serum video", date(2026, 3, 2), brand, title="Spring serum")
        _due(session, user, "Story set", date(2026, 3, 6), brand)
        _due(session, user, "Raw clips", None)
        page = logged_in.get("/deals/due").get_data(as_text=True)
        assert "today to Sunday, Mar 8, 2026" in page
        overdue = _part(page, "overdue")
        assert "Serum video" in overdue and "Glow Labs" in overdue and "Spring serum" in overdue
        assert "UGC video" in overdue and "Briefed" in overdue and "2 days late" in overdue
        assert 'class="stack"' in overdue and 'data-label="Brand"' in overdue
        assert "Story set" in _part(page, "this_week")
        assert "Raw clips" in _part(page, "coming_up") and "no due date" in _part(page, "coming_up")

    def test_a_sort_it_does_not_know_is_refused(self, logged_in, at_noon) -> None:
        response = logged_in.get("/deals/due?sort=price")
        assert response.status_code == 400
        assert re.search(r'id="sort-error"', response.get_data(as_text=True))

    def test_moving_from_the_page_comes_back_to_it(self, logged_in, session, user, at_noon) -> None:
        deliverable = _due(session, user, "Serum video", date(2026, 3, 2))
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move",
            data={"status": "posted", "return_to": "due"},
            follow_redirects=True,
        )
        page = response.get_data(as_text=True)
        assert "Serum video: posted." in page
        assert "Serum video" not in _part(page, "overdue")


@pytest.fixture
def in_la_late_on_nov_30(monkeypatch, session, user):
    monkeypatch.setattr(database, "utcnow", lambda: LATE_NOV_30_IN_LA)
    user.timezone = LOS_ANGELES
    session.commit()
    return user


class TestTimezone:
    def test_the_due_page_cuts_the_parts_at_the_creators_midnight(
        self, logged_in, session, in_la_late_on_nov_30
    ) -> None:
        user = in_la_late_on_nov_30
        _due(session, user, "Due Sunday Nov 29", date(2026, 11, 29))
        _due(session, user, "Due Monday Nov 30", date(2026, 11, 30))
        _due(session, user, "Due Sunday Dec 6", date(2026, 12, 6))
        _due(session, user, "Due Monday Dec 7", date(2026, 12, 7))
        page = logged_in.get("/deals/due").get_data(as_text=True)
        # Still Monday Nov 30 in Los Angeles: due today, not overdue as in UTC.
        assert "Due Monday Nov 30" not in _part(page, "overdue")
        assert "Due Sunday Nov 29" in _part(page, "overdue")
        week = _part(page, "this_week")
        assert "Due Monday Nov 30" in week and "Due Sunday Dec 6" in week
        assert "Due Monday Dec 7" in _part(page, "coming_up")

    def test_the_dashboard_counts_by_the_creators_day(
        self, logged_in, session, in_la_late_on_nov_30
    ) -> None:
        user = in_la_late_on_nov_30
        for day in (29, 30):
            _due(session, user, f"Nov {day}", date(2026, 11, day))
        _due(session, user, "Dec 6", date(2026, 12, 6))
        page = logged_in.get("/dashboard").get_data(as_text=True)
        week = page.index("Deliverables due")
        assert '<p class="value">2</p>' in page[week : week + 200]
        overdue = page.index("Overdue deliverables")
        assert '<p class="value">1</p>' in page[overdue : overdue + 200]
        assert 'href="/deals/due"' in page[week - 200 : week]


class TestDashboard:
    def test_the_counts_leave_out_posted_and_other_creators(
        self, session, user, other_user
    ) -> None:
        from crm.dashboard.services import _numbers

        _due(session, user, "Overdue", date(2026, 3, 1))
        _due(session, user, "Today", WEDNESDAY)
        _due(session, user, "Friday", date(2026, 3, 6))
        _due(session, user, "Next week", date(2026, 3, 10))
        _due(session, user, "Undated", None)
        posted = _due(session, user, "Posted", date(2026, 3, 5))
        services.move_deliverable(session, posted, DeliverableStatus.POSTED, WEDNESDAY)
        _due(session, other_user, "Theirs", WEDNESDAY)
        session.commit()
        numbers = _numbers(session, user, WEDNESDAY)
        assert (numbers.deliverables_this_week, numbers.deliverables_overdue) == (2, 1)

    def test_the_deliverable_counts_add_one_query(
        self, logged_in, session, user, count_queries, at_noon
    ) -> None:
        logged_in.get("/dashboard")
        with count_queries() as before:
            logged_in.get("/dashboard")
        for day in range(3):
            _due(session, user, f"Due {day}", WEDNESDAY + timedelta(days=day - 1))
        with count_queries() as after:
            page = logged_in.get("/dashboard").get_data(as_text=True)
        assert len(after) == len(before)
        assert sum("deliverables" in str(statement) for statement in after) == 1
        assert "Overdue deliverables" in page


def test_each_part_reads_the_due_index_without_sorting(session, user) -> None:
    """The page's statements read ix_deliverables_due ranges: no scan, no sort of an account."""
    dialect = session.get_bind().dialect
    if dialect.name != "sqlite":
        pytest.skip("tests/test_query_plans.py checks the PostgreSQL plans of the page")
    statements = [
        sa.union_all(*(due._part(user.id, k, w, 21) for k, w in due._ranges(WEDNESDAY).items())),
        due.counts_query(user.id, WEDNESDAY, tuple(due._ranges(WEDNESDAY)), due.COUNT_CAP),
    ]
    for statement in statements:
        sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        lines = [str(row[3]) for row in session.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
        reads = [line for line in lines if "deliverables" in line]
        assert reads and all("ix_deliverables_due" in line for line in reads), lines
        assert not [line for line in lines if line.startswith("SCAN deliverables")], lines
        assert not [line for line in lines if "TEMP B-TREE" in line], lines


def test_a_cancelled_deals_deliverables_are_owed_no_more(session, user) -> None:
    from crm.deals.models import DealStatus

    _due(session, user, "Owed", date(2026, 3, 3))
    _due(session, user, "Called off", date(2026, 3, 3), status=DealStatus.CANCELLED)
    session.commit()
    listing = due.due_list(session, user.id, WEDNESDAY)
    assert _titles(listing.overdue) == ["Owed"] and listing.overdue.total == 1
    counts = session.execute(due.counts_query(user.id, WEDNESDAY, ("overdue",), 10)).one()
    assert counts.overdue == 1


class TestGroupAlone:
    def test_a_group_shows_20_and_links_to_all_of_it(self, logged_in, session, user, at_noon):
        assert due.GROUP_CAP == 20
        for number in range(23):
            _due(session, user, f"Late {number:02}", WEDNESDAY - timedelta(days=30 - number))
        _due(session, user, "Friday", date(2026, 3, 6))
        session.commit()
        page = logged_in.get("/deals/due").get_data(as_text=True)
        overdue = _part(page, "overdue")
        shown = re.findall(r'class="stack-title"><a [^>]*>([^<]+)</a>', overdue)
        assert shown == [f"Late {number:02}" for number in range(20)]
        assert 'href="/deals/due?group=overdue&amp;sort=due">Show all 23</a>' in overdue
        assert "Show all" not in _part(page, "this_week")

    def test_every_row_of_a_group_page_by_page_in_order(
        self, monkeypatch, logged_in, session, user, at_noon
    ) -> None:
        monkeypatch.setattr(due, "GROUP_PAGE", 3)
        brand = make_brand(session, user)
        titles = [f"Later {n}" for n in range(5)] + ["Undated 0", "Undated 1"]
        for number in range(5):  # two on one day: the id breaks the tie across pages
            _due(session, user, titles[number], date(2026, 4, 1 + number // 2), brand)
        for title in titles[5:]:
            _due(session, user, title, None, brand)
        _due(session, user, "Cancelled", date(2026, 4, 1), status=DealStatus.CANCELLED)
        _due(session, user, "Overdue", date(2026, 3, 1), brand)
        session.commit()
        seen, url = [], "/deals/due?group=coming_up"
        while url:
            page = logged_in.get(url).get_data(as_text=True)
            seen += re.findall(r'class="stack-title"><a [^>]*>([^<]+)</a>', page)
            found = re.search(r'href="([^"]+)" rel="next"', page)
            url = found.group(1).replace("&amp;", "&") if found else None
            assert len(seen) < 20, "the pages end"
        assert seen == titles
        assert "of 7 in coming up" in logged_in.get("/deals/due?group=coming_up").get_data(
            as_text=True
        )

    def test_a_group_page_counts_a_page_past_its_own_end(
        self, monkeypatch, logged_in, session, user, at_noon
    ) -> None:
        monkeypatch.setattr(due, "GROUP_PAGE", 2)
        monkeypatch.setattr(due, "COUNT_CAP", 2)
        for day in range(10):
            _due(session, user, f"Late {day}", date(2026, 2, 1 + day))
        session.commit()
        first = logged_in.get("/deals/due?group=overdue").get_data(as_text=True)
        assert "showing 1–2 of 4+ in overdue" in first
        after_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        second = logged_in.get(after_link).get_data(as_text=True)
        assert "showing 3–4 of 6+ in overdue" in second

    def test_a_rows_move_select_has_its_own_status_selected(
        self, logged_in, session, user, at_noon
    ) -> None:
        _due(session, user, "Late", date(2026, 3, 1))
        session.commit()
        page = logged_in.get("/deals/due").get_data(as_text=True)
        select = re.search(r'<select id="move-\d+" name="status">(.*?)</select>', page).group(1)
        values = re.findall(r'<option value="([^"]+)"', select)
        assert values == [status.value for status in DeliverableStatus]
        assert re.findall(r'<option value="([^"]+)" selected>', select) == ["briefed"]

    def test_a_group_alone_runs_the_same_queries_however_many_rows(
        self, monkeypatch, logged_in, session, user, count_queries, at_noon
    ) -> None:
        monkeypatch.setattr(due, "GROUP_PAGE", 2)
        _due(session, user, "Late", date(2026, 3, 1))
        session.commit()
        logged_in.get("/deals/due?group=overdue")
        with count_queries() as before:
            logged_in.get("/deals/due?group=overdue")
        for day in range(6):
            _due(session, user, f"Late {day}", date(2026, 2, 1 + day))
        session.commit()
        first = logged_in.get("/deals/due?group=overdue").get_data(as_text=True)
        after_link = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
        with count_queries() as after:
            assert logged_in.get(after_link).status_code == 200
        assert len(after) == len(before)

    @pytest.mark.parametrize("after", ["junk", "", "W10="])
    def test_a_garbled_cursor_gives_the_first_page(self, logged_in, session, user, after, at_noon):
        _due(session, user, "Late", date(2026, 3, 1))
        session.commit()
        page = logged_in.get(f"/deals/due?group=overdue&after={after}")
        assert page.status_code == 200 and "Late" in _part(page.get_data(as_text=True), "overdue")

    def test_a_group_it_does_not_know_is_refused(self, logged_in, at_noon) -> None:
        assert logged_in.get("/deals/due?group=everything").status_code == 400
