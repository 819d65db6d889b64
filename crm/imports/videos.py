"""Portfolio videos from a Content export: matched by link, updated, offered, put back by undo.

A video of the export whose link's key (crm.links.video_key) is a portfolio video's updates its
views and likes; the others are offered as new portfolio videos, and only those the creator
picks are added. What an update overwrote is kept in import_replaced (kind "video", the row's
id with it, since undo puts the figures back in place); a video the import added is noted
there too (`{"added": true}`), so undo knows which videos were its own. Editing a video on the
portfolio page clears its import_id (crm.stats.services.save_video): undo leaves it as edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from crm import links
from crm.imports import keeping
from crm.imports.models import ImportReplaced
from crm.imports.rows import VideoStats
from crm.links import video_key
from crm.ownership import owned
from crm.stats.models import PortfolioVideo
from crm.stats.services import COUNT_MAX, TITLE_MAX, URL_MAX

ADD_ALL: Literal["all"] = "all"
AddVideos = frozenset[str] | Literal["all"]  # the keys of the new videos to add, or all
NEW_SHOWN = 50  # the new videos a preview offers one by one (most viewed first)
KIND = "video"
CATEGORY = "other"  # the creator picks the product category afterwards, on the portfolio page


@dataclass(frozen=True, slots=True)
class VideoChange:
    """A portfolio video the export updates: its figures before and after."""

    video_id: int
    title: str
    url: str
    views: tuple[int, int]
    likes: tuple[int, int]
    import_id: int | None  # the import that had written it last


@dataclass(frozen=True, slots=True)
class NewVideo:
    """A video of the export that is not in the portfolio, as it would be added."""

    key: str
    url: str
    title: str
    views: int | None
    likes: int | None


@dataclass
class VideoPlan:
    """What committing the export does to the portfolio."""

    updated: list[VideoChange] = field(default_factory=list)
    unchanged: int = 0  # in the portfolio with the export's figures already
    # Of those, the ones an earlier import wrote: this one takes them over (same figures), so
    # undoing the earlier import leaves them to this one, as days of stats are left.
    taken: list[VideoChange] = field(default_factory=list)
    new: list[NewVideo] = field(default_factory=list)  # most viewed first

    @property
    def new_shown(self) -> list[NewVideo]:
        return self.new[:NEW_SHOWN]

    @property
    def new_more(self) -> int:
        """The new videos past those offered one by one."""
        return max(0, len(self.new) - NEW_SHOWN)

    def picked(self, add: AddVideos) -> list[NewVideo]:
        """The new videos `add` names (keys of any other video are ignored)."""
        return list(self.new) if add == ADD_ALL else [v for v in self.new if v.key in add]


def _count(value: int | None) -> int | None:
    """A figure the portfolio can keep: a number past its limit is no figure."""
    return value if value is None or 0 <= value <= COUNT_MAX else None


def _title(stats: VideoStats) -> str:
    title = " ".join(stats.title.split())
    if not title:
        title = f"Video posted {stats.posted_on.isoformat()}" if stats.posted_on else "TikTok video"
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def plan_videos(session: Session, owner_id: int, found: Mapping[str, VideoStats]) -> VideoPlan:
    """Match the export's videos (by key) to the portfolio; writes nothing."""
    result = VideoPlan()
    if not found:
        return result
    table = PortfolioVideo.__table__
    mine = session.execute(
        select(table.c.id, table.c.url, table.c.title, table.c.views, table.c.likes,
               table.c.import_id).where(table.c.owner_id == owner_id).order_by(table.c.id)
    ).all()  # fmt: skip
    by_key: dict[str, list[Any]] = {}
    for row in mine:
        by_key.setdefault(video_key(row.url), []).append(row)
    for key, stats in found.items():
        views, likes = _count(stats.views), _count(stats.likes)
        for row in by_key.get(key, []):
            after = (row.views if views is None else views, row.likes if likes is None else likes)
            change = VideoChange(row.id, row.title, row.url, (row.views, after[0]),
                                 (row.likes, after[1]), row.import_id)  # fmt: skip
            if after != (row.views, row.likes):
                result.updated.append(change)
                continue
            result.unchanged += 1
            if row.import_id is not None:
                result.taken.append(change)
        link = links.plain_link(stats.url)
        if key not in by_key and len(link) <= URL_MAX and links.link_problem(link) is None:
            result.new.append(NewVideo(key, link, _title(stats), views, likes))
    result.updated.sort(key=lambda change: (-change.views[1], change.video_id))
    result.new.sort(key=lambda video: (-(video.views or 0), video.key))
    return result


