"""The TikTok readers over the real exports in ../shared/samples (skipped when absent)."""

from __future__ import annotations

import csv
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from crm.imports.rows import ReadContext, Reader, Row
from tests.tiktok_tables import read


def _samples() -> Path:
    return Path(
        os.environ.get("CRM_SAMPLES") or Path(__file__).resolve().parents[2] / "shared" / "samples"
    )


def _plain_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_file(path: Path, today: date) -> tuple[Reader, list[Row], ReadContext]:
    return read(path.read_text(encoding="utf-8-sig"), today=today)


@pytest.mark.skipif(not (_samples() / "tiktok-studio").is_dir(), reason="no real samples here")
def test_real_tiktok_studio_exports() -> None:
    folder = _samples() / "tiktok-studio"
    overview = _plain_rows(next(folder.glob("*Overview.csv")))
    _, found, context = _read_file(next(folder.glob("*Overview.csv")), date(2026, 2, 28))
    assert len(found) == len(overview) and context.skipped == []
    assert sum(row.views for row in found) == sum(int(row["Video Views"]) for row in overview)
    assert (found[-1].day - found[0].day).days == len(found) - 1  # day after day, no gap
    history = _plain_rows(next(folder.glob("*FollowerHistory.csv")))
    _, found, _ = _read_file(next(folder.glob("*FollowerHistory.csv")), date(2026, 2, 28))
    known = [row["Followers"] for row in history if row["Followers"] != "undefined"]
    assert [row.followers for row in found] == [int(value) for value in known]
    content = _plain_rows(next(folder.glob("*Content.csv")))
    _, found, _ = _read_file(next(folder.glob("*Content.csv")), date(2026, 2, 28))
    assert sum(video.views for video in found) == sum(int(row["Total views"]) for row in content)
    for name in ("*FollowerGender.csv", "*FollowerTopTerritories.csv"):
        _, found, context = _read_file(next(folder.glob(name)), date(2026, 2, 28))
        assert (
            abs(sum(share.share for share in found) - 1) <= Decimal("0.02")
            and context.warnings == []
        )


@pytest.mark.skipif(not (_samples() / "tiktok-business").is_dir(), reason="no real samples here")
def test_real_tiktok_business_exports() -> None:
    folder = _samples() / "tiktok-business"
    videos = _plain_rows(next(folder.glob("*VIDEO*.csv")))
    _, found, context = _read_file(next(folder.glob("*VIDEO*.csv")), date(2026, 1, 2))
    assert len(found) == len(videos) and context.skipped == []
    assert sum(video.views for video in found) == sum(int(row["Video views"]) for row in videos)
    assert all(video.posted_on is not None for video in found)
    audience = _plain_rows(next(folder.glob("*AUDIENCE*.csv")))
    reader, found, context = _read_file(next(folder.glob("*AUDIENCE*.csv")), date(2026, 1, 2))
    known = [row for row in audience if row["Total followers"].strip() not in {"--", "NAN"}]
    assert reader.label == "TikTok business: Audience" and len(found) == len(known)
