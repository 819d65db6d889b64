"""Demo inquiries: two brands asked through the demo's media kit, one still unread."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from crm import database
from crm.accounts.models import User
from crm.inquiries import services
from crm.inquiries.models import Inquiry, InquiryKind
from crm.ownership import owned

INQUIRIES = (
    services.InquiryData(
        name="Priya Shah",
        email="priya@nookandnest.co",
        company="Nook & Nest",
        website="nookandnest.co",
        kind=InquiryKind.PACKAGE,
        deliverables="3 UGC videos, 20-30 s, raw footage included",
        dates="Live in the first two weeks of next month",
        budget_cents=900_00,
        message=(
            "Hi Maya! We make stackable storage for small flats and loved your 40 m² series. "
            "Could you do three videos for our spring launch? Happy to send samples."
        ),
    ),
    services.InquiryData(
        name="Tom Reed",
        email="tom.reed@gmail.com",
        company="Lumen Candle Co",
        kind=InquiryKind.UGC_VIDEO,
        deliverables="1 video for paid ads",
        budget_cents=None,
        message="What would one video with 3 months of ad use cost?",
    ),
)


def populate(session: Session, user: User) -> bool:
    """File the demo's inquiries once; the older one is read."""
    if session.scalar(owned(Inquiry, user.id, func.count())):
        return False
    now = database.utcnow()
    older, newer = now - timedelta(days=2), now - timedelta(hours=5)
    first = services.receive(session, user, INQUIRIES[0], older)
    first.seen_at = older + timedelta(hours=1)
    services.receive(session, user, INQUIRIES[1], newer)
    session.flush()
    return True
