"""The one date reader the import readers share: a date in any shape a report writes reads
back, and anything else is refused."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.imports.readers import amazon, ltk, mapped, tiktok_shop
from crm.imports.readers.earnings import parse_day

# Every reader's shapes. Two-digit years read as 1969..2068, so the dates stay in that range.
SHAPE_SETS = {
    "ltk": ltk.DAY_SHAPES,
    **{f"amazon-{m.language}": m.date_formats for m in amazon.MARKETPLACES},
    "tiktok-shop": tiktok_shop.DAY_SHAPES,
    **{f"csv-{order}": shapes for order, shapes in mapped.DAY_SHAPES.items()},
}
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2068, 12, 31))
TIMES = st.times().map(lambda t: t.replace(microsecond=0))


@pytest.mark.parametrize("reader", sorted(SHAPE_SETS))
@given(day=DAYS, at=TIMES, pick=st.data())
def test_a_date_written_in_any_of_a_readers_shapes_reads_back(
    reader: str, day: date, at: time, pick: st.DataObject
) -> None:
    shapes = SHAPE_SETS[reader]
    shape = pick.draw(st.sampled_from(shapes))
    text = datetime.combine(day, at).strftime(shape)
    assert parse_day(text, shapes) == day


@pytest.mark.parametrize("reader", sorted(SHAPE_SETS))
@given(junk=st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=30))
def test_text_without_digits_is_no_date(reader: str, junk: str) -> None:
    with pytest.raises(ValueError):
        parse_day(junk, SHAPE_SETS[reader])


@pytest.mark.parametrize(
    ("text", "reader"),
    [
        ("02/30/2025", "ltk"),  # no such day
        ("13/01/25", "ltk"),  # month first: no month 13
        ("2025-06-30", "tiktok-shop"),  # day first only
        ("30/06/2026 18:20:31 extra", "tiktok-shop"),
        ("31/12/2025", "csv-mdy"),  # month first: no month 31
    ],
)
def test_a_date_in_another_shape_is_refused_naming_it(text: str, reader: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_day(text, SHAPE_SETS[reader])
    assert refused.value.args == (text,)
