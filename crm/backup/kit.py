"""A restored media kit: its bio, prices, hidden blocks and choices come back, turned off.

Publishing is the creator's choice on this server, and the address is unique across it:
the slug is kept when it is free here, else the first free variant ("maya-2") is taken.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crm.backup.values import BackupError
from crm.kit import services

TABLE = "media_kits"


def restored_kit(session: Session, owner_id: int, params: dict[str, Any]) -> str:
    """Turn the row to insert (`params`) off and give it a free slug; the sentence to tell."""
    params["enabled"] = False
    hidden = (params.get("hidden_blocks") or "").split(",")
    params["hidden_blocks"] = ",".join(key for key in hidden if key in services.BLOCK_KEYS)
    slug = params.get("slug")
    settings = "turn it on in the media kit settings when you want brands to see it"
    if not slug:
        return f"Your media kit is restored, turned off and without an address: {settings}."
    if services.slug_problem(slug) is not None:
        params["slug"] = None
        return (
            f"Your media kit is restored, turned off; its address “{slug}” can't be used "
            f"here: choose one and {settings}."
        )
    try:
        free = services.free_slug(session, slug, owner_id)
    except services.KitError as error:
        raise BackupError(f"The media kit's address: {error.message}") from None
    params["slug"] = free
    if free == slug:
        return f"Your media kit is restored at the address “{slug}”, turned off: {settings}."
    return (
        f"Your media kit is restored, turned off: “{slug}” belongs to another creator on "
        f"this server, so its address here is “{free}”. Change it and {settings}."
    )
