"""In a browser: the follow-ups page offers what is coming up, and asks before logging early."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.database import db_session, utcnow
from crm.pitches.models import Pitch, PitchStatus

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _coming_up(live_app) -> tuple[int, int, str]:
    """A demo pitch whose follow-up is ahead: its id, follow-ups sent, brand name."""
    with live_app.app_context():
        pitch = (
            db_session()
            .scalars(
                select(Pitch)
                .where(Pitch.status == PitchStatus.SENT, Pitch.next_followup_on > utcnow().date())
                .order_by(Pitch.next_followup_on)
            )
            .first()
        )
        assert pitch is not None, "the demo has a follow-up coming up"
        return pitch.id, pitch.followups_sent, pitch.brand.name


def _sent_count(live_app, pitch_id: int) -> int:
    with live_app.app_context():
        return db_session().get(Pitch, pitch_id).followups_sent


@pytest.mark.parametrize("width", [1280, 390])
def test_logging_a_coming_follow_up_asks_first(page, base_url, live_app, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    pitch_id, sent, brand = _coming_up(live_app)
    page.goto(base_url + "/pitches/followups")
    coming = page.locator("section", has=page.locator("h2", has_text="Coming up"))
    item = coming.locator("li.followup", has_text=brand)
    assert item.get_by_role("link", name="Write follow-up").get_attribute("href") == (
        f"/emails/pitches/{pitch_id}"
    )
    item.get_by_role("button", name="Log follow-up").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == f"Log the follow-up to {brand} early?"
    assert page.get_by_role("button", name="Log it now").is_visible()
    page.get_by_role("link", name="Not yet").click()
    page.wait_for_url(base_url + "/pitches/followups")
    assert _sent_count(live_app, pitch_id) == sent
