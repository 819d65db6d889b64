"""crm/backup/schema.json describes what the export writes, and stays true as tables change."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from crm.backup.schema import backup_schema, schema_text
from tests.backup_account import fill_account
from tests.test_backup import export

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "crm" / "backup" / "schema.json"


def validator() -> Draft202012Validator:
    schema = backup_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_the_schema_file_in_the_repository_is_the_one_the_tables_give():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "run: python -m crm.backup.schema > crm/backup/schema.json"
    )


def test_an_export_of_a_full_account_is_valid_against_the_schema(session, user):
    fill_account(session, user)
    errors = [error.message for error in validator().iter_errors(export(session, user))]
    assert errors == []


def test_the_schema_refuses_what_the_restore_refuses(session, user):
    fill_account(session, user)
    document = export(session, user)
    broken = copy.deepcopy(document)
    broken["tables"]["brands"][0]["status"] = "owned"
    with pytest.raises(Exception, match="owned"):
        validator().validate(broken)
    broken = copy.deepcopy(document)
    broken["tables"]["brands"][0]["owner_id"] = 1
    with pytest.raises(Exception, match="owner_id"):
        validator().validate(broken)
