"""Pages speak to a creator: no setting names or environment variables on any page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# What a server operator reads, never a creator: setting names and how to set them.
OPERATOR_WORDS = re.compile(r"CRM_|environment variable|\benv var|\$[A-Z_]{4,}\b")
PAGES = sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.glob("emails/*.txt"))


def test_the_sweep_sees_every_template() -> None:
    assert len(PAGES) > 30
    assert TEMPLATES / "emails" / "pages" / "editor.html" in PAGES


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_creator_facing_template_names_a_setting(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in OPERATOR_WORDS.finditer(text)]
    assert not found, f"{path.name} tells a creator about server settings: {found}"
