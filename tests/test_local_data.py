"""A local install keeps its data in the user's data folder, not inside the virtual environment."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from click.testing import CliRunner
from flask import Flask

from crm import create_app, paths
from crm.cli import main

OLD_FILES = {"crm.sqlite3": b"db", "crm.sqlite3-wal": b"wal", "crm.sqlite3-shm": b"shm",
             "secret_key": b"old-key"}  # fmt: skip


@pytest.fixture
def places(monkeypatch, tmp_path) -> tuple[Path, Path]:
    """The user's data folder and the old instance folder, both under tmp_path."""
    data, old = tmp_path / "user-data" / "creator-crm", tmp_path / "venv" / "var" / "crm-instance"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **kwargs: str(data))
    monkeypatch.setattr(paths, "old_instance_dir", lambda: old)
    for name in ("CRM_INSTANCE_PATH", "CRM_DATABASE_URL", "CRM_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    return data, old


def local_app() -> Flask:
    return create_app({"AUTO_MIGRATE": False, "PASSWORD_HASH_PROFILE": "fast"})


def write_old_install(old: Path) -> None:
    old.mkdir(parents=True)
    for name, content in OLD_FILES.items():
        (old / name).write_bytes(content)


def test_a_local_install_keeps_its_data_in_the_users_data_folder(places) -> None:
    data, _old = places
    app = local_app()
    assert Path(app.instance_path) == data
    assert app.config["DATABASE_URL"] == f"sqlite:///{data / 'crm.sqlite3'}"
    assert (data / "secret_key").is_file()


def test_the_data_folder_is_platformdirs_user_data_folder_for_creator_crm(monkeypatch) -> None:
    asked = []
    monkeypatch.setattr(
        platformdirs, "user_data_dir", lambda *a, **k: asked.append((a, k)) or "/somewhere"
    )
    assert paths.user_data_dir() == Path("/somewhere")
    assert asked == [(("creator-crm",), {"appauthor": False})]


def test_crm_instance_path_still_decides(places, monkeypatch, tmp_path) -> None:
    data, old = places
    write_old_install(old)
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "mine"))
    app = local_app()
    assert Path(app.instance_path) == tmp_path / "mine"
    assert not data.exists()  # nothing moved when the creator chose the place
    assert sorted(p.name for p in old.iterdir()) == sorted(OLD_FILES)


def test_the_first_start_moves_the_old_database_its_wal_files_and_key(places) -> None:
    data, old = places
    write_old_install(old)
    app = local_app()
    for name, content in OLD_FILES.items():
        assert (data / name).read_bytes() == content, name
        assert not (old / name).exists(), name
    assert app.config["SECRET_KEY"] == "old-key"  # sessions survive the move
    assert app.extensions["crm.data_moved_from"] == old


def test_nothing_moves_when_the_new_place_already_has_a_database(places) -> None:
    data, old = places
    write_old_install(old)
    data.mkdir(parents=True)
    (data / "crm.sqlite3").write_bytes(b"newer")
    app = local_app()
    assert (data / "crm.sqlite3").read_bytes() == b"newer"
    assert sorted(p.name for p in old.iterdir()) == sorted(OLD_FILES)
    assert app.extensions["crm.data_moved_from"] is None


def test_a_key_alone_in_the_old_place_is_not_a_database_to_move(places) -> None:
    data, old = places
    old.mkdir(parents=True)
    (old / "secret_key").write_text("lonely")
    assert paths.move_old_data(old, data) == []
    assert (old / "secret_key").exists()


def test_the_old_place_is_flasks_default_instance_folder() -> None:
    assert paths.old_instance_dir() == Path(Flask("crm").instance_path)


def test_demo_says_where_the_data_is_and_no_serve_opens_nothing(places) -> None:
    data, old = places
    write_old_install(old)
    (old / "crm.sqlite3").unlink()  # a real database for the demo, made at the new place
    for name in ("crm.sqlite3-wal", "crm.sqlite3-shm"):
        (old / name).unlink()
    result = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"Your data: {data / 'crm.sqlite3'}" in lines
    assert [line for line in lines if line.startswith("Your data:")] == [
        f"Your data: {data / 'crm.sqlite3'}"
    ]
    assert "Open" not in result.output


def test_run_says_where_the_data_is_before_serving(places, monkeypatch) -> None:
    data, old = places
    write_old_install(old)
    (old / "crm.sqlite3").unlink()
    served = []
    monkeypatch.setattr("flask.cli.run_simple", lambda *a, **k: served.append(a[:2]))
    result = CliRunner().invoke(main, ["run", "--port", "5742"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"Your data: {data / 'crm.sqlite3'}"
    assert served == [("127.0.0.1", 5742)]


def test_a_moved_install_says_where_it_came_from_once(places) -> None:
    _data, old = places
    write_old_install(old)
    (old / "crm.sqlite3").unlink()
    (old / "crm.sqlite3-wal").unlink()
    (old / "crm.sqlite3-shm").unlink()
    # A real SQLite file so the demo can run on it after the move.
    create_app({"INSTANCE_PATH": str(old), "PASSWORD_HASH_PROFILE": "fast"})
    first = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert f"(Moved there from {old}, inside the virtual environment.)" in first.output
    second = CliRunner().invoke(main, ["demo", "--no-serve"])
    assert "Moved there" not in second.output
