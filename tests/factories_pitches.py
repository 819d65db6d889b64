"""Factories for the pitches area; ID_FACTORIES joins tests/factories.ID_FACTORIES."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from crm.accounts.models import User

ID_FACTORIES: dict[str, Callable[[Session, User], Any]] = {}
