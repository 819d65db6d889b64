"""A Content export and the portfolio: matched videos updated, picked ones added, undo restores."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.imports import committing, services
from crm.imports.models import ImportReplaced
from crm.imports.videos import ADD_ALL, NEW_SHOWN
from crm.ownership import owned
from crm.stats import services as stats
from crm.stats.models import PortfolioVideo
from crm.stats.services import VideoData
from tests.factories import make_video
from tests.factories_imports import NOW, TODAY, fake_files, upload

pytestmark = pytest.mark.usefixtures("fake_files")
assert fake_files  # the fixture, imported for usefixtures

LINK = "https://www.tiktok.com/@me/video/{}"


def _portfolio(session, owner_id: int) -> list[tuple[str, str, int, int, str]]:
    rows = session.scalars(owned(PortfolioVideo, owner_id).order_by(PortfolioVideo.url))
    return [(v.url, v.title, v.views, v.likes, v.product_category) for v in rows]


def _commit(session, user, *lines: str, add=frozenset()):
    record, found = committing.commit(
        session, user, upload("tiktok", *lines, add_videos=add), TODAY, NOW
    )
    session.commit()
    return record, found


def test_preview_lists_matched_videos_before_and_after_and_offers_the_others(session, user) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    make_video(session, user, url=LINK.format(2), views=70, likes=3)
    found = services.preview(
        session,
        user,
        upload(
            "tiktok",
            # The same video, pasted from the phone site with a tracking query.
            "V,https://m.tiktok.com/@me/video/1/?lang=en,Glow serum,900,",
            "V,tiktok.com/@me/video/2,Same,70,3",
            "V,https://www.tiktok.com/@me/video/3,New one,50,2",
            "V,https://www.tiktok.com/@me/video/4,Big one,5000,200",
        ),
        TODAY,
    )
    plan = found.videos
    # Likes unknown in the export: kept, never lowered to unknown.
    assert [(c.title, c.views, c.likes) for c in plan.updated] == [
        ("Glow serum", (100, 900), (5, 5))
    ]
    assert plan.unchanged == 1
    assert [(v.title, v.views) for v in plan.new] == [("Big one", 5000), ("New one", 50)]
    assert _portfolio(session, user.id)[0][2] == 100  # nothing written


def test_commit_updates_matches_and_adds_only_the_picked_videos(session, user) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    record, _ = _commit(
        session,
        user,
        "V,https://www.tiktok.com/@me/video/1?x=1,Glow serum,900,60",
        "V,https://www.tiktok.com/@me/video/3,  New   one ,50,2",
        "V,https://www.tiktok.com/@me/video/4,,5000,",
        add=frozenset({"https://www.tiktok.com/video/3", "https://www.tiktok.com/video/404"}),
    )
    assert _portfolio(session, user.id) == [
        (LINK.format(1), "Glow serum", 900, 60, "home"),
        (LINK.format(3), "New one", 50, 2, "other"),
    ]
    assert (record.entries_written, record.entries_replaced) == (2, 1)


def test_add_all_adds_every_new_video_with_a_title(session, user) -> None:
    _commit(session, user, "V,https://www.tiktok.com/@me/video/4,,5000,", add=ADD_ALL)
    assert _portfolio(session, user.id) == [(LINK.format(4), "TikTok video", 5000, 0, "other")]


def test_the_same_bytes_again_change_nothing(session, user) -> None:
    make_video(session, user, url=LINK.format(1), views=100, likes=5)
    lines = ("V,https://www.tiktok.com/@me/video/1,T,900,60", "V,https://x.test/v/2,N,5,1")
    first, _ = _commit(session, user, *lines, add=ADD_ALL)
    again, found = _commit(session, user, *lines, add=ADD_ALL)
    assert again.id == first.id and found.already is not None
    assert [v[2:4] for v in _portfolio(session, user.id)] == [(900, 60), (5, 1)]


def test_undo_puts_the_figures_back_and_removes_the_added_videos(session, user) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    before = _portfolio(session, user.id)
    record, _ = _commit(
        session,
        user,
        "V,https://www.tiktok.com/@me/video/1,Glow serum,900,60",
        "V,https://www.tiktok.com/@me/video/3,New one,50,2",
        add=ADD_ALL,
    )
    undone = committing.undo(session, user, record.id, NOW)
    session.commit()
    assert _portfolio(session, user.id) == before
    assert undone.videos_kept == 0
    video = session.scalars(owned(PortfolioVideo, user.id)).one()
    assert video.import_id is None


def test_undo_keeps_the_videos_the_creator_edited_since_and_says_so(session, user) -> None:
    make_video(session, user, url=LINK.format(1), title="Glow serum", views=100, likes=5)
    record, _ = _commit(
        session,
        user,
        "V,https://www.tiktok.com/@me/video/1,Glow serum,900,60",
        "V,https://www.tiktok.com/@me/video/3,New one,50,2",
        "V,https://www.tiktok.com/@me/video/4,Other,40,2",
        add=ADD_ALL,
    )
    by_url = {v.url: v for v in session.scalars(owned(PortfolioVideo, user.id))}
    stats.save_video(session, user.id, by_url[LINK.format(3)],
                     VideoData(LINK.format(3), "New one", "beauty", 50, 2))  # fmt: skip
    stats.save_video(session, user.id, by_url[LINK.format(1)],
                     VideoData(LINK.format(1), "Glow serum", "home", 950, 60))  # fmt: skip
    # Saved unchanged: not an edit, so undo may still take it back.
    stats.save_video(session, user.id, by_url[LINK.format(4)],
                     VideoData(LINK.format(4), "Other", "other", 40, 2))  # fmt: skip
    session.commit()
    undone = committing.undo(session, user, record.id, NOW)
    session.commit()
    assert undone.videos_kept == 2
    assert _portfolio(session, user.id) == [
        (LINK.format(1), "Glow serum", 950, 60, "home"),
        (LINK.format(3), "New one", 50, 2, "beauty"),
    ]


def test_imports_of_the_same_videos_undo_in_either_order(session, user) -> None:
    make_video(session, user, url=LINK.format(1), views=100, likes=5)
    first, _ = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,900,60")
    second, _ = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,1000,70")
    savepoint = session.begin_nested()
    committing.undo(session, user, first.id, NOW)
    # The later import's figures stay; undoing it then gives back those before both.
    assert _portfolio(session, user.id)[0][2:4] == (1000, 70)
    committing.undo(session, user, second.id, NOW)
    assert _portfolio(session, user.id)[0][2:4] == (100, 5)
    savepoint.rollback()
    committing.undo(session, user, second.id, NOW)
    assert _portfolio(session, user.id)[0][2:4] == (900, 60)
    committing.undo(session, user, first.id, NOW)
    assert _portfolio(session, user.id)[0][2:4] == (100, 5)


def test_a_video_an_older_import_added_goes_with_the_newer_ones_undo(session, user) -> None:
    first, _ = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,900,60",
                       add=ADD_ALL)  # fmt: skip
    second, _ = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,1000,70")
    committing.undo(session, user, first.id, NOW)
    assert _portfolio(session, user.id)[0][2:4] == (1000, 70)
    committing.undo(session, user, second.id, NOW)
    assert _portfolio(session, user.id) == []


def test_another_creators_portfolio_is_never_matched(session, user, other_user) -> None:
    make_video(session, other_user, url=LINK.format(1), views=100, likes=5)
    _, found = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,900,60")
    assert found.videos.updated == [] and len(found.videos.new) == 1
    assert _portfolio(session, other_user.id)[0][2] == 100


def test_a_preview_offers_the_most_viewed_and_counts_the_rest(session, user) -> None:
    lines = [f"V,https://www.tiktok.com/@me/video/{n},V{n},{n},1" for n in range(1, 61)]
    plan = services.preview(session, user, upload("tiktok", *lines), TODAY).videos
    assert len(plan.new_shown) == NEW_SHOWN and plan.new_more == 10
    assert plan.new_shown[0].views == 60


def test_videos_are_remembered_for_undo_in_import_replaced(session, user) -> None:
    make_video(session, user, url=LINK.format(1), views=100, likes=5)
    record, _ = _commit(session, user, "V,https://www.tiktok.com/@me/video/1,T,900,60")
    kinds = session.scalars(
        select(ImportReplaced.kind).where(ImportReplaced.import_id == record.id)
    ).all()
    assert kinds == ["video"]


def test_a_newer_import_with_the_same_figures_keeps_a_video_the_older_one_added(
    session, user
) -> None:
    """As with days of stats: the newer import covers the video, so the older one's undo
    leaves it; undoing both removes it."""
    line = "V,https://www.tiktok.com/@me/video/1,T,900,60"
    first, _ = _commit(session, user, line, add=ADD_ALL)
    second, _ = _commit(session, user, line, "V,https://www.tiktok.com/@me/video/2,U,5,1")
    savepoint = session.begin_nested()
    committing.undo(session, user, first.id, NOW)
    assert [row[2:4] for row in _portfolio(session, user.id)] == [(900, 60)]
    committing.undo(session, user, second.id, NOW)
    assert _portfolio(session, user.id) == []
    savepoint.rollback()
    committing.undo(session, user, second.id, NOW)
    assert [row[2:4] for row in _portfolio(session, user.id)] == [(900, 60)]
    committing.undo(session, user, first.id, NOW)
    assert _portfolio(session, user.id) == []
