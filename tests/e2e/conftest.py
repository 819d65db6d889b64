"""Browser tests: the real app on a local port, driven by Playwright in headless Chromium.

They skip when Playwright or a Chromium binary is missing (Debian: apt-get install chromium;
Playwright's own browser download is not used), except in CI (the CI environment variable
set): there a missing browser fails the run, since a skipped journey proves nothing. The
server has its own SQLite file, built by the same first-start migration a laptop install runs,
with the demo account in it.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm import create_app
from crm.database import db_session
from crm.demo import DEMO_EMAIL, DEMO_PASSWORD, ensure_demo_account

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return (
        os.environ.get("CRM_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def skip_or_fail(reason: str) -> None:
    """Skip a browser test on a laptop; fail it in CI, where the browser must be there."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{Path(instance) / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-secret-key",
            "PASSWORD_HASH_PROFILE": "fast",
            "REDIS_URL": "",
            "SMTP_URL": "",
        }
    )
    with app.app_context():
        ensure_demo_account(db_session(), "fast")
        db_session().commit()
    return app


@pytest.fixture(scope="session")
def base_url(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail("Playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    if executable is None:
        skip_or_fail("no Chromium binary (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    """A logged-in desktop page that fails the test on any console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "/login")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/dashboard")
    yield page
    page.wait_for_load_state("networkidle")
    context.close()
    assert not errors, errors


@pytest.fixture(scope="session")
def signed_in(browser, base_url) -> dict:
    """The demo creator's cookies, logged in once for the whole run."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "/login")
    page.fill("input[name=email]", DEMO_EMAIL)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/dashboard")
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def open_page(browser, signed_in):
    """Open pages at a given width (JavaScript optional), logged in as the demo creator unless
    another's `storage_state` is given (None: logged out); console errors fail the test."""
    contexts = []
    errors: list[str] = []

    def open_at(width: int, *, javascript: bool = True, storage_state: dict | str | None = "demo"):
        height = 900 if width >= 760 else 844
        context = browser.new_context(
            viewport={"width": width, "height": height},
            storage_state=signed_in if storage_state == "demo" else storage_state,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield open_at
    for context in contexts:
        context.close()
    assert not errors, errors
