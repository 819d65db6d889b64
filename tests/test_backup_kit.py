"""A backup's media kit: restored with its bio, prices, blocks and picks, turned off, at its
address when that is free on this server, else at a free variant."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete

from crm.backup.restore import restore_backup
from crm.backup.values import BackupError
from crm.kit import services
from crm.kit.models import MediaKit
from crm.money import MAX_CENTS
from tests import factories
from tests.backup_account import fill_account
from tests.factories_kit import make_kit
from tests.test_backup import export


@pytest.fixture
def document(session, user) -> dict:
    fill_account(session, user)
    return export(session, user)


def _restore(session, document: dict):
    newcomer = factories.make_user(session)
    restored = restore_backup(session, newcomer, json.dumps(document).encode())
    session.flush()
    return newcomer, restored


def _kit_row(document: dict) -> dict:
    (row,) = document["tables"]["media_kits"]
    return row


def test_a_free_address_is_kept_and_the_kit_comes_back_off_with_its_settings(
    app, session, user, document
):
    slug = _kit_row(document)["slug"]
    session.execute(delete(MediaKit).where(MediaKit.owner_id == user.id))  # moved servers
    newcomer, restored = _restore(session, document)
    kit = services.kit_of(session, newcomer.id)
    assert kit.slug == slug and kit.enabled is False
    assert kit.bio == "Skincare «honest» reviews ✨" and kit.ugc_video_cents == 31_000
    assert services.hidden_blocks(kit) == {"audience", "rates"} and not kit.videos_by_views
    assert len(services.picked_video_ids(session, newcomer.id)) == 1
    assert len(services.ticked_brand_ids(session, newcomer.id)) == 1
    assert restored.notes == [
        f"Your media kit is restored at the address “{slug}”, turned off: turn it on in the "
        "media kit settings when you want brands to see it."
    ]
    session.commit()
    assert app.test_client().get(f"/kit/{slug}").status_code == 404


def test_a_taken_address_gets_the_first_free_variant_and_says_so(session, user, document):
    slug = _kit_row(document)["slug"]
    make_kit(session, factories.make_user(session), slug=f"{slug}-2")
    newcomer, restored = _restore(session, document)
    assert services.kit_of(session, newcomer.id).slug == f"{slug}-3"
    (note,) = restored.notes
    assert f"“{slug}” belongs to another creator" in note and f"“{slug}-3”" in note


def test_an_address_held_for_another_creator_gets_a_free_variant(session, user, document):
    slug = _kit_row(document)["slug"]
    other = factories.make_user(session)
    make_kit(session, user, slug=f"{slug}-now")  # the exported address is held for `user`
    make_kit(session, other, slug=f"{slug}-2")
    make_kit(session, other, slug=f"{slug}-later")  # "-2" is held for `other`
    newcomer, _restored = _restore(session, document)
    assert services.kit_of(session, newcomer.id).slug == f"{slug}-3"


def test_a_long_address_keeps_its_variant_within_the_limit(session, user, document):
    long = "a" * 40
    make_kit(session, factories.make_user(session), slug=long)
    _kit_row(document)["slug"] = long
    newcomer, _restored = _restore(session, document)
    assert services.kit_of(session, newcomer.id).slug == "a" * 38 + "-2"


def test_an_address_the_app_refuses_is_dropped_and_said(session, user, document):
    _kit_row(document)["slug"] = "admin"
    newcomer, restored = _restore(session, document)
    assert services.kit_of(session, newcomer.id).slug is None
    assert "“admin” can't be used here" in restored.notes[0]


def test_unknown_hidden_blocks_are_dropped(session, user, document):
    _kit_row(document)["hidden_blocks"] = "rates,<script>,audience"
    newcomer, _restored = _restore(session, document)
    assert services.kit_of(session, newcomer.id).hidden_blocks == "rates,audience"


def test_a_price_over_the_settings_limit_is_refused(session, user, document):
    _kit_row(document)["ugc_video_cents"] = MAX_CENTS + 1
    with pytest.raises(BackupError, match="ugc_video_cents"):
        _restore(session, document)


def test_two_kits_in_one_backup_are_refused(session, user, document):
    second = dict(_kit_row(document), id=_kit_row(document)["id"] + 1, slug="another-kit")
    document["tables"]["media_kits"].append(second)
    with pytest.raises(BackupError, match="breaks a rule"):
        _restore(session, document)
