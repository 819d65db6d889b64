"""Pitch emails link the media kit while it is on, and leave the line out while it is off."""

from __future__ import annotations

import pytest

from crm.emails import wording
from crm.emails.generator import write_email
from crm.emails.kinds import EmailKind
from crm.market.seed import installed_market
from tests.factories_brands import make_brand
from tests.factories_kit import make_kit

PITCHES = [EmailKind.UGC_PITCH, EmailKind.SPONSORSHIP_PITCH, EmailKind.AFFILIATE_PITCH]


@pytest.mark.parametrize("kind", PITCHES)
def test_the_default_pitches_link_the_kit_while_it_is_on(app, session, user, kind):
    brand = make_brand(session, user, name="Nestwell")
    make_kit(session, user, slug="maya")
    with app.test_request_context():
        body = write_email(session, user, brand, kind, None, installed_market()).body
    assert "My media kit, with live numbers and rates: http://crm.test/kit/maya" in body


@pytest.mark.parametrize("kind", PITCHES)
def test_the_line_is_gone_while_the_kit_is_off(app, session, user, kind):
    brand = make_brand(session, user, name="Nestwell")
    make_kit(session, user, slug="maya", enabled=False)
    with app.test_request_context():
        body = write_email(session, user, brand, kind, None, installed_market()).body
    assert "media kit" not in body and "/kit/" not in body
    assert "\n\n\n" not in body  # no blank gap where the line was


def test_the_placeholder_is_documented_for_own_templates():
    assert "media_kit_url" in wording.KNOWN
    assert "empty while it is off" in wording.VARIABLES["media_kit_url"]
