"""Text uploads: encodings told from bytes, delimiters sniffed, title lines split off, rows
streamed with their real line numbers, and each way a file can't be read refused clearly."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator

import pytest

from crm.imports.files import open_upload, seekable_copy, unrecognised_message
from crm.imports.limits import Limits
from crm.imports.rows import UnreadableFile
from tests.import_fakes import AMAZON, LTK, OVERVIEW, cells, only, tables, use_fake_readers

OVERVIEW_CSV = '"Date","Video Views","Likes"\n"April 12","1200","40"\n"April 13","900","31"'


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_readers(monkeypatch)


def test_a_tiktok_csv_with_a_bom_and_no_final_newline_is_read() -> None:
    found = only(codecs.BOM_UTF8 + OVERVIEW_CSV.encode())

    assert found.reader is OVERVIEW
    assert list(found.table.header) == ["Date", "Video Views", "Likes"]
    assert [(line.number, list(line.cells)) for line in found.table.lines] == [
        (2, ["April 12", "1200", "40"]),
        (3, ["April 13", "900", "31"]),
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    found = only(bom + "Date,Video Views\r\n2025-10-31,4\r\n2025-11-01,Café\r\n".encode(codec))

    assert found.reader is OVERVIEW
    assert cells(found) == [["2025-10-31", "4"], ["2025-11-01", "Café"]]


def test_utf16_without_a_byte_order_mark_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="can't read the text of"):
        only("Date,Video Views\n1,2\n".encode("utf-16-le"))


def test_windows_text_is_read_with_its_accents_and_a_note() -> None:
    # What Excel on Windows saves as "CSV": Windows-1252, no byte-order mark.
    found = only(
        "Date,Brand,Type\n1/2/25,Café Olé,Sale\n2/2/25,Zoë “Crème”,Sale\n".encode("cp1252")
    )
    assert cells(found) == [["1/2/25", "Café Olé", "Sale"], ["2/2/25", "Zoë “Crème”", "Sale"]]
    assert found.table.notes == ("read as Western (Windows) text: check the accents below.",)


def test_utf8_is_read_without_a_note() -> None:
    found = only("Date,Brand,Type\n1/2/25,Café Olé,Sale\n".encode())
    assert cells(found) == [["1/2/25", "Café Olé", "Sale"]] and found.table.notes == ()


def test_a_bad_byte_deep_in_the_file_is_refused_with_its_line() -> None:
    body = "".join(f"April {n % 28 + 1},{n}\n" for n in range(2000))
    found = only(b"Date,Video Views\n" + body.encode() + b"May 1,caf\xe9\n")

    with pytest.raises(UnreadableFile, match=r"can.t read the text of upload.csv, line 2002"):
        list(found.table.lines)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\r\n  \n", "is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "is a PNG image"),
        (b"%PDF-1.7\n", "is a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"old Excel \(.xls\)"),
        (b"Date,Views\x00\x01\x02", "can't read the text"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        tables(data, name="Overview.csv")


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_the_delimiter_is_sniffed_from_the_header(delimiter: str) -> None:
    text = delimiter.join(["Date", "Video Views", "Likes"]) + "\n"
    text += delimiter.join(["April 12", "1200", "40"]) + "\n"
    found = only(text.encode())

    assert found.reader is OVERVIEW
    assert cells(found) == [["April 12", "1200", "40"]]


def test_crlf_blank_lines_and_a_quoted_newline_keep_real_line_numbers() -> None:
    text = 'Date,Video Views\r\nApril 1,1\r\n\r\nApril 2,"two\r\nlines"\r\nApril 3,3\r\n\r\n,\r\n'
    found = only(text.encode())

    assert [(line.number, list(line.cells)) for line in found.table.lines] == [
        (2, ["April 1", "1"]),
        (4, ["April 2", "two\r\nlines"]),
        (6, ["April 3", "3"]),
    ]


def test_a_title_line_before_the_header_is_the_preamble() -> None:
    text = (
        "Fee-Earnings reports from 12-01-2020 to 12-31-2020\n"
        "Category,Name,ASIN,Ad Fees($)\n"
        "Books,A Novel,B00X,1.20\n"
    )
    found = only(text.encode())

    assert found.reader is AMAZON
    assert list(found.table.preamble) == ["Fee-Earnings reports from 12-01-2020 to 12-31-2020"]
    assert list(found.table.header) == ["Category", "Name", "ASIN", "Ad Fees($)"]
    assert [line.number for line in found.table.lines] == [3]


def test_excels_sep_hint_sets_the_delimiter_and_is_not_a_title() -> None:
    text = 'sep=;\n"Instagram follows"\nDate;Video Views\n2025-10-31;4\n'
    found = only(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))

    assert list(found.table.preamble) == ["Instagram follows"]
    assert cells(found) == [["2025-10-31", "4"]]
    assert [line.number for line in only(text.encode()).table.lines] == [4]


def test_a_one_column_file_has_its_first_line_as_header() -> None:
    found = only(b"Date\nApril 1\nApril 2\n")

    assert (list(found.table.preamble), list(found.table.header)) == ([], ["Date"])
    assert cells(found) == [["April 1"], ["April 2"]]


def test_the_readers_dialect_reads_the_rows() -> None:
    text = 'Date,Brand,Type,Product\n11/21/25,"Nike","Sale commission","Tight 25\\", black"\n'
    found = only(text.encode())

    assert found.reader is LTK
    assert cells(found) == [["11/21/25", "Nike", "Sale commission", 'Tight 25", black']]


def test_source_limits_which_readers_may_recognise() -> None:
    data = OVERVIEW_CSV.encode()

    assert tables(data, source="tiktok")[0].reader is OVERVIEW
    assert tables(data, source="ltk")[0].reader is None


def test_an_unknown_table_comes_back_without_a_reader_and_says_its_header() -> None:
    found = only(b"Order,Total,Tip\n1,2,3\n")

    assert found.reader is None
    assert "its header is Order, Total, Tip" in unrecognised_message(found.table)
    assert cells(found) == [["1", "2", "3"]]


def test_a_formula_like_cell_is_just_text() -> None:
    found = only(b'Date,Video Views\n=HYPERLINK("x"),+1\n')

    assert cells(found) == [['=HYPERLINK("x")', "+1"]]


def test_rows_are_streamed_not_read_up_front() -> None:
    # A bad byte at the end only shows once reading gets there: the first rows came first.
    rows = b"".join(b"April %d,%d\n" % (n, n) for n in range(1, 21))
    found = only(b"Date,Video Views\n" + rows + b"x" * 5000 + b"\xff\n")
    lines = found.table.lines

    assert isinstance(lines, Iterator)
    assert next(lines).cells == ["April 1", "1"]
    with pytest.raises(UnreadableFile):
        list(lines)


def test_an_upload_over_the_size_limit_is_refused_before_reading() -> None:
    with pytest.raises(UnreadableFile, match="up to 1 KB: export a shorter date range"):
        tables(OVERVIEW_CSV.encode() * 100, name="Overview.csv", upload_bytes=1024)


class Pipe(io.RawIOBase):
    """A stream that can't seek, as stdin in the CLI."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_that_cant_seek_is_copied_within_the_limit_first() -> None:
    pipe = Pipe(OVERVIEW_CSV.encode())
    with pytest.raises(ValueError, match="seekable_copy"):
        next(open_upload("stdin", pipe))  # type: ignore[arg-type]

    with seekable_copy("stdin", pipe) as copy:  # type: ignore[arg-type]
        found = next(open_upload("stdin", copy))
        assert cells(found)[1] == ["April 13", "900", "31"]

    big = Pipe(OVERVIEW_CSV.encode() * 100)
    with pytest.raises(UnreadableFile, match="too big"):  # noqa: SIM117 (raised on entry)
        with seekable_copy("stdin", big, Limits(upload_bytes=1024)):  # type: ignore[arg-type]
            pass


def test_a_line_over_the_length_limit_is_refused() -> None:
    rows = b"".join(b"April %d,%d\n" % (n, n) for n in range(1, 21))
    found = only(b"Date,Video Views\n" + rows + b"May 1," + b"9" * 500 + b"\n", line_chars=100)

    with pytest.raises(UnreadableFile, match="line 22 is longer than 100 characters"):
        list(found.table.lines)


def test_a_quote_never_closed_is_refused_not_read_to_the_end() -> None:
    body = b"".join(b"more text, %d\n" % n for n in range(20_000))
    found = only(b'Date,Video Views\nApril 1,"oops\n' + body)

    with pytest.raises(UnreadableFile, match="quote that is never closed"):
        list(found.table.lines)


def test_too_many_columns_are_refused() -> None:
    with pytest.raises(UnreadableFile, match="line 1 has 6 columns; an import takes up to 5"):
        only(b"Date,a,b,c,d,e\n1,2,3,4,5,6\n", columns=5)
    found = only(b"Date,Video Views\n1,2,3,4,5,6\n", columns=5)
    with pytest.raises(UnreadableFile, match="line 2 has 6 columns"):
        list(found.table.lines)
