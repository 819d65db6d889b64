"""The file layer over the real exports in ../shared/samples (skipped when they are absent)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from crm.imports.files import open_upload
from tests.import_fakes import LTK, cells, use_fake_readers

SAMPLES = Path(
    os.environ.get("CRM_SAMPLES") or Path(__file__).resolve().parents[2] / "shared" / "samples"
)

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="no ../shared/samples here")


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_readers(monkeypatch)


def read(relative: str) -> list:
    with (SAMPLES / relative).open("rb") as stream:
        return [(found, cells(found)) for found in open_upload(relative, stream)]


@pytest.mark.parametrize(
    ("relative", "header", "rows"),
    [
        ("tiktok-studio/365d_Overview.csv", ["Date", "Video Views", "Profile Views"], 365),
        ("tiktok-studio/365d_FollowerHistory.csv", ["Date", "Followers"], 365),
        ("tiktok-business/vsbperoto_TIKTOK_AUDIENCE_RAW.csv", ["Date", "New followers"], 62),
        ("instagram-meta/vsbperoto_IG_FOLLOWS_utf16.csv", ["Date", "Primary"], 40),
        ("instagram-meta/vsbperoto_Follows_semicolon_resaved.csv", ["Date", "Primary"], 62),
        ("youtube-studio/totals_excel_resaved.csv", ["Date", "Views"], 365),
    ],
)
def test_real_exports_open_with_their_header_and_every_row(
    relative: str, header: list, rows: int
) -> None:
    ((found, lines),) = read(relative)

    assert list(found.table.header[: len(header)]) == header
    assert len(lines) == rows
    assert all(len(line) == len(found.table.header) for line in lines)


def test_the_ltk_export_reads_whole_with_its_readers_dialect() -> None:
    ((found, lines),) = read("ltk/LTK-earnings-export-09-30-2025-11-21-2025.csv")
    kinds = [line[2] for line in lines]
    earned = sum(
        Decimal(line[7].replace("$", "").replace(",", ""))
        for line in lines
        if line[2] in ("Sale commission", "Sale return")
    )

    assert found.reader is LTK
    assert all(len(line) == 9 for line in lines)
    assert (kinds.count("Sale commission"), kinds.count("Sale return")) == (1344, 219)
    assert (kinds.count("Payment"), kinds.count("Payment transaction fee")) == (7, 6)
    assert earned == Decimal("6310.03")
