"""ZIP uploads: each member told apart by its bytes, within member, size and ratio limits
checked from the directory and again on the bytes read; damaged and hostile ZIPs refused."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from crm.imports.files import zip_entry_count
from crm.imports.limits import Budget, LimitedBytes, Limits
from crm.imports.rows import UnreadableFile
from tests.import_fakes import AMAZON, OVERVIEW, cells, tables, use_fake_readers, zip_of

OVERVIEW_CSV = b'\xef\xbb\xbf"Date","Video Views"\n"April 12","1200"\n"April 13","900"'
AMAZON_TSV = b"Fee-Earnings reports from 12-01-2020 to 12-31-2020\nCategory\tName\nBooks\tNovel\n"


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_readers(monkeypatch)


def test_each_member_is_recognised_by_its_content_not_its_name() -> None:
    data = zip_of({"report.txt": OVERVIEW_CSV, "Overview.csv": AMAZON_TSV})
    found = tables(data, name="tiktok.zip")

    assert [(f.table.name, f.reader) for f in found] == [
        ("report.txt", OVERVIEW),
        ("Overview.csv", AMAZON),
    ]
    assert [cells(f) for f in found] == [
        [["April 12", "1200"], ["April 13", "900"]],
        [["Books", "Novel"]],
    ]


def test_tables_of_a_zip_can_be_read_after_all_are_found() -> None:
    found = tables(zip_of({"a.csv": OVERVIEW_CSV, "b.csv": OVERVIEW_CSV}), name="two.zip")

    assert [len(cells(f)) for f in found] == [2, 2]


def test_what_macos_and_windows_add_to_a_zip_is_left_out() -> None:
    data = zip_of(
        {
            "Overview/": b"",
            "Overview/Overview.csv": OVERVIEW_CSV,
            "__MACOSX/Overview/._Overview.csv": b"\x00\x05\x16\x07binary",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "Thumbs.db": b"\xd0\xcf\x11\xe0",
        }
    )

    assert [f.table.name for f in tables(data, name="a.zip")] == ["Overview/Overview.csv"]


def test_a_stored_zip_is_read_too() -> None:
    data = zip_of({"Overview.csv": OVERVIEW_CSV}, zipfile.ZIP_STORED)

    assert cells(tables(data, name="a.zip")[0])[0] == ["April 12", "1200"]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({}, "a ZIP with no files in it"),
        ({"inner.zip": zip_of({"a.csv": OVERVIEW_CSV})}, "a ZIP .or workbook. inside a ZIP"),
        (
            {"picture.csv": b"\x89PNG\r\n\x1a\n" + bytes(64)},
            "up.zip holds picture.csv, which isn.t a CSV or Excel file",
        ),
        ({"empty.csv": b""}, "empty.csv in up.zip is empty"),
        ({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}, "not an Excel"),
    ],
)
def test_a_zip_holding_what_we_cant_read_is_refused(members: dict, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        tables(zip_of(members), name="up.zip")


def test_too_many_members_are_refused_from_the_directory() -> None:
    data = zip_of({f"day{n}.csv": OVERVIEW_CSV for n in range(4)})

    with pytest.raises(UnreadableFile, match="holds more than 3 files"):
        tables(data, name="up.zip", zip_members=3)
    assert len(tables(data, name="up.zip", zip_members=4)) == 4


def test_the_entry_count_is_read_from_the_end_record_before_the_directory() -> None:
    data = zip_of({f"day{n}.csv": b"x" for n in range(7)})

    assert zip_entry_count("up.zip", io.BytesIO(data)) == 7
    with pytest.raises(UnreadableFile, match="holds more than 5 files"):
        tables(data, name="up.zip", zip_members=3, workbook_parts=5)


def test_a_zip64_end_record_is_counted() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(3):
            with archive.open(f"day{n}.csv", "w", force_zip64=True) as handle:
                handle.write(OVERVIEW_CSV)
    data = _zip64_end(buffer.getvalue(), 3)

    assert zip_entry_count("up.zip", io.BytesIO(data)) == 3


def _zip64_end(data: bytes, entries: int) -> bytes:
    """The same ZIP with a ZIP64 end record (as big-file writers add) before the usual one."""
    at = data.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<LL", data, at + 12)
    zip64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    end = bytearray(data[at:])
    end[8:12] = struct.pack("<HH", 0xFFFF, 0xFFFF)
    return data[:at] + zip64 + locator + bytes(end)


def test_a_zip_bomb_is_refused_from_its_compression_ratio() -> None:
    data = zip_of({"Overview.csv": b"Date,Video Views\n" + bytes(5 * 1024 * 1024)})
    assert len(data) < 20_000  # 5 MB of zeros packed into a few KB

    with pytest.raises(UnreadableFile, match="unpacks to over 200 times its packed size"):
        tables(data, name="bomb.zip")


def test_a_zip_unpacking_past_the_limit_is_refused() -> None:
    lines = b"".join(b"April %d,%d\n" % (n % 28 + 1, n) for n in range(100_000))
    data = zip_of({"a.csv": b"Date,Video Views\n" + lines, "b.csv": OVERVIEW_CSV})

    with pytest.raises(UnreadableFile, match="unpacks to more than 1 MB"):
        tables(data, name="big.zip", unpacked_bytes=1024 * 1024)


def test_a_header_lying_about_a_members_size_is_caught_while_reading() -> None:
    real = b"Date,Video Views\n" + b"".join(b"April 1,%d\n" % n for n in range(50_000))
    data = bytearray(zip_of({"Overview.csv": real}))
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 24 : directory + 28] = struct.pack("<L", 2_000)  # claims 2 KB

    with pytest.raises(UnreadableFile, match=r"Overview\.csv in liar\.zip is damaged"):
        cells(tables(bytes(data), name="liar.zip")[0])


def test_bytes_past_a_budget_are_refused_whatever_was_claimed() -> None:
    member = Budget(100, "bigger than its ZIP says")
    data = LimitedBytes("a.csv", io.BytesIO(b"x" * 1000), member)

    assert data.peek(50) == b"x" * 50
    with pytest.raises(UnreadableFile, match="bigger than its ZIP says"):
        data.read()


def test_a_truncated_zip_is_refused() -> None:
    data = zip_of({"Overview.csv": OVERVIEW_CSV * 100})

    with pytest.raises(UnreadableFile, match=r"damaged or incomplete ZIP \(was the download cut"):
        tables(data[: len(data) // 2], name="cut.zip")


def test_a_member_with_damaged_data_is_refused() -> None:
    rows = b"".join(b"April %d,%d\n" % (n % 28 + 1, n * 7919 % 10007) for n in range(20_000))
    data = bytearray(zip_of({"Overview.csv": b"Date,Video Views\n" + rows}))
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)

    with pytest.raises(UnreadableFile, match=r"Overview\.csv in bad\.zip is damaged"):
        cells(tables(bytes(data), name="bad.zip")[0])


def test_a_password_protected_member_is_refused() -> None:
    data = bytearray(zip_of({"Overview.csv": OVERVIEW_CSV}))
    directory = data.rfind(b"PK\x01\x02")
    data[directory + 8] |= 0x1  # the "encrypted" flag

    with pytest.raises(UnreadableFile, match="password-protected"):
        tables(bytes(data), name="locked.zip")


def test_limits_come_from_the_settings() -> None:
    from crm.config import DEFAULTS

    assert Limits.from_config(DEFAULTS) == Limits()
    assert Limits.from_config({"IMPORT_MAX_ZIP_MEMBERS": 3}).zip_members == 3
