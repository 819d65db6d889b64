"""Approval links: stored hashed, expiring and revocable; the brand approves or asks for a
revision (counted, past the limit only once confirmed) without logging in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from crm import database
from crm.accounts.services import token_hash
from crm.add_on_policy.models import AddOnUplift
from crm.approvals import services
from crm.approvals.models import AnswerKind, ApprovalAnswer, ApprovalLink
from crm.deals.models import DealStatus, DeliverableStatus
from crm.deals.services import EXTRA_REVISION
from crm.timeline.models import BrandActivity
from tests.factories import TEST_PASSWORD
from tests.factories_approvals import make_link, submitted
from tests.factories_deals import make_deal, make_deliverable
from tests.test_emails_smtp import HOST, Inbox, start_server  # noqa: F401

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: NOW)


def _answer(client, token: str, deliverable_id: int, action: str = "approve", **extra: str):
    data = {"deliverable": str(deliverable_id), "action": action}
    data.update(extra)
    return client.post(f"/approve/{token}", data=data)


def _timeline(session, brand_id: int) -> list[str]:
    return list(
        session.scalars(
            select(BrandActivity.text)
            .where(BrandActivity.brand_id == brand_id)
            .order_by(BrandActivity.id)
        )
    )


class TestTheToken:
    def test_only_the_sha256_is_stored_never_the_raw_token(self, session, user) -> None:
        made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
        row = session.execute(select(ApprovalLink.__table__)).one()
        assert made.token not in [str(value) for value in row]
        assert row.token_hash == token_hash(made.token)

    def test_a_link_expires_after_the_creators_setting(self, session, user) -> None:
        made = make_link(session, user, now=NOW)
        assert made.link.expires_at == NOW + timedelta(days=30)  # the default
        last_moment = NOW + timedelta(days=30) - timedelta(seconds=1)
        assert services.link_for_token(session, made.token, last_moment) is not None
        assert services.link_for_token(session, made.token, NOW + timedelta(days=30)) is None
        services.save_link_days(session, user, 7)
        shorter = make_link(session, user, now=NOW)
        assert shorter.link.expires_at == NOW + timedelta(days=7)

    @pytest.mark.parametrize("days", [0, 366, None])
    def test_the_setting_is_one_to_365_days(self, session, user, days) -> None:
        with pytest.raises(services.ApprovalError):
            services.save_link_days(session, user, days)

    def test_the_settings_page_saves_the_days_and_refuses_out_of_range(
        self, logged_in, session, user
    ) -> None:
        refused = logged_in.post("/approvals/settings", data={"link_days": "400"})
        assert refused.status_code == 200 and "from 1 to 365" in refused.get_data(as_text=True)
        assert logged_in.post("/approvals/settings", data={"link_days": "14"}).status_code == 302
        session.refresh(user)
        assert user.approval_link_days == 14

    def test_an_expired_link_gets_the_same_404_as_an_unknown_one(
        self, client, session, user, monkeypatch
    ) -> None:
        made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
        assert client.get(f"/approve/{made.token}").status_code == 200
        unknown = client.get("/approve/not-a-token")
        later = NOW + timedelta(days=31)
        monkeypatch.setattr(database, "utcnow", lambda: later)
        expired = client.get(f"/approve/{made.token}")
        assert expired.status_code == unknown.status_code == 404
        assert expired.get_data() == unknown.get_data()

    def test_a_revoked_link_404s(self, logged_in, client, session, user) -> None:
        made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
        assert logged_in.post(f"/approvals/links/{made.link.id}/revoke").status_code == 302
        assert client.get(f"/approve/{made.token}").status_code == 404
        assert _answer(client, made.token, made.link.deliverable_id).status_code == 404

    def test_a_new_link_replaces_the_old_one(self, logged_in, session, user, app) -> None:
        made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
        response = logged_in.post(f"/approvals/links/{made.link.id}/regenerate")
        page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
        (new_token,) = re.findall(r"http://crm\.test/approve/([\w-]+)", page)
        assert new_token != made.token
        visitor = app.test_client()
        assert visitor.get(f"/approve/{made.token}").status_code == 404
        assert visitor.get(f"/approve/{new_token}").status_code == 200
        # Shown once: the next visit to the page no longer holds it.
        again = logged_in.get(f"/approvals/deals/{made.link.deal_id}").get_data(as_text=True)
        assert new_token not in again

    def test_a_cancelled_deals_link_404s_and_it_gets_no_new_one(
        self, logged_in, client, session, user
    ) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        item.deal.status = DealStatus.CANCELLED
        session.commit()
        assert client.get(f"/approve/{made.token}").status_code == 404
        assert _answer(client, made.token, item.id).status_code == 404
        session.refresh(item)
        assert item.status is DeliverableStatus.SUBMITTED
        with pytest.raises(services.ApprovalError, match="cancelled"):
            services.create_link(session, user, item.deal, None, NOW)
        with pytest.raises(services.ApprovalError, match="cancelled"):
            services.regenerate_link(session, user, made.link, NOW)
        refused = logged_in.post(f"/approvals/deals/{item.deal_id}", data={"deliverable": "all"})
        assert refused.status_code == 200 and "cancelled" in refused.get_data(as_text=True)
        assert session.scalars(select(ApprovalLink)).all() == [made.link]


class TestSending:
    def test_the_deal_page_makes_a_link_for_all_open_deliverables(
        self, logged_in, app, session, user
    ) -> None:
        deal = make_deal(session, user)
        first = submitted(session, user, deal, title="Hook video")
        second = submitted(session, user, deal, title="Story cut")
        posted = make_deliverable(session, user, deal, title="Old post")
        posted.status, posted.posted_on = DeliverableStatus.POSTED, NOW.date()
        session.commit()
        assert "Send for approval" in logged_in.get(f"/deals/{deal.id}").get_data(as_text=True)
        response = logged_in.post(f"/approvals/deals/{deal.id}", data={"deliverable": "all"})
        page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
        (token,) = re.findall(r"http://crm\.test/approve/([\w-]+)", page)
        assert "All open deliverables" in page
        brand_page = app.test_client().get(f"/approve/{token}").get_data(as_text=True)
        assert first.title in brand_page and second.title in brand_page
        assert "Old post" not in brand_page

    def test_another_creators_deal_gets_no_link(self, logged_in, session, user, other_user) -> None:
        theirs = submitted(session, other_user)
        response = logged_in.post(f"/approvals/deals/{theirs.deal_id}", data={"deliverable": "all"})
        assert response.status_code == 404
        with pytest.raises(services.ApprovalError):
            services.create_link(session, user, theirs.deal, None, NOW)
        mine = make_deal(session, user)
        with pytest.raises(services.ApprovalError):
            services.create_link(session, user, mine, theirs.id, NOW)
        assert session.scalars(select(ApprovalLink)).all() == []

    def test_the_creator_pages_need_a_login(self, client, session, user) -> None:
        made = make_link(session, user, now=NOW)
        for method, path in [
            ("GET", f"/approvals/deals/{made.link.deal_id}"),
            ("POST", f"/approvals/deals/{made.link.deal_id}"),
            ("POST", f"/approvals/links/{made.link.id}/revoke"),
            ("GET", "/approvals/"),
            ("GET", "/approvals/settings"),
        ]:
            response = client.open(path, method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"]


class TestTheBrand:
    def test_the_page_shows_the_brief_due_date_draft_and_revisions_left_without_login(
        self, client, session, user
    ) -> None:
        deal = make_deal(session, user, revision_limit=3)
        item = submitted(
            session,
            user,
            deal,
            brief="Open on the dropper.",
            draft_url="https://drive.example.com/draft1",
        )
        made = make_link(session, user, deliverable=item, now=NOW)
        response = client.get(f"/approve/{made.token}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert deal.title in page and "Open on the dropper." in page
        assert "https://drive.example.com/draft1" in page and "Mar 10, 2026" in page
        assert "3 of 3" in page and "Approve this draft" in page

    def test_approve_moves_it_to_approved_on_the_timeline_and_tells_the_creator(
        self, client, session, user
    ) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        assert services.unread_count(session, user.id) == 0
        response = _answer(client, made.token, item.id)
        assert response.status_code == 303
        session.refresh(item)
        assert item.status is DeliverableStatus.APPROVED
        assert any(
            "approved by the brand via link" in line
            for line in _timeline(session, item.deal.brand_id)
        )
        assert services.unread_count(session, user.id) == 1
        session.refresh(made.link)
        assert made.link.last_used_at == NOW

    def test_a_double_approve_changes_nothing_more(self, client, session, user) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        _answer(client, made.token, item.id)
        again = _answer(client, made.token, item.id)
        assert again.status_code == 200 and "approved already" in again.get_data(as_text=True)
        assert len(session.scalars(select(ApprovalAnswer)).all()) == 1

    def test_a_revision_counts_once_and_lands_with_its_comment(self, client, session, user) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        comment = "Cut the first 3 seconds; show the label."
        assert _answer(client, made.token, item.id, "revision", comment=comment).status_code == 303
        again = _answer(client, made.token, item.id, "revision", comment=comment)
        assert again.status_code == 200
        session.refresh(item)
        assert (item.status, item.revisions_used) == (DeliverableStatus.REVISIONS, 1)
        lines = _timeline(session, item.deal.brand_id)
        assert any("requested by the brand via link" in line and comment in line for line in lines)
        (answer,) = session.scalars(select(ApprovalAnswer)).all()
        assert (answer.kind, answer.comment) == (AnswerKind.REVISION, comment)

    def test_a_revision_needs_a_comment_of_limited_length(self, client, session, user) -> None:
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        assert "Say what should change" in _answer(
            client, made.token, item.id, "revision", comment="  "
        ).get_data(as_text=True)
        long = _answer(client, made.token, item.id, "revision", comment="x" * 2_001)
        assert long.status_code == 200 and "2000 characters" in long.get_data(as_text=True)
        session.refresh(item)
        assert (item.status, item.revisions_used) == (DeliverableStatus.SUBMITTED, 0)

    def test_past_the_limit_the_fee_shows_and_only_a_confirm_counts_it(
        self, client, session, user
    ) -> None:
        session.add(AddOnUplift(owner_id=user.id, add_on=EXTRA_REVISION, percent=10))
        deal = make_deal(session, user, revision_limit=1)  # $900: 10% is $90
        item = submitted(session, user, deal)
        item.revisions_used = 1
        session.commit()
        made = make_link(session, user, deliverable=item, now=NOW)
        asked = _answer(client, made.token, item.id, "revision", comment="One more pass")
        page = asked.get_data(as_text=True)
        assert asked.status_code == 200 and "$90" in page
        assert 'name="confirm" value="1"' in page
        session.refresh(item)
        assert item.revisions_used == 1
        confirmed = _answer(
            client, made.token, item.id, "revision", comment="One more pass", confirm="1"
        )
        assert confirmed.status_code == 303
        session.refresh(item)
        assert (item.status, item.revisions_used) == (DeliverableStatus.REVISIONS, 2)
        assert any("past the deal's limit" in line for line in _timeline(session, deal.brand_id))

    def test_a_draft_not_submitted_says_so_and_offers_nothing(self, client, session, user) -> None:
        item = make_deliverable(session, user)  # briefed
        made = make_link(session, user, deliverable=item, now=NOW)
        page = client.get(f"/approve/{made.token}").get_data(as_text=True)
        assert "no draft to review yet" in page
        assert "<form" not in page.split("<main", 1)[1]
        refused = _answer(client, made.token, item.id)
        assert refused.status_code == 200
        session.refresh(item)
        assert item.status is DeliverableStatus.BRIEFED

    def test_a_deliverable_off_the_link_is_refused(self, client, session, user) -> None:
        item = submitted(session, user)
        other = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        _answer(client, made.token, other.id)
        session.refresh(other)
        assert other.status is DeliverableStatus.SUBMITTED

    def test_answers_are_rate_limited_per_token(self, make_app, session, user) -> None:
        client = make_app(APPROVAL_POSTS_MAX_PER_LINK=2).test_client()
        made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
        codes = [
            _answer(client, made.token, made.link.deliverable_id).status_code for _ in range(3)
        ]
        assert codes[2] == 429

    def test_the_public_forms_carry_a_csrf_token(self, make_app, session, user) -> None:
        client = make_app(WTF_CSRF_ENABLED=True).test_client()
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        page = client.get(f"/approve/{made.token}").get_data(as_text=True)
        tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert len(tokens) >= 2
        assert _answer(client, made.token, item.id).status_code == 400  # no token
        assert _answer(client, made.token, item.id, csrf_token=tokens[0]).status_code == 303


class TestTheCreatorIsTold:
    def test_the_inbox_lists_them_and_marks_them_read(
        self, logged_in, client, session, user
    ) -> None:
        item = submitted(session, user, title="Hook video")
        made = make_link(session, user, deliverable=item, now=NOW)
        _answer(client, made.token, item.id)
        page = logged_in.get("/inbox/").get_data(as_text=True)
        answers = page[page.index('id="inbox-answers"') :]
        assert "Hook video" in answers and "1 new" in answers and "Approved" in answers
        assert 'href="/approvals/settings"' in answers
        assert logged_in.post("/inbox/read").status_code == 303
        assert services.unread_count(session, user.id) == 0
        assert "1 new" not in logged_in.get("/inbox/").get_data(as_text=True)

    def test_the_old_answers_page_sends_its_links_to_the_inbox(self, logged_in) -> None:
        response = logged_in.get("/approvals/")
        assert response.status_code == 301
        assert response.headers["Location"] == "/inbox/#inbox-answers"
        assert logged_in.post("/approvals/seen").status_code in (404, 405)  # the inbox marks

    def test_no_page_links_the_old_answers_page(self, logged_in) -> None:
        for path in ("/inbox/", "/approvals/settings", "/settings", "/dashboard"):
            page = logged_in.get(path).get_data(as_text=True)
            assert 'href="/approvals/"' not in page, path


class TestMail:
    def test_the_link_goes_to_the_contact_and_the_answer_to_the_creator(
        self,
        make_app,
        session,
        user,
        start_server,  # noqa: F811
    ) -> None:
        from tests.factories_brands import make_contact

        inbox = Inbox()
        app = make_app(SMTP_URL=f"smtp://{HOST}:{start_server(inbox)}")
        client = app.test_client()
        assert client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
        contact = make_contact(session, user, email="jo@glowlabs.com")
        deal = make_deal(session, user, brand=contact.brand, contact_id=contact.id)
        item = submitted(session, user, deal)
        data = {"deliverable": str(item.id), "email_contact": "y"}
        client.post(f"/approvals/deals/{deal.id}", data=data).close()
        (sent,) = inbox.messages
        assert sent["To"].endswith("<jo@glowlabs.com>")
        (token,) = re.findall(r"http://crm\.test/approve/([\w-]+)", sent.get_content())
        _answer(app.test_client(), token, item.id, "revision", comment="Louder music").close()
        told = inbox.messages[1]
        assert told["To"] == user.email and "Louder music" in told.get_content()

    def test_a_wrong_mail_setting_still_saves_the_answer_and_redirects(
        self, make_app, session, user, caplog
    ) -> None:
        client = make_app(SMTP_URL="nonsense://x").test_client()
        item = submitted(session, user)
        made = make_link(session, user, deliverable=item, now=NOW)
        assert _answer(client, made.token, item.id).status_code == 303
        session.refresh(item)
        assert item.status is DeliverableStatus.APPROVED
        assert "not sent" in caplog.text


def test_the_demo_has_an_approved_and_a_revision_requested_draft(session) -> None:
    from crm.approvals import demo
    from crm.demo import ensure_demo_account

    user, _created = ensure_demo_account(session, "fast")
    answers = session.scalars(select(ApprovalAnswer).where(ApprovalAnswer.owner_id == user.id))
    by_kind = {answer.kind: answer.deliverable for answer in answers}
    assert by_kind[AnswerKind.APPROVED].status is DeliverableStatus.APPROVED
    sent_back = by_kind[AnswerKind.REVISION]
    assert (sent_back.status, sent_back.revisions_used) == (DeliverableStatus.REVISIONS, 1)
    assert services.unread_count(session, user.id) == 2
    assert demo.populate(session, user) is False  # once


@pytest.mark.parametrize("sent", ["9" * 5_000, "99999999999", "-1", "٣", ""])
def test_a_deliverable_id_that_cant_be_one_is_a_400_not_a_500(client, session, user, sent) -> None:
    made = make_link(session, user, deliverable=submitted(session, user), now=NOW)
    assert _answer(client, made.token, 0, deliverable=sent).status_code == 400


@pytest.mark.parametrize("action", ["delete", "Approve", "revisions", ""])
def test_an_action_other_than_the_two_buttons_is_a_400_and_changes_nothing(
    client, session, user, action
) -> None:
    item = submitted(session, user)
    made = make_link(session, user, deliverable=item, now=NOW)
    response = _answer(client, made.token, item.id, action, comment="Louder", confirm="1")
    assert response.status_code == 400
    session.refresh(item)
    assert (item.status, item.revisions_used) == (DeliverableStatus.SUBMITTED, 0)
    assert session.scalars(select(ApprovalAnswer)).all() == []


def test_a_draft_resubmitted_after_a_revision_can_be_answered_again(client, session, user) -> None:
    """The round trip: the brand asks for a revision, the creator submits the new draft, the
    same link offers it again, and the second request counts as the second revision."""
    from crm.deals import services as deals

    item = submitted(session, user, make_deal(session, user, revision_limit=2))
    made = make_link(session, user, deliverable=item, now=NOW)
    assert _answer(client, made.token, item.id, "revision", comment="Shorter.").status_code == 303
    session.refresh(item)
    deals.move_deliverable(session, item, DeliverableStatus.SUBMITTED, database.utcnow().date())
    session.commit()
    page = client.get(f"/approve/{made.token}").get_data(as_text=True)
    assert "Approve this draft" in page and "1 of 2" in page
    assert _answer(client, made.token, item.id, "revision", comment="Brighter.").status_code == 303
    session.refresh(item)
    assert (item.status, item.revisions_used) == (DeliverableStatus.REVISIONS, 2)


def test_a_draft_without_its_link_says_so_before_the_answers(client, session, user) -> None:
    item = submitted(session, user, draft_url="")
    made = make_link(session, user, deliverable=item, now=NOW)
    page = client.get(f"/approve/{made.token}").get_data(as_text=True)
    assert "no draft link yet" in page and "No draft link here" in page
    linked = submitted(session, user, draft_url="https://drive.example.com/d")
    page = client.get(f"/approve/{make_link(session, user, deliverable=linked, now=NOW).token}")
    assert "No draft link here" not in page.get_data(as_text=True)
