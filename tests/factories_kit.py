"""Factories for the media kit: a kit saved through the real settings service."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.kit import services
from crm.kit.models import MediaKit

_counter = itertools.count(1)


def make_kit(session: Session, owner: User, **overrides: Any) -> MediaKit:
    """An enabled kit at a fresh slug (overrides: any KitSettings field), committed."""
    values: dict[str, Any] = {
        "enabled": True,
        "slug": f"creator-{owner.id}-{next(_counter)}",
        "bio": "I make cosy home videos.",
    }
    values.update(overrides)
    kit = services.save_settings(session, owner.id, services.KitSettings(**values))
    session.commit()
    return kit
