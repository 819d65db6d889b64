"""A pitch's message names the rate the pitch quotes: saving rewrites a stale rate sentence."""

from __future__ import annotations

import pytest

from crm.database import utcnow
from crm.pitches import rate_sentence, services
from crm.pitches.services import PitchData
from tests.factories_pitches import brand_for

BODY = "Hi Dana,\n\nMy rate starts at $240 per video, and I deliver within 5 days.\n\nMaya"


def test_changing_the_quoted_rate_rewrites_the_rate_sentence(session, user) -> None:
    brand = brand_for(session, user)
    pitch = services.create_pitch(
        session, user.id, brand.id, PitchData(quoted_cents=240_00, body=BODY), utcnow()
    )
    assert "starts at $240 per video" in pitch.body
    services.update_pitch(session, user.id, pitch, PitchData(quoted_cents=250_00, body=BODY))
    assert "My rate starts at $250 per video, and I deliver within 5 days." in pitch.body
    assert "$240" not in pitch.body
    assert pitch.body.startswith("Hi Dana,") and pitch.body.endswith("Maya")


def test_a_new_pitch_whose_body_names_another_rate_quotes_the_field(session, user) -> None:
    brand = brand_for(session, user)
    data = PitchData(quoted_cents=300_00, currency="EUR", body=BODY)
    pitch = services.create_pitch(session, user.id, brand.id, data, utcnow())
    assert "My rate starts at €300 per video" in pitch.body


def test_without_a_quote_the_message_stays_as_written(session, user) -> None:
    brand = brand_for(session, user)
    pitch = services.create_pitch(session, user.id, brand.id, PitchData(body=BODY), utcnow())
    assert pitch.body == BODY


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A sponsored post starts at $180.", "A sponsored post starts at $250."),
        ("Packages starting at 1,200 USD.", "Packages starting at $250."),
        ("My rate is $99.50 a video.", "My rate is $250 a video."),
        ("I charge a rate of £80.", "I charge a rate of $250."),
        ("It starts at A$300 per post.", "It starts at $250 per post."),
        ("I posted 3 videos at $20 each last week.", "I posted 3 videos at $20 each last week."),
        ("Starts at noon, $240 later.", "Starts at noon, $240 later."),
    ],
)
def test_only_the_amount_in_a_rate_sentence_changes(body: str, expected: str) -> None:
    assert rate_sentence.align(body, 250_00, "USD") == expected


def test_the_saved_message_says_when_the_rate_sentence_changed() -> None:
    assert rate_sentence.saved_note(BODY, 250_00, "USD") == (
        " The message now names your quoted rate, $250."
    )
    assert rate_sentence.saved_note(BODY, 240_00, "USD") == ""
    assert rate_sentence.saved_note(BODY, None, "USD") == ""


def test_the_edit_page_rewrites_the_rate_and_says_so(logged_in, session, user) -> None:
    brand = brand_for(session, user)
    pitch = services.create_pitch(
        session, user.id, brand.id, PitchData(quoted_cents=240_00, body=BODY), utcnow()
    )
    session.commit()
    data = {
        "kind": "ugc", "channel": "email", "contact_id": "", "quoted_rate": "250",
        "currency": "USD", "subject": "UGC", "body": BODY,
    }  # fmt: skip
    response = logged_in.post(f"/pitches/{pitch.id}/edit", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The message now names your quoted rate, $250." in page
    session.refresh(pitch)
    assert "My rate starts at $250 per video" in pitch.body
