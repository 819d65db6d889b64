"""A browser journey that cannot run skips on a laptop and fails in CI."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import skip_or_fail


def test_a_missing_browser_fails_the_run_in_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run in CI: no Chromium"):
        skip_or_fail("no Chromium binary")


def test_a_missing_browser_only_skips_outside_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        skip_or_fail("no Chromium binary")