def write_videos(
    session: Session, owner_id: int, import_id: int, found: VideoPlan, add: AddVideos,
    now: datetime,
) -> tuple[int, int]:  # fmt: skip
    """Update the matched videos (and take over those an earlier import wrote with the same
    figures) and add the picked new ones; (written, replaced)."""
    changed = [*found.updated, *found.taken]
    kept = [
        {"video_id": c.video_id, "views": c.views[0], "likes": c.likes[0], "import_id": c.import_id}
        for c in changed
    ]
    replaced = keeping.remember(session, owner_id, import_id, KIND, kept)
    if changed:
        session.execute(
            update(PortfolioVideo),
            [
                {"id": c.video_id, "views": c.views[1], "likes": c.likes[1], "import_id": import_id}
                for c in changed
            ],
        )
    added = [
        PortfolioVideo(
            owner_id=owner_id,
            url=v.url,
            title=v.title,
            product_category=CATEGORY,
            views=v.views or 0,
            likes=v.likes or 0,
            created_at=now,
            import_id=import_id,
        )
        for v in found.picked(add)
    ]
    session.add_all(added)
    session.flush()
    notes = [{"video_id": v.id, "added": True, "import_id": None} for v in added]
    keeping.remember(session, owner_id, import_id, KIND, notes)
    return len(found.updated) + len(added), replaced - len(found.taken)


def unwrite_videos(session: Session, owner_id: int, import_id: int) -> int:
    """Put back the figures import `import_id` overwrote, delete the videos it added; the
    number of its videos the creator edited since (left as they are)."""
    noted = session.scalars(
        owned(ImportReplaced, owner_id, ImportReplaced.row).where(
            ImportReplaced.import_id == import_id, ImportReplaced.kind == KIND
        )
    ).all()
    before = {row["video_id"]: row for row in noted if not row.get("added")}
    table = PortfolioVideo.__table__
    still = session.execute(
        select(table.c.id, table.c.import_id).where(
            table.c.owner_id == owner_id,
            table.c.id.in_([row["video_id"] for row in noted]) | (table.c.import_id == import_id),
        )
    ).all()
    mine = [id_ for id_, writer in still if writer == import_id]
    _hand_over(
        session, owner_id, import_id, {id_: w for id_, w in still if w not in (import_id, None)}
    )
    back = [
        {"id": id_, **{name: before[id_][name] for name in ("views", "likes", "import_id")}}
        for id_ in mine
        if id_ in before
    ]
    if back:
        session.execute(update(PortfolioVideo), back)
    gone = [id_ for id_ in mine if id_ not in before]
    if gone:
        session.execute(delete(table).where(table.c.id.in_(gone)))
    return len(still) - len(mine)


def _hand_over(session: Session, owner_id: int, import_id: int, later: dict[int, int]) -> None:
    """Videos a later import updated since: what this import noted of them (their figures
    before it, or that it added them) becomes the later import's note, in place of the
    figures this one gave, so undoing the later import puts back what was before both."""
    if not later:
        return
    notes = session.execute(
        owned(ImportReplaced, owner_id, ImportReplaced.id, ImportReplaced.import_id,
              ImportReplaced.row)
        .where(ImportReplaced.kind == KIND,
               ImportReplaced.import_id.in_({import_id, *later.values()}))
    ).all()  # fmt: skip
    theirs = [id_ for id_, by, row in notes if by != import_id and later.get(row["video_id"]) == by]
    moved = [
        {"id": id_, "import_id": later[row["video_id"]]}
        for id_, by, row in notes
        if by == import_id and row["video_id"] in later
    ]
    if theirs:
        session.execute(delete(ImportReplaced).where(ImportReplaced.id.in_(theirs)))
    if moved:
        session.execute(update(ImportReplaced), moved)


def videos_kept_text(count: int) -> str:
    """What undo says of the videos the creator edited since the import: they stay."""
    if not count:
        return ""
    if count == 1:
        return " 1 portfolio video you edited since the import stays as you left it."
    return f" {count} portfolio videos you edited since the import stay as you left them."
