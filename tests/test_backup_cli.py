"""`crm export` and `crm backup restore`: a file out, the same data in, one line on a bad file."""

from __future__ import annotations

import json

from sqlalchemy import select

from crm.brands.models import Brand
from tests import factories
from tests.backup_account import fill_account


def test_export_then_restore_through_the_commands(runner, session, user, tmp_path):
    fill_account(session, user)
    out = tmp_path / "backup.json"
    result = runner.invoke(args=["export", "--user", user.email, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["tables"]["brands"]
    assert not (tmp_path / "backup.json.partial").exists()
    newcomer = factories.make_user(session, email="moved@example.com")
    result = runner.invoke(args=["backup", "restore", str(out), "--user", newcomer.email])
    assert result.exit_code == 0, result.output
    names = session.scalars(select(Brand.name).where(Brand.owner_id == newcomer.id)).all()
    assert sorted(names) == sorted(
        row["name"] for row in json.loads(out.read_text())["tables"]["brands"]
    )


def test_backup_export_is_the_same_command(runner, session, user, tmp_path):
    out = tmp_path / "b.json"
    result = runner.invoke(args=["backup", "export", "--user", user.email, "--out", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text())["version"] == 1


def test_a_bad_file_is_one_line_and_a_non_zero_exit(runner, session, user, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(args=["backup", "restore", str(bad), "--user", user.email])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: This file is not a backup: it is not JSON."
    ]


def test_an_unknown_account_is_one_line(runner, tmp_path):
    result = runner.invoke(
        args=["export", "--user", "nobody@example.com", "--out", str(tmp_path / "x.json")]
    )
    assert result.exit_code != 0 and "No account has the email" in result.output
