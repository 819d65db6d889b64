"""Demo pitches (placeholder until the pitches area is built)."""

from sqlalchemy.orm import Session

from crm.accounts.models import User


def populate(session: Session, user: User) -> bool:
    """Add demo pitches for `user` unless there are some already; True if anything was added."""
    return False
