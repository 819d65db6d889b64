"""TikTok Studio and business exports read into daily figures, audience shares and videos."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm.imports.readers import READERS, recognise
from crm.imports.readers.tiktok import TIKTOK_READERS
from crm.imports.readers.tiktok_dates import MONTH_NAMES, read_day
from crm.imports.rows import AudienceShare, DayStats
from tests.tiktok_tables import as_table, days, read, studio_csv

OVERVIEW = ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
HISTORY = ["Date", "Followers", "Difference in followers from previous day"]
CONTENT = [
    "Time", "Video title", "Video link", "Post time",
    "Total likes", "Total comments", "Total shares", "Total views",
]  # fmt: skip


def test_overview_reads_quoted_figures_thousands_and_undefined() -> None:
    text = studio_csv(
        OVERVIEW,
        [
            ["March 2", "1,234", "12", "undefined", "0", "3"],
            ["March 3", "25 600", "7", "9", "1", "0"],
        ],
    )
    reader, rows, context = read(text)
    assert reader.label == "TikTok Studio: Overview" and reader.source == "tiktok"
    assert rows == [
        DayStats(date(2026, 3, 2), views=1234, profile_views=12, likes=None, comments=0, shares=3),
        DayStats(date(2026, 3, 3), views=25600, profile_views=7, likes=9, comments=1, shares=0),
    ]
    assert context.skipped == [] and context.warnings == []


def test_recognised_by_folded_header_never_by_file_name() -> None:
    messy = [" video  VIEWS ", "date", "LIKES"]
    assert recognise([], messy).label == "TikTok Studio: Overview"
    assert (
        recognise([], ["\ufeffDate", "Followers", "x"]).label == "TikTok Studio: Follower history"
    )
    assert recognise([], ["Date", "Amount", "Brand"]) is None
    # A table named like a Content export but holding an Overview is read as an Overview.
    table = as_table(studio_csv(OVERVIEW, [["March 3", "5", "1", "1", "1", "1"]]), "Content.csv")
    assert recognise(table.preamble, table.header).label == "TikTok Studio: Overview"
    assert recognise([], OVERVIEW, source="ltk") is None
    assert recognise([], OVERVIEW, source="tiktok") is recognise([], OVERVIEW)
    assert all(reader in READERS and reader.source == "tiktok" for reader in TIKTOK_READERS)


def test_follower_history_keeps_the_count_and_ignores_the_difference() -> None:
    rows = [["March 1", "undefined", "0"], ["March 2", "5,010", "-700"], ["March 3", "5013", "9"]]
    _, found, context = read(studio_csv(HISTORY, rows))
    assert found == [
        DayStats(date(2026, 3, 2), followers=5010),
        DayStats(date(2026, 3, 3), followers=5013),
    ]
    assert context.skipped == []


def test_a_range_crossing_new_year_gets_two_years() -> None:
    dates = ["December 30", "December 31", "January 1", "January 2"]
    text = studio_csv(HISTORY, [[day, str(100 + n), "1"] for n, day in enumerate(dates)])
    _, found, _ = read(text, today=date(2026, 1, 4))
    assert days(found) == [
        date(2025, 12, 30),
        date(2025, 12, 31),
        date(2026, 1, 1),
        date(2026, 1, 2),
    ]


def test_february_29_lands_in_a_leap_year() -> None:
    text = studio_csv(
        HISTORY, [["February 28", "1", "0"], ["February 29", "2", "1"], ["March 1", "3", "1"]]
    )
    _, found, _ = read(text, today=date(2024, 3, 2))
    assert days(found) == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    # Ending on February 29 itself, read a year later: the latest February 29 is 2024's.
    _, found, context = read(
        studio_csv(HISTORY, [["February 29", "2", "1"]]), today=date(2025, 3, 2)
    )
    assert days(found) == [date(2024, 2, 29)]
    assert any("correct its end date" in warning for warning in context.warnings)


def test_february_29_in_a_common_year_is_skipped_and_the_end_date_can_correct_it() -> None:
    text = studio_csv(
        HISTORY, [["February 28", "1", "0"], ["February 29", "2", "1"], ["March 1", "3", "1"]]
    )
    _, found, context = read(text, today=date(2025, 3, 2))
    assert days(found) == [date(2025, 2, 28), date(2025, 3, 1)]
    assert [skip.line for skip in context.skipped] == [3]
    assert "February 29" in context.skipped[0].reason
    _, found, context = read(text, today=date(2025, 3, 2), ends_on=date(2024, 3, 1))
    assert days(found) == [date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1)]
    assert context.skipped == [] and context.warnings == []


def test_the_corrected_end_date_moves_the_year_and_silences_the_stale_warning() -> None:
    text = studio_csv(HISTORY, [["March 2", "1", "0"], ["March 3", "2", "1"]])
    _, found, context = read(text, today=date(2026, 3, 20))
    assert days(found) == [date(2026, 3, 2), date(2026, 3, 3)]
    assert context.warnings == [
        "The figures end on Mar 3, 2026, 17 days before today: if the export covers another "
        "year, correct its end date."
    ]
    _, found, context = read(text, today=date(2026, 3, 20), ends_on=date(2025, 3, 3))
    assert days(found) == [date(2025, 3, 2), date(2025, 3, 3)]
    assert context.warnings == []


def test_a_later_day_in_the_same_month_before_an_earlier_one_is_the_year_before() -> None:
    _, found, context = read(studio_csv(HISTORY, [["March 20", "1", "0"], ["March 5", "2", "1"]]))
    assert days(found) == [date(2025, 3, 20), date(2026, 3, 5)]
    assert context.warnings == ["No figures for 349 days between Mar 21, 2025 and Mar 4, 2026."]


def test_a_gap_inside_the_range_is_warned() -> None:
    rows = [
        ["March 1", "1", "0"],
        ["March 2", "2", "1"],
        ["March 5", "3", "1"],
        ["March 7", "4", "1"],
    ]
    _, found, context = read(studio_csv(HISTORY, rows), today=date(2026, 3, 8))
    assert len(found) == 4
    assert context.warnings == [
        "No figures for 2 days between Mar 3, 2026 and Mar 4, 2026.",
        "No figures for 1 day on Mar 6, 2026.",
    ]


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("April 12", 4, 12),
        ("28 August", 8, 28),
        ("8 de marzo", 3, 8),
        ("1 de Enero", 1, 1),
        ("Sep 3", 9, 3),
        ("3 sept.", 9, 3),
        ("12 dic", 12, 12),
        ("5 de setiembre", 9, 5),
        ("19 ago.", 8, 19),
        ("3rd of May", 5, 3),
    ],
)
def test_month_and_day_in_english_and_spanish(text: str, month: int, day: int) -> None:
    cell = read_day(text)
    assert cell is not None and (cell.month, cell.day, cell.year) == (month, day, None)


@pytest.mark.parametrize(
    "text", ["", "Smarch 3", "February 30", "April", "3 4", "12/04", "de marzo"]
)
def test_text_that_is_no_date(text: str) -> None:
    assert read_day(text) is None


def test_a_bad_line_is_skipped_with_its_reason_and_the_rest_kept() -> None:
    rows = [
        ["March 1", "10", "1", "1", "1", "1"],
        ["Marsh 2", "10", "1", "1", "1", "1"],
        ["March 3", "10", "1", "lots", "1", "1"],
        ["March 4", "10", "1"],
        ["March 5", "12.5", "1", "1", "1", "1"],
    ]
    _, found, context = read(studio_csv(OVERVIEW, rows), today=date(2026, 3, 6))
    assert days(found) == [date(2026, 3, 1)]
    assert [(skip.line, skip.reason) for skip in context.skipped] == [
        (3, "“Marsh 2” is not a date."),
        (4, "“lots” under Likes is not a number."),
        (5, "Only 3 of the 6 columns are there."),
        (6, "“12.5” under Video Views is not a number."),
    ]


def test_comments_below_zero_are_no_figure_and_warned() -> None:
    rows = [["March 1", "10", "1", "2", "-1", "0"], ["March 2", "10", "1", "2", "-4", "0"]]
    _, found, context = read(studio_csv(OVERVIEW, rows), today=date(2026, 3, 3))
    assert [row.comments for row in found] == [None, None]
    assert [row.likes for row in found] == [2, 2]
    assert context.warnings == [
        "2 days have Comments below zero: left without a figure for Comments."
    ]


def test_content_post_dates_fall_on_or_before_the_export_day() -> None:
    link = "https://www.tiktok.com/@me/video/"
    rows = [
        ["January 3", "New year\nhaul", f"{link}1", "December 30", "5", "1", "0", "1,200"],
        ["January 3", "", f"{link}2", "January 2", "undefined", "0", "0", "80"],
        ["January 3", "no link", "", "January 1", "1", "1", "1", "1"],
    ]
    reader, found, context = read(studio_csv(CONTENT, rows), today=date(2026, 2, 1))
    assert reader.label == "TikTok Studio: Content"
    assert [(v.url, v.title, v.posted_on, v.views, v.likes) for v in found] == [
        ("https://www.tiktok.com/@me/video/1", "New year\nhaul", date(2025, 12, 30), 1200, 5),
        ("https://www.tiktok.com/@me/video/2", "", date(2026, 1, 2), 80, None),
    ]
    assert [skip.line for skip in context.skipped] == [5]  # the first title spans lines 2-3
    # Corrected: the export covers up to the end date, and was made just after it.
    _, found, _ = read(studio_csv(CONTENT, rows), today=date(2026, 2, 1), ends_on=date(2025, 1, 2))
    assert [video.posted_on for video in found] == [date(2024, 12, 30), date(2025, 1, 2)]


def test_gender_and_territory_shares() -> None:
    _, found, context = read(
        studio_csv(
            ["Gender", "Distribution"], [["Female", "0.59"], ["Male", "0.41"], ["Other", "0"]]
        )
    )
    assert found == [
        AudienceShare("gender", "Female", Decimal("0.59")),
        AudienceShare("gender", "Male", Decimal("0.41")),
        AudienceShare("gender", "Other", Decimal("0")),
    ]
    assert context.warnings == []
    text = studio_csv(
        ["Top territories", "Distribution"], [["US", "0.5"], ["MX", "1.7"], ["GB", "0.2"]]
    )
    reader, found, context = read(text)
    assert reader.label == "TikTok Studio: Follower territories"
    assert [(share.key, share.share) for share in found] == [
        ("US", Decimal("0.5")),
        ("GB", Decimal("0.2")),
    ]
    assert [skip.line for skip in context.skipped] == [3]
    assert context.warnings == [
        "TikTok Studio: Follower territories: the shares add up to 70%, not 100%."
    ]


def test_viewers_are_read_and_yield_nothing_follower_activity_says_not_used() -> None:
    viewers = studio_csv(
        ["Date", "Total Viewers", "New Viewers", "Returning Viewers"], [["March 1", "5", "3", "2"]]
    )
    reader, found, context = read(viewers)
    assert reader.label == "TikTok Studio: Viewers" and found == [] and context.warnings == []
    assert reader.unused.startswith("viewers per day aren't kept")
    activity = studio_csv(["Date", "Hour", "Active followers"], [["March 1", "0", "491"]])
    reader, found, context = read(activity)
    assert reader.label == "TikTok Studio: Follower activity" and found == []
    assert context.warnings == [] and "by hour" in reader.unused


def test_business_audience_unquoted_with_missing_markers_and_a_trailing_space() -> None:
    text = (
        "\ufeffDate,New followers,Total followers ,Reached audience,Engaged audience\n"
        "2025/12/30,10,--,NAN,NAN\n2025/12/31,4,1204,75134,1801\n2026/01/01,2,1206,90,1"
    )
    reader, found, context = read(text, today=date(2026, 6, 1))
    assert reader.label == "TikTok business: Audience"
    assert found == [
        DayStats(date(2025, 12, 31), followers=1204),
        DayStats(date(2026, 1, 1), followers=1206),
    ]
    assert context.warnings == []  # full dates: no year was guessed, so no stale warning


def test_business_videos_with_a_post_time_and_nan() -> None:
    text = (
        "\ufeffVideo title,Video link,Post time,Video views,Likes,Comments,Shares,"
        "Add to Favorites\n"
        'Pasta,https://www.tiktok.com/@r/video/7,2025/10/31 18:19:10,"172,353",1774,42,413,180\n'
        "Quiet day,https://www.tiktok.com/@r/video/8,2025/12/29 17:41:52,NAN,40,--,1,0"
    )
    reader, found, _ = read(text)
    assert reader.label == "TikTok business: Videos"
    assert [(v.posted_on, v.views, v.likes, v.comments) for v in found] == [
        (date(2025, 10, 31), 172353, 1774, 42),
        (date(2025, 12, 29), None, 40, None),
    ]


def _spellings(language: str) -> st.SearchStrategy[dict[int, str]]:
    """One way to write each month in `language`: any of its names, capitalised, maybe a dot."""

    def month(number: int) -> st.SearchStrategy[str]:
        names = [name for name, month in MONTH_NAMES[language].items() if month == number]
        return st.builds(
            lambda name, dot: name.capitalize() + dot,
            st.sampled_from(names),
            st.sampled_from(["", "."]),
        )

    return st.fixed_dictionaries({number: month(number) for number in range(1, 13)})


def _written(day: date, language: str, months: dict[int, str], day_first: bool) -> str:
    if language == "es":
        return f"{day.day} de {months[day.month]}"
    return f"{day.day} {months[day.month]}" if day_first else f"{months[day.month]} {day.day}"


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)),
    length=st.integers(min_value=1, max_value=800),
    language=st.sampled_from(sorted(MONTH_NAMES)),
    day_first=st.booleans(),
    pick=st.data(),
)
def test_consecutive_days_written_without_a_year_read_back_the_same(
    start: date, length: int, language: str, day_first: bool, pick: st.DataObject
) -> None:
    months = pick.draw(_spellings(language))
    dates = [start + timedelta(days=n) for n in range(length)]
    rows = [
        [_written(day, language, months, day_first), str(n), "0"] for n, day in enumerate(dates)
    ]
    _, found, context = read(studio_csv(HISTORY, rows), today=date(2091, 1, 1), ends_on=dates[-1])
    assert days(found) == dates
    assert context.skipped == [] and context.warnings == []


def test_a_video_whose_post_date_cant_be_read_is_kept_without_one() -> None:
    rows = [
        ["March 4", "a", "https://www.tiktok.com/@me/video/3", "someday", "1", "1", "1", "9"],
        ["March 4", "b", "https://www.tiktok.com/@me/video/4", "undefined", "1", "1", "1", "8"],
    ]
    _, found, context = read(studio_csv(CONTENT, rows))
    assert [(video.posted_on, video.views) for video in found] == [(None, 9), (None, 8)]
    assert context.warnings == [
        "Line 2: “someday” is not a post date; the video is kept without one."
    ]
