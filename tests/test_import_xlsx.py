"""XLSX uploads: each sheet a table of text cells; macros, external links and formulas refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from crm.imports.rows import UnreadableFile
from crm.imports.xlsx import cell_text
from tests.import_fakes import OVERVIEW, cells, tables, use_fake_readers, zip_of


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_readers(monkeypatch)


def workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    """An XLSX with these sheets and rows."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(
    data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None
) -> bytes:
    """The workbook with parts added or replaced, as a tool writing one might."""
    replace = replace or {}
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            members[name] = replace.get(name, archive.read(name))
    return zip_of(members | extra)


def test_each_sheet_is_a_table_of_text_cells() -> None:
    data = workbook(
        (
            "Overview",
            [["Date", "Video Views", "Share"], ["April 12", 1200, 0.59], ["April 13", 12.0, 1e-05]],
        ),
        ("Empty", []),
        ("Other", [["Order", "Total"], ["A1", True]]),
    )
    found = tables(data, name="Overview.xlsx")

    assert [(f.table.name, f.reader) for f in found] == [("Overview", OVERVIEW), ("Other", None)]
    assert [(line.number, list(line.cells)) for line in found[0].table.lines] == [
        (2, ["April 12", "1200", "0.59"]),
        (3, ["April 13", "12", "0.00001"]),
    ]
    assert cells(found[1]) == [["A1", "TRUE"]]


def test_a_title_row_before_the_header_is_the_preamble() -> None:
    data = workbook(("Sheet1", [["Video report"], [], ["Date", "Video Views"], ["April 1", 3]]))
    (found,) = tables(data, name="report.xlsx")

    assert (list(found.table.preamble), found.reader) == (["Video report"], OVERVIEW)
    assert [line.number for line in found.table.lines] == [4]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (12, "12"),
        (12.0, "12"),
        (1234567.5, "1234567.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (date(2025, 3, 1), "2025-03-01"),
        (datetime(2025, 3, 1), "2025-03-01"),
        (datetime(2025, 3, 1, 14, 29, 59, 999_990), "2025-03-01T14:30:00"),
        (time(9, 30), "09:30:00"),
        ("=not a formula", "=not a formula"),
    ],
)
def test_cells_become_the_text_a_person_reads(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_dates_in_a_sheet_come_as_iso_text() -> None:
    data = workbook(("Sheet1", [["Date", "Video Views"], [datetime(2025, 4, 12), 3]]))

    assert cells(tables(data, name="a.xlsx")[0]) == [["2025-04-12", "3"]]


def test_a_formula_is_refused_with_its_cell() -> None:
    rows = [["Date", "Video Views"], *[[f"April {n}", n] for n in range(1, 21)]]
    data = workbook(("Sheet1", [*rows, ["Total", "=SUM(B2:B21)"]]))
    (found,) = tables(data, name="edited.xlsx")

    with pytest.raises(
        UnreadableFile, match=r"edited\.xlsx, sheet Sheet1, cell B22 holds a formula"
    ):
        cells(found)


def test_text_starting_with_an_equals_sign_is_text() -> None:
    book = Workbook()
    book.active.append(["Date", "Video Views"])
    book.active["A2"].value = "=SUM(1,2)"
    book.active["A2"].data_type = "s"  # stored as a string, as an export tool writes it
    buffer = io.BytesIO()
    book.save(buffer)

    assert cells(tables(buffer.getvalue(), name="a.xlsx")[0]) == [["=SUM(1,2)"]]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "holds macros"),
        ({"xl/externalLinks/externalLink1.xml": b"<externalLink/>"}, "links to other files"),
        ({"xl/connections.xml": b"<connections/>"}, "links to other files"),
    ],
)
def test_active_content_is_refused(extra: dict[str, bytes], message: str) -> None:
    data = with_parts(workbook(("Sheet1", [["Date", "Video Views"]])), extra)

    with pytest.raises(UnreadableFile, match=message):
        tables(data, name="book.xlsx")


def test_a_macro_enabled_content_type_is_refused() -> None:
    plain = workbook(("Sheet1", [["Date", "Video Views"]]))
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
        )

    with pytest.raises(UnreadableFile, match="holds macros"):
        tables(with_parts(plain, {}, {"[Content_Types].xml": types}), name="book.xlsm")


def test_an_xml_entity_bomb_is_refused() -> None:
    plain = workbook(("Sheet1", [["Date", "Video Views"], ["April 1", 1]]))
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    data = with_parts(plain, {}, {"xl/worksheets/sheet1.xml": bomb})

    with pytest.raises(UnreadableFile, match="can't be read as a workbook"):
        tables(data, name="bomb.xlsx")


def test_too_much_shared_text_is_refused() -> None:
    plain = workbook(("Sheet1", [["Date", "Video Views"]]))
    data = with_parts(
        plain, {"xl/sharedStrings.xml": b"<sst>" + b"<si><t>x</t></si>" * 300 + b"</sst>"}
    )

    with pytest.raises(UnreadableFile, match="holds 5 KB of text"):
        tables(data, name="a.xlsx", shared_strings_bytes=1024)


def test_a_damaged_sheet_is_refused() -> None:
    plain = workbook(("Sheet1", [["Date", "Video Views"], ["April 1", 1]]))
    data = with_parts(plain, {}, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})

    with pytest.raises(UnreadableFile, match=r"a\.xlsx.* can't be read as a workbook"):
        cells(tables(data, name="a.xlsx")[0])


def test_a_workbook_inside_a_zip_is_refused() -> None:
    data = zip_of({"orders.xlsx": workbook(("Sheet1", [["Date", "Video Views"]]))})

    with pytest.raises(UnreadableFile, match="inside a ZIP"):
        tables(data, name="orders.zip")


def test_too_many_workbook_parts_are_refused() -> None:
    data = workbook(*[(f"Day {n}", [["Date", "Video Views"]]) for n in range(5)])

    with pytest.raises(UnreadableFile, match="holds more than 8 files"):
        tables(data, name="a.xlsx", workbook_parts=8)
