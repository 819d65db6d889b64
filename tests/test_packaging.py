"""A wheel from `pip install .` carries templates, migrations, seed data and static files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("creator_crm-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_carries_every_data_folder(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    for required in (
        "crm/_data/templates/base.html",
        "crm/_data/migrations/env.py",
        "crm/_data/migrations/script.py.mako",
        "crm/_data/seed/market.toml",
        "crm/static/style.css",
        "crm/static/app.js",
    ):
        assert required in names, required
    templates = {n for n in names if n.startswith("crm/_data/templates/")}
    assert len(templates) == len([p for p in (ROOT / "templates").rglob("*") if p.is_file()])
    migrations = {n for n in names if n.startswith("crm/_data/migrations/versions/")}
    assert len(migrations) == len(list((ROOT / "migrations" / "versions").glob("*.py")))


def test_the_wheel_declares_the_crm_command(wheel: zipfile.ZipFile) -> None:
    (entry_points,) = [n for n in wheel.namelist() if n.endswith("entry_points.txt")]
    assert "crm = crm.cli:main" in wheel.read(entry_points).decode()
