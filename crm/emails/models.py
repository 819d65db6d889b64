"""A creator's own version of an email template (subject and body), one per email kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from crm.database import Base, UTCDateTime, utcnow
from crm.ownership import Owned


class PitchEmailTemplate(Owned, Base):
    """The creator's template for one email kind; no row means the built-in default."""

    __tablename__ = "pitch_email_templates"
    __table_args__ = (UniqueConstraint("owner_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # An EmailKind value (crm.emails.kinds): ugc_pitch, first_followup, ...
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    # True when migration 0008 couldn't carry the template over from the old template
    # language: the text is kept as the creator wrote it, and the built-in template is
    # used until they save a new version.
    old_syntax: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
