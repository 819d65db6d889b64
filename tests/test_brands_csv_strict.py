"""Strict CSV reading: an unclosed or stray quote, a wrong cell count or a stray NUL is a row
problem with its line, the import stays all or nothing, and re-importing changes nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from crm.brands.csvfile import records
from crm.brands.import_writing import import_brands
from crm.brands.importing import ImportRejected, read_rows
from crm.brands.models import Brand
from tests.factories_brands import make_brand


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as rejected:
        read_rows(text.encode())
    return [(p.line, p.message) for p in rejected.value.problems]


def _brands(session, user) -> list[str]:
    return list(
        session.scalars(select(Brand.name).where(Brand.owner_id == user.id).order_by(Brand.name))
    )


def test_an_unclosed_quote_is_refused_at_its_line_not_swallowing_the_next_rows() -> None:
    text = 'name,notes\nGood Co,fine\n"Lumiere Skin Co,lovely\nNext Brand,x\nLast,y\n'
    [(line, message)] = _problems(text)
    assert line == 3
    assert "never closed" in message


def test_a_stray_quote_inside_a_cell_is_refused_and_later_rows_still_checked() -> None:
    text = 'name,notes\n"Glow" Co,fine\nOK Co,fine\n,no name\n'
    problems = _problems(text)
    assert [line for line, _ in problems] == [2, 4]
    assert "in the middle of a cell" in problems[0][1]


def test_a_quote_closed_rows_later_is_a_problem_not_a_brand_named_after_two_rows() -> None:
    text = 'name,notes\n"Glow Co\nNext Brand",x\n'
    [(line, message)] = _problems(text)
    assert line == 2
    assert message.startswith("name: runs over several lines")


@pytest.mark.parametrize(
    ("row", "cells"),
    [("Glow Co,x,extra", 3), ("Glow Co", 1)],
)
def test_a_row_with_the_wrong_number_of_cells_is_a_problem_with_its_line(row, cells) -> None:
    assert _problems(f"name,notes\nFine,ok\n{row}\n") == [
        (3, f"This row has {cells} cells but the header names 2 columns.")
    ]


def test_empty_padding_cells_and_multi_line_notes_still_import() -> None:
    rows = read_rows(b'name,notes\nGlow,"two\nlines",,\n')
    assert [(r.line, r.values["notes"]) for r in rows] == [(2, "two\nlines")]


def test_a_stray_nul_is_a_row_problem_with_its_line() -> None:
    assert _problems("name,notes\nFine,ok\nBad\x00Co,x\n") == [
        (3, "name: contains a NUL character; remove it.")
    ]


def test_an_unclosed_quote_in_the_header_is_refused_on_line_one() -> None:
    [(line, message)] = _problems('"name,notes\nGlow,x\n')
    assert line == 1 and "never closed" in message


def test_a_count_with_thousands_of_digits_is_a_row_problem() -> None:
    [(line, message)] = _problems("name,tiktok_followers\nGlow," + "9" * 5_000 + "\n")
    assert line == 2 and "more followers than TikTok has users" in message


def test_records_give_each_its_starting_line() -> None:
    found = list(records('a,b\n"x\ny",z\nq,r\n'))
    assert [(r.line, r.cells) for r in found] == [
        (1, ["a", "b"]),
        (2, ["x\ny", "z"]),
        (4, ["q", "r"]),
    ]


def test_a_malformed_upload_imports_nothing_and_says_which_line(logged_in, session, user) -> None:
    text = 'name,notes\nGood Co,fine\n"Lumiere Skin Co,lovely\nNext Brand,x\n'
    response = logged_in.post(
        "/brands/import", data={"file": (io.BytesIO(text.encode()), "brands.csv")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "never closed" in page
    assert _brands(session, user) == []


def test_reimporting_a_file_changes_nothing(session, user) -> None:
    make_brand(session, user, name="Glow Co", notes="kept")
    text = b"name,notes,tiktok_followers\nGlow Co,kept,1200\nNestwell,new,300\n"
    first = import_brands(session, user.id, read_rows(text))
    session.commit()
    again = import_brands(session, user.id, read_rows(text))
    session.commit()
    assert (first.created, first.updated) == (1, 1)
    assert (again.created, again.updated, again.contacts_added) == (0, 0, 0)
    assert _brands(session, user) == ["Glow Co", "Nestwell"]
    assert session.scalar(select(func.count(Brand.id)).where(Brand.owner_id == user.id)) == 2
