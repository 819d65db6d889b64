"""Factories for inquiries: filed through the real service, committed."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.database import utcnow
from crm.inquiries import services
from crm.inquiries.models import Inquiry, InquiryKind

_counter = itertools.count(1)


def make_inquiry(
    session: Session, owner: User, now: datetime | None = None, **overrides: Any
) -> Inquiry:
    """An inquiry from a fresh brand (overrides: any InquiryData field)."""
    number = next(_counter)
    values: dict[str, Any] = {
        "name": f"Jo {number}",
        "email": f"jo@brand-{number}.example.com",
        "company": f"Inquiring Brand {number}",
        "kind": InquiryKind.UGC_VIDEO,
        "message": "We'd love two videos.",
    }
    values.update(overrides)
    inquiry = services.receive(session, owner, services.InquiryData(**values), now or utcnow())
    session.commit()
    return inquiry
