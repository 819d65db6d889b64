"""A Content export on the imports pages and the CLI: videos updated, the others offered."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from crm.imports import committing
from crm.imports.models import Import
from crm.imports.services import Upload
from crm.imports.videos import ADD_ALL
from crm.ownership import owned
from crm.stats.models import PortfolioVideo
from tests.factories import make_video
from tests.factories_imports import NOW
from tests.test_imports_pages import _hidden, _upload

LINK = "https://www.tiktok.com/@me/video/{}"
HEADER = '"Time","Video title","Video link","Post time","Total likes","Total comments",'
HEADER += '"Total shares","Total views"\n'


def content(*videos: tuple[int, str, int, int]) -> str:
    """A TikTok Studio Content export of (id, title, likes, views)."""
    lines = [f'"February 28","{title}","{LINK.format(n)}?lang=en","July 16","{likes}","1","1",'
             f'"{views}"' for n, title, likes, views in videos]  # fmt: skip
    return HEADER + "\n".join(lines)


EXPORT = content((1, "Glow serum", 70, 900), (2, "Lip gloss", 3, 50), (3, "Body oil", 9, 400))


def _portfolio(session, owner_id: int) -> list[tuple[str, int, int]]:
    rows = session.scalars(owned(PortfolioVideo, owner_id).order_by(PortfolioVideo.url))
    return [(v.title, v.views, v.likes) for v in rows]


def test_the_preview_shows_updates_and_offers_new_videos_unticked(logged_in, session, user) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    page = _upload(logged_in, EXPORT).get_data(as_text=True)
    assert "1 portfolio video updated" in page
    assert "100 → 900" in page and "5 → 70" in page
    assert "2 videos not in your portfolio" in page
    boxes = [line for line in page.splitlines() if 'name="add_video"' in line]
    assert len(boxes) == 2 and not any("checked" in box for box in boxes)
    # Most viewed first.
    assert page.index("Body oil") < page.index("Lip gloss")
    assert _portfolio(session, user.id) == [("Glow serum", 100, 5)]


def test_importing_adds_only_the_ticked_videos_and_undo_takes_them_back(
    logged_in, session, user
) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    page = _upload(logged_in, EXPORT).get_data(as_text=True)
    form = _hidden(page) | {"add_video": ["https://www.tiktok.com/video/3"]}
    done = logged_in.post("/imports/commit", data=form, follow_redirects=True)
    assert "Imported export.csv" in done.get_data(as_text=True)
    assert _portfolio(session, user.id) == [("Glow serum", 900, 70), ("Body oil", 400, 9)]
    added = session.scalars(owned(PortfolioVideo, user.id).where(PortfolioVideo.views == 400))
    assert added.one().url == LINK.format(3)  # the link without its query
    record = session.scalars(owned(Import, user.id)).one()
    logged_in.post(f"/imports/{record.id}/undo", follow_redirects=True)
    assert _portfolio(session, user.id) == [("Glow serum", 100, 5)]


def test_the_cli_prints_the_counts_and_adds_videos_only_when_asked(
    runner, session, user, tmp_path
) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    path = tmp_path / "Content.csv"
    path.write_text(EXPORT)
    dry = runner.invoke(args=["import", str(path), "--user", user.email, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "1 portfolio video updated (views/likes before -> after):" in dry.output
    assert "Glow serum: 100 -> 900 views, 5 -> 70 likes" in dry.output
    assert "2 videos not in your portfolio: not added" in dry.output
    result = runner.invoke(
        args=["import", str(path), "--user", user.email, "--add-videos", "all", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert [v["title"] for v in payload["videos_new"]] == ["Body oil", "Lip gloss"]
    assert len(_portfolio(session, user.id)) == 3


SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "tiktok-studio"


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no real samples here")
def test_the_real_content_export_matches_a_portfolio_video_pasted_another_way(
    session, user
) -> None:
    path = next(SAMPLES.glob("*Content.csv"))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    first = rows[0]["Video link"].replace("https://www.", "m.") + "/?lang=en"
    make_video(session, user, url=first, views=1, likes=1)
    upload = Upload(path.name, path.read_bytes(), add_videos=ADD_ALL)
    record, found = committing.commit(session, user, upload, date(2026, 2, 28), NOW)
    assert [c.views[1] for c in found.videos.updated] == [int(rows[0]["Total views"])]
    assert len(found.videos.new) == len({row["Video link"] for row in rows}) - 1
    assert len(_portfolio(session, user.id)) == len({row["Video link"] for row in rows})
    assert record.entries_written == len(_portfolio(session, user.id))
