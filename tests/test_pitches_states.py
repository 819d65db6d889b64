"""The pitch state machine as a pure table: every allowed and every refused pair."""

from __future__ import annotations

import itertools

import pytest

from crm.brands.models import BrandStatus
from crm.pitches import states
from crm.pitches.models import PitchStatus as S

ALLOWED = {
    (S.DRAFT, S.SENT),
    (S.SENT, S.REPLIED),
    (S.SENT, S.GHOSTED),
    (S.SENT, S.DECLINED),
    (S.REPLIED, S.NEGOTIATING),
    (S.REPLIED, S.WON),
    (S.REPLIED, S.LOST),
    (S.REPLIED, S.DECLINED),
    (S.NEGOTIATING, S.WON),
    (S.NEGOTIATING, S.LOST),
    (S.NEGOTIATING, S.DECLINED),
    (S.GHOSTED, S.REPLIED),
}
ALL_PAIRS = list(itertools.product(S, S))


def test_the_table_covers_every_status() -> None:
    assert set(states.TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=lambda s: s.value)
def test_each_pair_is_allowed_exactly_when_the_table_says(current: S, target: S) -> None:
    expected = (current, target) in ALLOWED
    assert states.is_allowed(current, target) is expected
    if expected:
        states.check_transition(current, target)
    else:
        with pytest.raises(states.TransitionRefused) as refused:
            states.check_transition(current, target)
        assert refused.value.message


def test_open_and_closed_statuses_split_the_machine() -> None:
    assert set(S) == states.OPEN_STATUSES | states.CLOSED_STATUSES
    assert not states.OPEN_STATUSES & states.CLOSED_STATUSES
    assert {S.DRAFT, S.SENT, S.REPLIED, S.NEGOTIATING} == states.OPEN_STATUSES


def test_a_brand_can_decline_at_every_open_stage_after_the_draft() -> None:
    for status in (S.SENT, S.REPLIED, S.NEGOTIATING):
        assert states.is_allowed(status, S.DECLINED)
    assert not states.is_allowed(S.DRAFT, S.DECLINED)


@pytest.mark.parametrize(
    ("current", "target", "words"),
    [
        (S.SENT, S.SENT, "already sent"),
        (S.WON, S.LOST, "closed (won)"),
        (S.DRAFT, S.DECLINED, "delete it instead"),
        (S.DRAFT, S.WON, "can only become sent"),
        (S.SENT, S.WON, "can only become replied, ghosted, declined"),
    ],
)
def test_refusals_say_why(current: S, target: S, words: str) -> None:
    assert words in states.refusal_message(current, target)


@pytest.mark.parametrize(
    ("brand", "pitch", "expected"),
    [
        (BrandStatus.LEAD, S.SENT, BrandStatus.CONTACTED),
        (BrandStatus.CONTACTED, S.SENT, None),
        (BrandStatus.IN_TALKS, S.SENT, None),
        (BrandStatus.LEAD, S.REPLIED, BrandStatus.IN_TALKS),
        (BrandStatus.CONTACTED, S.NEGOTIATING, BrandStatus.IN_TALKS),
        (BrandStatus.CLIENT, S.REPLIED, None),
        (BrandStatus.IN_TALKS, S.WON, BrandStatus.CLIENT),
        (BrandStatus.DORMANT, S.WON, BrandStatus.CLIENT),
        (BrandStatus.NOT_A_FIT, S.SENT, None),
        (BrandStatus.DORMANT, S.REPLIED, None),
        (BrandStatus.IN_TALKS, S.LOST, None),
        (BrandStatus.CONTACTED, S.DECLINED, None),
        (BrandStatus.CLIENT, S.WON, None),
    ],
)
def test_a_pitch_only_moves_its_brand_forward(
    brand: BrandStatus, pitch: S, expected: BrandStatus | None
) -> None:
    assert states.brand_status_after(brand, pitch) == expected
