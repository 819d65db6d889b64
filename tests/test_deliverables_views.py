"""Deliverable pages: adding (once a form), editing, deleting, moving, revisions past the limit."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm import database
from crm.add_on_policy.models import AddOnUplift
from crm.deals import services
from crm.deals.models import Deliverable, DeliverableStatus
from tests.factories_deals import make_deal, make_deliverable

# The creator's today in these tests (their profile's timezone is UTC).
TODAY = date(2026, 3, 4)
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_day(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: NOON)


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "type": "ugc_video",
        "title": "Unboxing video",
        "brief": "Show the serum's dropper; no competitor brands.",
        "due_on": "2026-03-12",
        "draft_url": "drive.google.com/file/d/abc",
        "token": "t" * 24,
    }
    values.update(overrides)
    return values


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Deliverable)) or 0


def _token(page: str) -> str:
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert found, "the new form carries a one-time token"
    return found.group(1)


class TestAdding:
    def test_a_deliverable_is_added_to_the_deal_with_its_fields(
        self, logged_in, session, user
    ) -> None:
        deal = make_deal(session, user)
        page = logged_in.get(f"/deals/{deal.id}/deliverables/new").get_data(as_text=True)
        response = logged_in.post(
            f"/deals/{deal.id}/deliverables/new", data=_form(token=_token(page))
        )
        assert response.status_code == 302
        added = session.scalars(select(Deliverable).where(Deliverable.deal_id == deal.id)).one()
        assert (added.title, added.due_on, added.status) == (
            "Unboxing video",
            date(2026, 3, 12),
            DeliverableStatus.BRIEFED,
        )
        assert added.draft_url == "https://drive.google.com/file/d/abc"
        assert added.brief.startswith("Show the serum")

    def test_a_double_submit_adds_one_and_lands_on_the_first(
        self, logged_in, session, user
    ) -> None:
        deal = make_deal(session, user)
        first = logged_in.post(f"/deals/{deal.id}/deliverables/new", data=_form())
        second = logged_in.post(f"/deals/{deal.id}/deliverables/new", data=_form())
        assert _count(session) == 1
        added = session.scalars(select(Deliverable)).one()
        assert second.status_code == 302
        assert second.headers["Location"].endswith(f"/deals/deliverables/{added.id}/edit")
        assert first.status_code == 302
        shown = logged_in.get(second.headers["Location"]).get_data(as_text=True)
        assert "That deliverable was already added." in shown

    def test_a_form_without_its_token_is_refused(self, logged_in, session, user) -> None:
        deal = make_deal(session, user)
        page = logged_in.post(f"/deals/{deal.id}/deliverables/new", data=_form(token=""))
        assert "The form expired; submit it again." in page.get_data(as_text=True)
        assert _count(session) == 0

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("draft_url", "not a link", "link"),
            ("title", "", "Give the deliverable a title."),
            ("due_on", "2026-02-30", "date"),
            ("type", "podcast", "Not a valid choice"),
        ],
    )
    def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(
        self, logged_in, session, user, field, value, message
    ) -> None:
        deal = make_deal(session, user)
        response = logged_in.post(
            f"/deals/{deal.id}/deliverables/new", data=_form(**{field: value})
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        error = re.search(rf'id="{field}-error">([^<]*)<', page)
        assert error and message.lower() in error.group(1).lower(), page
        assert _count(session) == 0

    def test_another_creators_deal_is_not_found(self, logged_in, session, other_user) -> None:
        theirs = make_deal(session, other_user)
        assert logged_in.get(f"/deals/{theirs.id}/deliverables/new").status_code == 404
        posted = logged_in.post(f"/deals/{theirs.id}/deliverables/new", data=_form())
        assert posted.status_code == 404
        assert _count(session) == 0


class TestEditing:
    def test_editing_changes_the_fields(self, logged_in, session, user) -> None:
        deliverable = make_deliverable(session, user, title="Old title")
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/edit",
            data=_form(title="Story set", type="story", due_on=""),
        )
        assert response.status_code == 302
        session.refresh(deliverable)
        assert (deliverable.title, deliverable.type.value, deliverable.due_on) == (
            "Story set",
            "story",
            None,
        )

    def test_a_posted_deliverable_edits_its_live_link_and_post_date(
        self, logged_in, session, user
    ) -> None:
        deliverable = make_deliverable(session, user)
        services.move_deliverable(session, deliverable, DeliverableStatus.POSTED, TODAY)
        session.commit()
        page = logged_in.get(f"/deals/deliverables/{deliverable.id}/edit").get_data(as_text=True)
        assert 'name="live_url"' in page.split('id="details-title"')[1]
        logged_in.post(
            f"/deals/deliverables/{deliverable.id}/edit",
            data=_form(live_url="www.tiktok.com/@me/video/1", posted_on="2026-03-01"),
        )
        session.refresh(deliverable)
        assert deliverable.live_url == "https://www.tiktok.com/@me/video/1"
        assert deliverable.posted_on == date(2026, 3, 1)

    def test_a_post_date_in_the_future_is_refused_beside_it(self, logged_in, session, user) -> None:
        deliverable = make_deliverable(session, user)
        services.move_deliverable(session, deliverable, DeliverableStatus.POSTED, TODAY)
        session.commit()
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/edit",
            data=_form(title="Renamed", posted_on="2026-03-20"),
        )
        page = response.get_data(as_text=True)
        assert re.search(r'id="posted_on-error">[^<]*future', page)
        session.refresh(deliverable)
        assert (deliverable.title, deliverable.posted_on) != ("Renamed", date(2026, 3, 20))
        assert deliverable.posted_on == TODAY

    def test_an_unposted_deliverable_has_no_live_link_field(self, logged_in, session, user) -> None:
        deliverable = make_deliverable(session, user)
        page = logged_in.get(f"/deals/deliverables/{deliverable.id}/edit").get_data(as_text=True)
        assert 'name="live_url"' not in page.split('id="details-title"')[1]

    def test_deleting_removes_it(self, logged_in, session, user) -> None:
        deliverable = make_deliverable(session, user)
        response = logged_in.post(f"/deals/deliverables/{deliverable.id}/delete")
        assert response.status_code == 302
        assert _count(session) == 0

    @pytest.mark.parametrize("action", ["edit", "delete", "move", "revision"])
    def test_another_creators_deliverable_is_not_found(
        self, logged_in, session, other_user, action
    ) -> None:
        theirs = make_deliverable(session, other_user)
        data = {"status": "posted", **_form()}
        response = logged_in.post(f"/deals/deliverables/{theirs.id}/{action}", data=data)
        assert response.status_code == 404
        session.refresh(theirs)
        assert (theirs.title, theirs.status) != ("Unboxing video", DeliverableStatus.POSTED)
        assert _count(session) == 1


class TestMoving:
    def test_posting_dates_it_and_starts_the_deals_rights(self, logged_in, session, user) -> None:
        deal = make_deal(session, user, usage_days=30, whitelisting_days=14)
        deliverable = make_deliverable(session, user, deal)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move",
            data={"status": "posted", "live_url": "www.tiktok.com/@me/video/9", "return_to": "due"},
        )
        assert response.status_code == 302 and response.headers["Location"].endswith("/deals/due")
        session.refresh(deliverable)
        session.refresh(deal)
        assert (deliverable.status, deliverable.posted_on) == (DeliverableStatus.POSTED, TODAY)
        assert deliverable.live_url == "https://www.tiktok.com/@me/video/9"
        assert (deal.usage_start, deal.whitelisting_start) == (TODAY, TODAY)

    def test_a_post_date_before_posting_is_refused_beside_it(
        self, logged_in, session, user
    ) -> None:
        deliverable = make_deliverable(session, user)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move",
            data={"status": "filming", "posted_on": "2026-03-01"},
        )
        # The date is for posting only: moving elsewhere ignores it, nothing half-written.
        assert response.status_code == 302
        session.refresh(deliverable)
        assert (deliverable.status, deliverable.posted_on) == (DeliverableStatus.FILMING, None)

    def test_a_future_post_date_is_refused_and_nothing_moves(
        self, logged_in, session, user
    ) -> None:
        deliverable = make_deliverable(session, user)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move",
            data={"status": "posted", "posted_on": "2026-03-09"},
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert re.search(r'id="posted_on-error">[^<]*future', page)
        session.refresh(deliverable)
        assert deliverable.status is DeliverableStatus.BRIEFED

    def test_moving_a_posted_one_to_posted_keeps_its_post_date(
        self, logged_in, session, user
    ) -> None:
        deliverable = make_deliverable(session, user)
        services.move_deliverable(session, deliverable, DeliverableStatus.POSTED, date(2026, 3, 1))
        session.commit()
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move", data={"status": "posted"}
        )
        assert response.status_code == 302
        session.refresh(deliverable)
        assert (deliverable.status, deliverable.posted_on) == (
            DeliverableStatus.POSTED,
            date(2026, 3, 1),
        )

    def test_an_unknown_status_is_refused(self, logged_in, session, user) -> None:
        deliverable = make_deliverable(session, user)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move", data={"status": "shipped"}
        )
        assert re.search(r'id="status-error">', response.get_data(as_text=True))
        session.refresh(deliverable)
        assert deliverable.status is DeliverableStatus.BRIEFED


def _submitted(session, user, limit: int) -> Deliverable:
    deal = make_deal(session, user, revision_limit=limit)
    deliverable = make_deliverable(session, user, deal)
    services.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    session.commit()
    return deliverable


class TestRevisions:
    def test_a_revision_within_the_limit_is_counted(self, logged_in, session, user) -> None:
        deliverable = _submitted(session, user, limit=2)
        response = logged_in.post(f"/deals/deliverables/{deliverable.id}/revision")
        assert response.status_code == 302
        session.refresh(deliverable)
        assert (deliverable.revisions_used, deliverable.status) == (1, DeliverableStatus.REVISIONS)

    def test_past_the_limit_warns_with_the_fee_and_counts_nothing(
        self, logged_in, session, user
    ) -> None:
        session.add(AddOnUplift(owner_id=user.id, add_on=services.EXTRA_REVISION, percent=15))
        deliverable = _submitted(session, user, limit=0)  # 15% of $900
        response = logged_in.post(f"/deals/deliverables/{deliverable.id}/revision")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "This would be revision 1: the deal includes 0 revisions." in page
        assert "Extra revision fee: $135" in page
        assert "Request it anyway" in page and 'name="past_limit"' in page
        session.refresh(deliverable)
        assert (deliverable.revisions_used, deliverable.status) == (0, DeliverableStatus.SUBMITTED)

    def test_request_it_anyway_counts_the_extra_revision(self, logged_in, session, user) -> None:
        deliverable = _submitted(session, user, limit=0)
        page = logged_in.post(f"/deals/deliverables/{deliverable.id}/revision")
        assert "Agree a fee for the extra revision" in page.get_data(as_text=True)
        logged_in.post(f"/deals/deliverables/{deliverable.id}/revision", data={"past_limit": "yes"})
        session.refresh(deliverable)
        assert (deliverable.revisions_used, deliverable.status) == (1, DeliverableStatus.REVISIONS)

    def test_moving_to_revisions_past_the_limit_warns_too(self, logged_in, session, user) -> None:
        deliverable = _submitted(session, user, limit=0)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/move", data={"status": "revisions"}
        )
        assert "Request it anyway" in response.get_data(as_text=True)
        session.refresh(deliverable)
        assert deliverable.revisions_used == 0

    def test_a_revision_before_submitting_is_refused_with_a_message(
        self, logged_in, session, user
    ) -> None:
        deliverable = make_deliverable(session, user)
        response = logged_in.post(
            f"/deals/deliverables/{deliverable.id}/revision", follow_redirects=True
        )
        assert "mark it submitted first" in response.get_data(as_text=True)
        session.refresh(deliverable)
        assert deliverable.revisions_used == 0


def test_two_racing_submits_of_one_form_add_one(monkeypatch, session, user) -> None:
    """The second of two submits that both passed the lookup is settled by the unique index."""
    from crm import creation_tokens

    deal = make_deal(session, user)
    data = services.DeliverableData(title="Unboxing video")
    first = services.save_deliverable(session, user, deal, None, data, TODAY, token="r" * 24)
    session.commit()
    monkeypatch.setattr(creation_tokens, "refuse_repeat", lambda *args: None)  # lost the race
    with pytest.raises(creation_tokens.AlreadyCreated) as refused:
        services.save_deliverable(session, user, deal, None, data, TODAY, token="r" * 24)
    assert refused.value.record.id == first.id
    session.commit()  # the savepoint kept the session usable
    assert _count(session) == 1
