"""Approval links (a brand's secret link to approve a draft) and the brand's answers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.database import Base, UTCDateTime, str_enum, utcnow
from crm.deals.models import Deal, Deliverable
from crm.ownership import Owned


class ApprovalLink(Owned, Base):
    """A secret link for one deliverable, or (deliverable_id NULL) every open one of a deal.

    Only the SHA-256 of its token is kept: the link is shown once, when made. It stops
    working at expires_at, or once revoked; regenerating replaces the hash (the old link
    then answers 404).
    """

    __tablename__ = "approval_links"
    __table_args__ = (
        # A deal's links on its approval page, newest first.
        Index("ix_approval_links_deal", "deal_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    deliverable_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliverables.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The brand's last approve or revision through it (a GET changes nothing).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    deal: Mapped[Deal] = relationship()
    deliverable: Mapped[Deliverable | None] = relationship()

    def is_live(self, now: datetime) -> bool:
        """Not revoked and not expired at `now`."""
        return self.revoked_at is None and now < self.expires_at


class AnswerKind(enum.StrEnum):
    APPROVED = "approved"
    REVISION = "revision"

    @property
    def label(self) -> str:
        return {"approved": "Approved", "revision": "Revision requested"}[self.value]


class ApprovalAnswer(Owned, Base):
    """What a brand did through a link; unseen (seen_at NULL) until the creator reads it."""

    __tablename__ = "approval_answers"
    __table_args__ = (
        # The creator's unread count and their answers, newest first.
        Index("ix_approval_answers_owner_seen", "owner_id", "seen_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"), index=True)
    deliverable_id: Mapped[int] = mapped_column(
        ForeignKey("deliverables.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AnswerKind] = mapped_column(str_enum(AnswerKind, "approval_answer_kind"))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    deal: Mapped[Deal] = relationship()
    deliverable: Mapped[Deliverable] = relationship()
