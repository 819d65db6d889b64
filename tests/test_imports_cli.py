"""`crm import FILE`, `crm imports list|undo`: the preview as text or JSON, one-line errors."""

from __future__ import annotations

import json

import click
import pytest

from crm.imports.cli import import_group
from crm.imports.models import Import
from crm.income.models import IncomeEntry
from crm.ownership import owned
from tests.factories_imports import fake_files

pytestmark = pytest.mark.usefixtures("fake_files")
assert fake_files

LTK = ["FAKE ltk", "E,2025-10-01,LTK,Gap,USD,1250,paid", "E,2025-10-02,LTK,Gap,USD,-50,paid",
       "E,2025-10-03,LTK,Zara,USD,300,open", "?Payment", "C,2025-10-02,LTK,USD,99"]  # fmt: skip


@pytest.fixture
def export(tmp_path):
    def write(lines=LTK, name="ltk.csv"):
        path = tmp_path / name
        path.write_text("\n".join(lines))
        return str(path)

    return write


def _run(runner, *args):
    return runner.invoke(args=list(args))


def test_dry_run_json_has_the_preview_and_writes_nothing(runner, session, user, export) -> None:
    result = _run(runner, "import", export(), "--user", user.email, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["source"] == "ltk"
    assert (payload["rows"], payload["skipped"]) == (4, 1)
    assert (payload["date_from"], payload["date_to"]) == ("2025-10-01", "2025-10-03")
    assert payload["totals"] == {"LTK": {"USD": 15}, "LTK fees": {"USD": 0.99}}
    assert payload["skipped_lines"][0]["reason"] == "Not a row: Payment"
    assert "import" not in payload
    assert session.scalars(owned(IncomeEntry, user.id)).all() == []


def test_import_commits_and_says_what_it_wrote(runner, session, user, export) -> None:
    result = _run(runner, "import", export(), "--user", user.email)
    assert result.exit_code == 0, result.output
    assert "Imported as #" in result.output and "3 written" in result.output
    assert sum(e.amount_cents for e in session.scalars(owned(IncomeEntry, user.id))) == 1500
    again = _run(runner, "import", export(), "--user", user.email, "--json")
    assert json.loads(again.output)["already_imported"] is not None
    assert len(session.scalars(owned(Import, user.id)).all()) == 1


def test_options_may_come_before_the_file(runner, session, user, export) -> None:
    result = _run(runner, "import", "--user", user.email, "--dry-run", export())
    assert result.exit_code == 0, result.output
    assert "3 rows" not in result.output and "4 rows" in result.output


def test_a_bad_file_is_one_line_and_a_non_zero_exit(runner, user, export) -> None:
    result = _run(runner, "import", export(["hello"]), "--user", user.email)
    assert result.exit_code != 0
    assert result.output.strip().count("\n") == 0
    assert "not a file we can read" in result.output


def test_an_unknown_user_is_one_line(runner, export) -> None:
    result = _run(runner, "import", export(), "--user", "nobody@example.com")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "nobody@example.com" in result.output


def test_a_source_that_does_not_match_is_refused(runner, user, export) -> None:
    result = _run(runner, "import", export(), "--user", user.email, "--source", "amazon")
    assert result.exit_code != 0 and "export from Amazon Associates" in result.output


def test_list_and_undo(runner, session, user, other_user, export) -> None:
    _run(runner, "import", export(), "--user", user.email)
    [record] = session.scalars(owned(Import, user.id)).all()
    listed = json.loads(_run(runner, "imports", "list", "--user", user.email, "--json").output)
    assert [i["id"] for i in listed["imports"]] == [record.id]
    assert listed["imports"][0]["file"] == "ltk.csv"
    assert json.loads(_run(runner, "imports", "list", "--user", other_user.email,
                           "--json").output) == {"imports": []}  # fmt: skip
    refused = _run(runner, "imports", "undo", str(record.id), "--user", other_user.email)
    assert refused.exit_code != 0 and f"no import #{record.id}" in refused.output
    done = _run(runner, "imports", "undo", str(record.id), "--user", user.email)
    assert done.exit_code == 0, done.output
    assert session.scalars(owned(IncomeEntry, user.id)).all() == []
    twice = _run(runner, "imports", "undo", str(record.id), "--user", user.email)
    assert twice.exit_code != 0 and "already undone" in twice.output
    text = _run(runner, "imports", "list", "--user", user.email).output
    assert "(undone)" in text and "ltk.csv" in text


def test_backup_can_plug_in_beside_the_file_command(runner, user, export) -> None:
    @click.command("backup")
    @click.argument("path")
    def backup(path: str) -> None:
        click.echo(f"restoring {path}")

    import_group.add_command(backup)
    try:
        result = _run(runner, "import", "backup", "some.json")
        assert result.output.strip() == "restoring some.json"
        plain = _run(runner, "import", export(), "--user", user.email, "--dry-run")
        assert plain.exit_code == 0, plain.output
    finally:
        import_group.commands.pop("backup")
