"""The follow-up cadence: parsing the setting and the dates it gives (pure, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from crm.pitches import cadence


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("4,7,7", (4, 7, 7)),
        (" 3 ", (3,)),
        ("1, 60", (1, 60)),
        ("2;5", (2, 5)),
        ("4,7,7,", (4, 7, 7)),
    ],
)
def test_parse_accepts_one_to_five_waits_of_1_to_60_days(text: str, steps: tuple[int, ...]) -> None:
    assert cadence.parse_cadence(text) == steps


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Enter the days"),
        (" , ", "Enter the days"),
        ("1,2,3,4,5,6", "at most 5"),
        ("0", "1 to 60 days"),
        ("61", "1 to 60 days"),
        ("4,-7", "not a whole number"),
        ("four", "not a whole number"),
        ("4.5", "not a whole number"),
    ],
)
def test_parse_refuses_with_a_message(text: str, words: str) -> None:
    with pytest.raises(cadence.CadenceError, match=words):
        cadence.parse_cadence(text)


def test_a_broken_stored_cadence_falls_back_to_the_default() -> None:
    assert cadence.cadence_or_default("nonsense") == (4, 7, 7)
    assert cadence.cadence_or_default(None) == (4, 7, 7)
    assert cadence.cadence_or_default("2,3") == (2, 3)


def test_format_round_trips() -> None:
    assert cadence.format_cadence((4, 7, 7)) == "4,7,7"
    assert cadence.parse_cadence(cadence.format_cadence((1, 60))) == (1, 60)


def test_the_default_cadence_walks_4_then_7_then_7_days() -> None:
    steps = (4, 7, 7)
    sent = date(2026, 3, 1)
    first = cadence.first_followup_on(sent, steps)
    assert first == date(2026, 3, 5)
    second = cadence.next_after_followup(first, 1, steps)
    assert second == date(2026, 3, 12)
    third = cadence.next_after_followup(second, 2, steps)
    assert third == date(2026, 3, 19)
    # After the last follow-up the last wait is the brand's time to answer.
    deadline = cadence.next_after_followup(third, 3, steps)
    assert deadline == date(2026, 3, 26)


def test_ghosted_only_once_every_follow_up_is_sent_and_the_answer_window_is_over() -> None:
    steps = (4, 7, 7)
    deadline = date(2026, 3, 26)
    assert not cadence.is_ghosted(2, deadline, date(2026, 3, 30), steps)
    assert not cadence.is_ghosted(3, deadline, date(2026, 3, 25), steps)
    assert cadence.is_ghosted(3, deadline, date(2026, 3, 26), steps)
    assert cadence.is_ghosted(3, deadline, date(2026, 4, 26), steps)
    assert not cadence.is_ghosted(3, None, date(2026, 4, 26), steps)


def test_cadence_done_counts_follow_ups_against_steps() -> None:
    assert not cadence.cadence_done(0, (4,))
    assert cadence.cadence_done(1, (4,))
    assert cadence.cadence_done(4, (4, 7))


def test_describe_says_what_happens() -> None:
    text = cadence.describe((4, 7, 7))
    assert text.startswith("Follow up 4 days after sending; again 7 days later; again 7 days later")
    assert "ghosted" in text
