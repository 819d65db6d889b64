"""Demo brands (placeholder until the brands area is built)."""

from sqlalchemy.orm import Session

from crm.accounts.models import User


def populate(session: Session, user: User) -> bool:
    """Add demo brands for `user` unless there are some already; True if anything was added."""
    return False
