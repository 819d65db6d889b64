"""An upload kept between its preview and the creator's "Import": a file in the instance folder.

The preview page carries only the file's sha256; the commit opens the kept bytes again and
reads them afresh (never trusting what the browser sends back). Files sit under the owner's
id, so one creator's hash can't reach another's upload, and are removed once imported or
after a day.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
KEPT_SECONDS = 24 * 3600
_SHA = re.compile(r"[0-9a-f]{64}")


def folder(instance_path: str, owner_id: int) -> Path:
    return Path(instance_path) / "imports" / str(owner_id)


def keep(instance_path: str, owner_id: int, stream: BinaryIO) -> str:
    """Copy the upload in, hashing as it goes; its sha256, which names it."""
    where = folder(instance_path, owner_id)
    where.mkdir(parents=True, exist_ok=True)
    _sweep(where)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(dir=where, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        os.replace(temporary, where / sha)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return sha


def kept(instance_path: str, owner_id: int, sha: str) -> Path | None:
    """The kept upload named `sha`, or None (not a hash, gone, or never this creator's)."""
    if not _SHA.fullmatch(sha or ""):
        return None
    path = folder(instance_path, owner_id) / sha
    return path if path.is_file() else None


def drop(instance_path: str, owner_id: int, sha: str) -> None:
    """Remove a kept upload once it is imported."""
    path = kept(instance_path, owner_id, sha)
    if path is not None:
        path.unlink(missing_ok=True)


def _sweep(where: Path) -> None:
    """Remove this creator's uploads older than a day (previewed, never imported)."""
    cutoff = time.time() - KEPT_SECONDS
    for path in where.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue
