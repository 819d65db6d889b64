"""Where things live: the data folders next to the package, and a local install's own data."""

from __future__ import annotations

import shutil
from pathlib import Path

import platformdirs
from flask.sansio.scaffold import find_package

_PACKAGE = Path(__file__).resolve().parent
APP_NAME = "creator-crm"
# What a local install keeps: the SQLite file with its WAL files, and the session key.
DATABASE_FILE = "crm.sqlite3"
LOCAL_FILES = (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", "secret_key")


def data_dir(name: str) -> Path:
    """Return the folder `name` (templates, migrations, seed) for this install."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise RuntimeError(f"Creator CRM is missing its {name!r} folder; reinstall the package.")


def user_data_dir() -> Path:
    """The user's own data folder (e.g. ~/.local/share/creator-crm): it outlives any venv."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def old_instance_dir() -> Path:
    """Flask's default instance folder, where earlier versions kept the data (in the venv)."""
    prefix, package_path = find_package("crm")
    if prefix is None:
        return Path(package_path) / "instance"
    return Path(prefix) / "var" / "crm-instance"


def move_old_data(old: Path, new: Path) -> list[str]:
    """Move a database (and its key) from `old` to `new` when `new` has none; the names moved."""
    if (new / DATABASE_FILE).exists() or not (old / DATABASE_FILE).is_file():
        return []
    new.mkdir(parents=True, exist_ok=True)
    moved = []
    # The WAL files travel with the database or SQLite would lose what they hold.
    for name in LOCAL_FILES:
        source, target = old / name, new / name
        if source.is_file() and not target.exists():
            shutil.move(source, target)
            moved.append(name)
    return moved
