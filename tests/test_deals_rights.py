"""Rights windows: end dates, active and ending soon (fixed dates, and hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.deals.rights import (
    RightsKind,
    RightsWindow,
    ending_within,
    is_active,
    window_end,
    windows,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
window_days = st.integers(min_value=1, max_value=3650)
offsets = st.integers(min_value=-4000, max_value=4000)
pytest_settings = settings(deadline=None, max_examples=300)


def test_thirty_days_from_march_first_end_on_march_thirtieth() -> None:
    assert window_end(date(2026, 3, 1), 30) == date(2026, 3, 30)


def test_a_one_day_window_ends_the_day_it_starts() -> None:
    assert window_end(date(2026, 2, 28), 1) == date(2026, 2, 28)


def test_a_window_across_a_leap_day_counts_it() -> None:
    assert window_end(date(2028, 2, 1), 30) == date(2028, 3, 1)
    assert window_end(date(2027, 2, 1), 30) == date(2027, 3, 2)


def test_perpetual_has_no_end() -> None:
    assert window_end(date(2026, 3, 1), None) is None


def test_a_window_of_no_days_is_refused() -> None:
    with pytest.raises(ValueError):
        window_end(date(2026, 3, 1), 0)


def test_active_from_the_first_day_through_the_last() -> None:
    start, end = date(2026, 3, 1), date(2026, 3, 30)
    assert not is_active(start, end, date(2026, 2, 28))
    assert is_active(start, end, start)
    assert is_active(start, end, end)
    assert not is_active(start, end, date(2026, 3, 31))


def test_not_started_is_never_active_and_perpetual_never_stops() -> None:
    assert not is_active(None, None, date(2026, 3, 1))
    assert is_active(date(2020, 1, 1), None, date(2040, 1, 1))


def test_ending_within_fourteen_days_counts_today_as_the_first() -> None:
    today = date(2026, 3, 1)
    assert ending_within(date(2026, 3, 1), today)  # ends today
    assert ending_within(date(2026, 3, 14), today)  # the 14th day
    assert not ending_within(date(2026, 3, 15), today)
    assert not ending_within(date(2026, 2, 28), today)  # already over
    assert not ending_within(None, today)  # perpetual, or not started


@pytest_settings
@given(dates, window_days)
def test_a_window_lasts_exactly_its_days(start: date, days: int) -> None:
    end = window_end(start, days)
    assert end is not None
    assert (end - start).days + 1 == days
    assert end >= start


@pytest_settings
@given(dates, window_days, offsets)
def test_active_exactly_on_the_windows_days(start: date, days: int, offset: int) -> None:
    end = window_end(start, days)
    today = start + timedelta(days=offset)
    assert is_active(start, end, today) == (0 <= offset < days)


@pytest_settings
@given(dates, window_days, offsets, st.integers(min_value=1, max_value=60))
def test_ending_soon_means_the_end_is_in_the_next_days_counting_today(
    start: date, days: int, offset: int, soon: int
) -> None:
    end = window_end(start, days)
    assert end is not None
    today = start + timedelta(days=offset)
    flagged = ending_within(end, today, soon)
    assert flagged == (0 <= (end - today).days < soon)


def _deal(**rights) -> SimpleNamespace:
    values = {
        "usage_days": None,
        "usage_perpetual": False,
        "usage_start": None,
        "whitelisting_days": None,
        "whitelisting_start": None,
        "exclusivity_days": None,
        "exclusivity_start": None,
    }
    values.update(rights)
    return SimpleNamespace(**values)


def test_a_deal_without_rights_has_no_windows() -> None:
    assert windows(_deal()) == []


def test_windows_not_started_have_no_end_yet() -> None:
    found = windows(_deal(usage_days=30, exclusivity_days=90))
    assert [(w.kind, w.start, w.end) for w in found] == [
        (RightsKind.USAGE, None, None),
        (RightsKind.EXCLUSIVITY, None, None),
    ]
    assert not any(w.is_active(date(2026, 3, 1)) for w in found)


def test_each_started_window_ends_after_its_own_days() -> None:
    posted = date(2026, 3, 1)
    found = windows(
        _deal(
            usage_days=30,
            usage_start=posted,
            whitelisting_days=60,
            whitelisting_start=posted,
            exclusivity_days=14,
            exclusivity_start=date(2026, 3, 10),
        )
    )
    assert found == [
        RightsWindow(RightsKind.USAGE, posted, date(2026, 3, 30), days=30),
        RightsWindow(RightsKind.WHITELISTING, posted, date(2026, 4, 29), days=60),
        RightsWindow(RightsKind.EXCLUSIVITY, date(2026, 3, 10), date(2026, 3, 23), days=14),
    ]
    soon = [w.kind for w in found if w.ending_within(date(2026, 3, 20))]
    assert soon == [RightsKind.USAGE, RightsKind.EXCLUSIVITY]


def test_perpetual_usage_is_active_for_good_and_never_ending_soon() -> None:
    (usage,) = windows(_deal(usage_perpetual=True, usage_start=date(2026, 3, 1)))
    assert usage.perpetual and usage.end is None
    assert usage.is_active(date(2036, 3, 1))
    assert not usage.ending_within(date(2036, 3, 1))


@pytest_settings
@given(dates, window_days, window_days, window_days)
def test_every_started_window_ends_after_it_starts(
    posted: date, usage: int, whitelisting: int, exclusivity: int
) -> None:
    deal = _deal(
        usage_days=usage,
        usage_start=posted,
        whitelisting_days=whitelisting,
        whitelisting_start=posted,
        exclusivity_days=exclusivity,
        exclusivity_start=posted,
    )
    found = windows(deal)
    assert [w.days for w in found] == [usage, whitelisting, exclusivity]
    for window in found:
        assert window.end is not None and window.start is not None
        assert (window.end - window.start).days + 1 == window.days
