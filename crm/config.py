"""Configuration: defaults, then CRM_* environment variables, then a test's dict."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Empty means: a SQLite file in the instance folder (local install).
    "DATABASE_URL": "",
    "SECRET_KEY": "",
    # Redis for the login throttle when several hosts share it; database otherwise.
    "REDIS_URL": "",
    "SMTP_URL": "",
    "SMTP_TIMEOUT": 10,
    # Migrate a new SQLite file on first start (the laptop case).
    "AUTO_MIGRATE": True,
    "SESSION_LIFETIME_HOURS": 24 * 14,
    # Attempts inside the window (counted before the check). The pair limit locks an
    # account only for the address guessing at it; the account limit is the backstop
    # against guesses spread over many addresses (a password reset clears it).
    "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 5,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 100,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "REGISTER_MAX_PER_ADDRESS": 10,
    # Sign-ups naming one email: with mail on, each one mails that address.
    "REGISTER_MAX_PER_ACCOUNT": 3,
    "RESET_MAX_PER_ADDRESS": 10,
    "RESET_MAX_PER_ACCOUNT": 3,
    # Inquiries through a media kit inside the throttle window: from one address, and to one
    # kit from anywhere (a flood of fake leads stops there; the honeypot catches most bots).
    "INQUIRY_MAX_PER_ADDRESS": 5,
    "INQUIRY_MAX_PER_KIT": 50,
    # Inquiry confirmations mailed to one email address a day (past it the inquiry is still
    # filed, unconfirmed): the form takes any address, so it must not relay mail to it.
    "INQUIRY_MAX_PER_EMAIL": 3,
    # Answers (approve, revision) through one approval link inside the throttle window.
    "APPROVAL_POSTS_MAX_PER_LINK": 30,
    # A media kit address its creator gave up stays theirs this long: links in their earlier
    # pitch emails must not open someone else's kit (meanwhile it answers "Page not found").
    "KIT_SLUG_HOLD_DAYS": 90,
    # Log out a browser after this long without a request (beside the absolute lifetime).
    "SESSION_IDLE_HOURS": 24 * 7,
    # Where this server is reached, e.g. https://crm.example.com: used for links in emails.
    "BASE_URL": "",
    "LOGIN_THROTTLE_WINDOW_SECONDS": 15 * 60,
    # Number of reverse proxies in front of the app whose X-Forwarded-* to trust.
    "PROXY_COUNT": 0,
    # Argon2id cost: "owasp" in production; tests may pick "fast".
    "PASSWORD_HASH_PROFILE": "owasp",
    # Password hashes one worker process runs at once (64 MiB each); a login past them
    # waits this long for a turn, then is asked to try again in a moment.
    "PASSWORD_HASHES_AT_ONCE": 2,
    "PASSWORD_HASH_WAIT_SECONDS": 5,
    "MAX_UPLOAD_BYTES": 2 * 1024 * 1024,
    # Imports (crm/imports/limits.py says why each is what it is). An import's upload may be
    # bigger than MAX_UPLOAD_BYTES: a year of affiliate orders, a 100 MB CSV.
    "IMPORT_MAX_UPLOAD_BYTES": 100 * 1024 * 1024,
    "IMPORT_MAX_ZIP_MEMBERS": 50,
    "IMPORT_MAX_WORKBOOK_PARTS": 200,
    "IMPORT_MAX_UNPACKED_BYTES": 200 * 1024 * 1024,
    "IMPORT_MAX_COMPRESSION_RATIO": 200,
    "IMPORT_MAX_SHARED_STRINGS_BYTES": 64 * 1024 * 1024,
    "IMPORT_MAX_LINE_CHARS": 128 * 1024,
    "IMPORT_MAX_COLUMNS": 200,
    # A backup of a whole account (the restore upload): larger than any other upload.
    "BACKUP_MAX_BYTES": 64 * 1024 * 1024,
    # Market facts file; empty means the reviewed seed/market.toml that ships with the app.
    "SEED_PATH": "",
    "PAGE_SIZE": 25,
    # Cards per column on the pipeline board; the rest are a link away in the pitch list.
    "BOARD_CARDS_PER_COLUMN": 30,
    # PostgreSQL: give up on an unreachable or stuck database instead of hanging (0: no limit).
    "DATABASE_CONNECT_TIMEOUT": 5,
    "DATABASE_STATEMENT_TIMEOUT_MS": 15_000,
    "DATABASE_POOL_TIMEOUT": 10,
    # A creator's email template renders in a separate process stopped after this long,
    # with this much memory on top of the render process itself.
    "EMAIL_TEMPLATE_TIMEOUT_SECONDS": 2,
    "EMAIL_TEMPLATE_MEMORY_MB": 256,
    # Renders of creators' templates one worker process runs at once; more are refused.
    "EMAIL_TEMPLATE_RENDERS_AT_ONCE": 2,
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says which setting."""


def _coerce(key: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ConfigError(f"CRM_{key} must be true or false, not {raw!r}.")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"CRM_{key} must be a whole number, not {raw!r}.") from None
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read every CRM_<KEY> for a known key, typed like its default."""
    found: dict[str, Any] = {}
    for key, default in DEFAULTS.items():
        raw = environ.get(f"CRM_{key}")
        if raw is not None:
            found[key] = _coerce(key, raw, default)
    return found


def build(instance_path: Path, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge defaults, environment and overrides, and fill in the local-install values."""
    config = dict(DEFAULTS)
    config.update(from_environment(os.environ))
    config.update(overrides or {})
    local = not config["DATABASE_URL"]
    if local:
        config["DATABASE_URL"] = f"sqlite:///{instance_path / 'crm.sqlite3'}"
    if not config["SECRET_KEY"]:
        if not local:
            raise ConfigError(
                "CRM_SECRET_KEY is required when CRM_DATABASE_URL is set; "
                'generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
            )
        config["SECRET_KEY"] = _local_secret_key(instance_path)
    _check_base_url(config, local)
    return config


def local_database_file(config: Mapping[str, Any]) -> Path | None:
    """The SQLite file the app keeps its data in, or None for a database server."""
    from sqlalchemy.engine import make_url

    url = make_url(config["DATABASE_URL"])
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).resolve()


def _check_base_url(config: dict[str, Any], local: bool) -> None:
    """Emailed links on a hosted install must not come from the request's Host header."""
    base = config["BASE_URL"].strip()
    if base and not base.startswith(("http://", "https://")):
        raise ConfigError(f"CRM_BASE_URL must start with https:// or http://, not {base!r}.")
    config["BASE_URL"] = base.rstrip("/")
    if config["SMTP_URL"] and not local and not base:
        raise ConfigError(
            "CRM_BASE_URL is required when CRM_SMTP_URL and CRM_DATABASE_URL are set: "
            "links in emails (sign-up, password reset) must point at this server, "
            "e.g. CRM_BASE_URL=https://crm.example.com"
        )


def _local_secret_key(instance_path: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
