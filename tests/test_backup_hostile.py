"""A hand-edited or hostile backup is refused with one clear line, and nothing is written."""

from __future__ import annotations

import copy
import json

import pytest

from crm.backup.export import VERSION
from crm.backup.restore import account_is_empty, restore_backup
from crm.backup.tables import SAME_AS, references, table
from crm.backup.values import BackupError
from crm.brands.models import Brand
from tests import factories
from tests.backup_account import fill_account
from tests.factories_brands import make_brand
from tests.test_backup import export


@pytest.fixture
def backup(session, user):
    fill_account(session, user)
    return export(session, user)


def refused(session, document, match: str) -> None:
    newcomer = factories.make_user(session)
    data = document if isinstance(document, bytes) else json.dumps(document).encode()
    with pytest.raises(BackupError, match=match):
        restore_backup(session, newcomer, data)
    session.rollback()
    assert account_is_empty(session, newcomer)


def edited(backup, table: str, **changes):
    document = copy.deepcopy(backup)
    document["tables"][table][0].update(changes)
    return document


def test_a_file_that_is_not_json_is_refused(session, backup):
    refused(session, b"\x89PNG\r\n\x1a\n not json", "not JSON")


def test_json_of_another_format_is_refused(session, backup):
    refused(session, {**backup, "format": "something-else"}, "not a Creator CRM backup")
    refused(session, [1, 2, 3], "not a Creator CRM backup")


def test_a_newer_version_is_refused_and_says_to_update(session, backup):
    refused(session, {**backup, "version": VERSION + 1}, "newer Creator CRM")


def test_a_row_pointing_at_an_id_not_in_the_file_is_refused(session, backup):
    refused(session, edited(backup, "deals", brand_id=999_999), "brands id 999999")


def test_a_row_cannot_point_at_another_creators_row(session, backup, other_user):
    their_brand = make_brand(session, other_user)
    refused(session, edited(backup, "contacts", brand_id=their_brand.id), "not in the backup")
    assert session.get(Brand, their_brand.id).owner_id == other_user.id


def test_an_owner_in_a_row_is_refused(session, backup, other_user):
    refused(session, edited(backup, "brands", owner_id=other_user.id), "does not know: owner_id")


@pytest.mark.parametrize(
    ("table", "changes", "match"),
    [
        ("income_entries", {"amount_cents": 10**12}, "out of range"),
        ("deals", {"amount_cents": -5}, "can't be negative"),
        ("pitches", {"quoted_cents": "450.00"}, "not a whole number"),
        ("brands", {"status": "owned"}, "known choice"),
        ("brands", {"name": "x" * 201}, "longer than 200"),
        ("brands", {"notes": "x" * 5_001}, "longer than 5,000"),
        ("income_entries", {"currency": "XXX"}, "not one of"),
        ("income_entries", {"earned_on": "2026-13-45"}, "not a day"),
        ("pitches", {"created_at": "2026-03-02T10:00:00"}, "offset"),
        ("deals", {"deposit_cents": 10_000_000}, "breaks a rule"),
        ("brands", {"name": None}, "can't be empty"),
    ],
)
def test_a_value_the_services_would_refuse_is_refused(session, backup, table, changes, match):
    refused(session, edited(backup, table, **changes), match)


def test_duplicate_ids_and_unknown_tables_are_refused(session, backup):
    document = copy.deepcopy(backup)
    document["tables"]["brands"].append(document["tables"]["brands"][0])
    refused(session, document, "same id")
    refused(session, {**backup, "tables": {**backup["tables"], "secrets": []}}, "secrets")


def test_a_hostile_profile_is_held_to_the_profile_form(session, backup):
    document = copy.deepcopy(backup)
    document["tables"]["users"][0]["timezone"] = "Mars/Olympus"
    refused(session, document, "timezone")


@pytest.mark.parametrize("days", [0, -3, 366, 10_000])
def test_approval_link_days_are_held_to_the_settings_range(session, backup, days):
    document = copy.deepcopy(backup)
    document["tables"]["users"][0]["approval_link_days"] = days
    refused(session, document, "'approval_link_days' must be from 1 to 365")


@pytest.mark.parametrize("days", [1, 365])
def test_approval_link_days_at_the_ends_of_the_range_restore(session, backup, days):
    document = copy.deepcopy(backup)
    document["tables"]["users"][0]["approval_link_days"] = days
    newcomer = factories.make_user(session)
    restore_backup(session, newcomer, json.dumps(document).encode())
    assert newcomer.approval_link_days == days


def test_an_older_version_is_upgraded_a_step_at_a_time(monkeypatch, backup):
    from crm.backup import versions

    def rename_notes(document):  # what a v1 -> v2 step would do
        for row in document["tables"]["brands"]:
            row["remarks"] = row.pop("notes")
        return document

    monkeypatch.setattr(versions, "VERSION", 2)
    monkeypatch.setitem(versions.UPGRADES, 1, rename_notes)
    upgraded = versions.current(copy.deepcopy(backup))
    assert upgraded["version"] == 2
    assert "remarks" in upgraded["tables"]["brands"][0]


def test_a_version_below_one_is_refused(session, backup):
    refused(session, {**backup, "version": 0}, "no version number")


@pytest.mark.parametrize("rule", SAME_AS, ids=lambda rule: f"{rule.table}.{rule.pointer}")
def test_a_row_pointing_at_a_row_of_another_parent_is_refused(session, backup, rule):
    """A pitch's contact of another brand, a retainer month's invoice of another deal..."""
    rows = backup["tables"][rule.table]
    row = next(row for row in rows if row[rule.pointer] is not None and row[rule.shared])
    parent = references(table(rule.table).c[rule.shared])
    other = next(r["id"] for r in backup["tables"][parent] if r["id"] != row[rule.shared])
    document = copy.deepcopy(backup)
    crossed = next(r for r in document["tables"][rule.table] if r["id"] == row["id"])
    crossed[rule.shared] = other
    refused(session, document, f"A row of {rule.table} in this backup points at an? ")
