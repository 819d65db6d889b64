"""Any other CSV of income, read through the columns the creator mapped."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.imports.readers.mapped import ColumnMapping, MappedReader, layout_key, parse_day
from crm.imports.rows import IncomeLine
from tests.affiliate_tables import TODAY, read

STREAMS = {"ugc": "UGC deals", "affiliate": "Affiliate", "brand": "Brand sponsorships"}
LAYOUT = layout_key(["Paid on", "Client", "Amount", "Type", "Memo"])
MAPPING = ColumnMapping(day="Paid on", amount="Amount", stream="Type", brand="Client", note="Memo")


def reader(**changes: object) -> MappedReader:
    fields = {**MAPPING.__dict__, **changes}
    return MappedReader(ColumnMapping(**fields), STREAMS, LAYOUT)  # type: ignore[arg-type]


def test_each_line_becomes_income_in_its_stream_with_brand_and_note() -> None:
    text = (
        "Paid on,Client,Amount,Type,Memo\n"
        '2025-11-03,Glow Labs,"$1,250.00",UGC deals,3 videos\n'
        "2025-11-04,Lumen,80,affiliate,\n"
    )
    rows, ctx = read(text, reader())
    assert rows == [
        IncomeLine(date(2025, 11, 3), 125000, "USD", "ugc", "Glow Labs", "3 videos"),
        IncomeLine(date(2025, 11, 4), 8000, "USD", "affiliate", "Lumen", ""),
    ]
    assert ctx.skipped == []


def test_without_a_stream_column_every_line_takes_the_default_stream() -> None:
    text = "Paid on,Amount\n2025-11-03,10\n"
    rows, _ = read(text, reader(stream=None, brand=None, note=None, default_stream="brand"))
    assert [row.stream for row in rows] == ["brand"]


def test_an_amount_without_a_symbol_is_in_the_creators_currency() -> None:
    text = "Paid on,Amount\n2025-11-03,10\n2025-11-03,€12\n"
    rows, _ = read(text, reader(stream=None, brand=None, note=None), currency="GBP")
    assert [(row.amount_cents, row.currency) for row in rows] == [(1000, "GBP"), (1200, "EUR")]


def test_decimal_commas_and_day_first_dates_read_as_mapped() -> None:
    text = 'Paid on;Amount\n04.03.2025;"1.234,56"\n'.replace(";", ",")
    rows, _ = read(text, reader(stream=None, brand=None, note=None, day_order="dmy", decimal=","))
    assert [(row.day, row.amount_cents) for row in rows] == [(date(2025, 3, 4), 123456)]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("someday,10,ugc", "the date 'someday' isn't a date written year first"),
        ("2099-01-01,10,ugc", "the date 2099-01-01 is in the future"),
        ("2025-11-03,ten,ugc", "is not an amount"),
        ("2025-11-03,-5,ugc", "is money out; only income is imported"),
        ("2025-11-03,0,ugc", "is no money"),
        ("2025-11-03,99999999,ugc", "more than one line of income can be"),
        ("2025-11-03,10,tips", "the stream 'tips' isn't one of UGC deals, Affiliate"),
        ("2025-11-03", "has 1 cells, the mapping needs 3"),
    ],
)
def test_a_line_that_cant_be_read_is_skipped_saying_why(cells: str, reason: str) -> None:
    rows, ctx = read(f"Paid on,Amount,Type\n{cells}\n", reader(brand=None, note=None))
    assert rows == []
    [skipped] = ctx.skipped
    assert skipped.line == 2 and reason in skipped.reason


def test_it_recognises_any_header_holding_the_mapped_columns_in_any_order() -> None:
    mapped = reader(brand=None, note=None)
    assert mapped.recognises([], ["Type", " amount ", "PAID ON", "Extra"])
    assert not mapped.recognises([], ["Paid on", "Amount"])  # "Type" is gone


def test_each_layout_is_its_own_source_so_one_never_replaces_anothers_days() -> None:
    other = MappedReader(MAPPING, STREAMS, layout_key(["Date", "Gross"]))
    assert reader().source.startswith("csv-") and reader().source != other.source


def test_the_layout_key_ignores_case_and_spacing_but_not_order() -> None:
    assert layout_key(["Paid on", "Amount"]) == layout_key(["\ufeffpaid  ON", "AMOUNT "])
    assert layout_key(["Paid on", "Amount"]) != layout_key(["Amount", "Paid on"])


@given(st.dates(min_value=date(2000, 1, 1), max_value=TODAY))
def test_a_date_in_each_order_reads_back(day: date) -> None:
    assert parse_day(day.isoformat(), "ymd") == day
    assert parse_day(f"{day.month}/{day.day}/{day.year}", "mdy") == day
    assert parse_day(f"{day.day}/{day.month}/{day.year}", "dmy") == day
    assert parse_day(day.strftime("%b %d, %Y"), "dmy") == day
    assert parse_day(f"{day.isoformat()}T10:30:00Z", "mdy") == day


def test_a_file_of_bad_lines_keeps_the_first_reasons_and_counts_the_rest() -> None:
    from crm.imports.rows import SKIPPED_KEPT

    text = "Paid on,Amount,Type\n" + "someday,10,ugc\n" * (SKIPPED_KEPT + 50)
    rows, ctx = read(text, reader(brand=None, note=None))
    assert rows == [] and ctx.skipped_count == SKIPPED_KEPT + 50
    assert len(ctx.skipped) == SKIPPED_KEPT and ctx.skipped[0].line == 2


def test_the_forms_carry_every_field_of_a_column_mapping(app) -> None:
    from dataclasses import asdict, replace

    from crm.imports.forms import CommitForm, MappingForm, mapping_values
    from crm.imports.readers.mapped import MAPPING_FIELDS

    mapping = replace(MAPPING, default_stream="affiliate", day_order="dmy", decimal=",")
    assert set(MAPPING_FIELDS) == set(asdict(mapping))
    with app.test_request_context():
        hidden = CommitForm(formdata=None, data=asdict(mapping))
        assert mapping_values(hidden) == asdict(mapping)
        assert all(hidden[name].type == "HiddenLineField" for name in MAPPING_FIELDS)
        assert MappingForm(formdata=None, data=asdict(mapping)).values() == asdict(mapping)
        assert mapping_values(CommitForm(formdata=None))["day"] == ""
