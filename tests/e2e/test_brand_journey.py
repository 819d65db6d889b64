"""What issue 13 is done by, in a browser on a phone: a stranger opens the demo creator's
media kit, sends an inquiry that lands in the creator's inbox and pipeline, and approves a
draft through a link the creator made on the deal's approval page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.accounts.models import User
from crm.database import db_session
from crm.deals.models import Deal, DealStatus, Deliverable, DeliverableStatus
from crm.demo import DEMO_EMAIL
from crm.kit.models import MediaKit
from tests.e2e.test_layout import PHONE

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

STRANGER = None  # a browser with no cookies of the app


def _kit_slug(live_app) -> str:
    with live_app.app_context():
        owner = db_session().scalars(select(User).where(User.email == DEMO_EMAIL)).one()
        kit = db_session().scalars(select(MediaKit).where(MediaKit.owner_id == owner.id)).one()
        assert kit.enabled, "the demo creator's kit is on"
        return kit.slug


def _deliverable_to_approve(live_app) -> tuple[int, int, str]:
    """A deal of the demo creator's, not cancelled, and one of its drafts waiting for an
    answer: its deal, id and title."""
    waiting = (DeliverableStatus.SUBMITTED, DeliverableStatus.EDITING, DeliverableStatus.FILMING)
    with live_app.app_context():
        row = (
            db_session()
            .execute(
                select(Deliverable.deal_id, Deliverable.id, Deliverable.title)
                .join(Deal, Deal.id == Deliverable.deal_id)
                .join(User, User.id == Deal.owner_id)
                .where(User.email == DEMO_EMAIL, Deal.status != DealStatus.CANCELLED)
                .where(Deliverable.status.in_(waiting))
                .order_by(Deliverable.id)
            )
            .first()
        )
        assert row is not None, "the demo has a draft waiting for the brand"
        return row.deal_id, row.id, row.title


def _status(live_app, deliverable_id: int) -> DeliverableStatus:
    with live_app.app_context():
        return db_session().get_one(Deliverable, deliverable_id).status


def test_a_stranger_on_a_phone_sends_an_inquiry_that_reaches_the_pipeline(
    open_page, base_url, live_app
) -> None:
    slug = _kit_slug(live_app)
    brand = open_page(PHONE, storage_state=STRANGER)
    assert brand.goto(f"{base_url}/kit/{slug}").status == 200
    assert brand.get_by_role("heading", name="Rate card").is_visible()
    brand.get_by_role("link", name="Send an inquiry").click()
    brand.fill("input[name=name]", "Ana Ruiz")
    brand.fill("input[name=email]", "ana@lumahome.example")
    brand.fill("input[name=company]", "Luma Home Goods")
    brand.select_option("select[name=kind]", "ugc_video")
    brand.fill("textarea[name=message]", "Two videos of our new lamp in March?")
    brand.get_by_role("button", name="Send the inquiry").click()
    assert brand.get_by_role("heading", name="Thanks, your inquiry is on its way").is_visible()

    creator = open_page(PHONE)
    creator.goto(f"{base_url}/inbox/")
    assert creator.get_by_role("link", name="Luma Home Goods").first.is_visible()
    creator.goto(f"{base_url}/pitches/board")
    card = creator.locator(".board-card", has_text="Luma Home Goods")
    assert card.count() == 1 and "New inquiry" in card.inner_text()


def test_a_brand_on_a_phone_approves_a_draft_through_the_creators_link(
    open_page, base_url, live_app
) -> None:
    deal_id, deliverable_id, title = _deliverable_to_approve(live_app)
    creator = open_page(PHONE)
    assert creator.goto(f"{base_url}/approvals/deals/{deal_id}").status == 200
    creator.get_by_role("button", name="Make the link").click()
    link = creator.locator("#approval-url").input_value()
    assert link.startswith(base_url + "/approve/")

    brand = open_page(PHONE, storage_state=STRANGER)
    assert brand.goto(link).status == 200
    assert brand.get_by_text(title).first.is_visible()
    draft = brand.locator("form", has=brand.locator(f"input[value='{deliverable_id}']"))
    draft.get_by_role("button", name="Approve this draft").first.click()
    assert brand.get_by_text(f"Thanks: {title} is approved").is_visible()
    assert _status(live_app, deliverable_id) is DeliverableStatus.APPROVED
