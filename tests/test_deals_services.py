"""Deal services: every refusal beside its field and nothing written, one deal per won pitch,
posting starting the rights, the revision limit, and nobody else's brand, pitch or deal."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, func, select

from crm.add_on_policy.models import AddOnUplift
from crm.deals import services
from crm.deals.models import (
    Deal,
    DealKind,
    DealStatus,
    Deliverable,
    DeliverableStatus,
    PaymentTerms,
)
from crm.deals.services import DealData, DealError, DeliverableData, RevisionLimitReached
from crm.money import MAX_CENTS
from crm.pitches.models import PitchKind, PitchStatus
from crm.timeline.models import ActivityKind, BrandActivity
from tests.factories_brands import make_brand
from tests.factories_deals import TODAY, make_deal, make_deliverable
from tests.factories_pitches import contact_for, make_pitch


def _lines(session, brand_id: int, kind: ActivityKind) -> list[str]:
    return list(
        session.scalars(
            select(BrandActivity.text)
            .where(BrandActivity.brand_id == brand_id, BrandActivity.kind == kind)
            .order_by(BrandActivity.id)
        )
    )


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _data(brand_id: int, **values: Any) -> DealData:
    base: dict[str, Any] = {"brand_id": brand_id, "title": "Three videos", "amount_cents": 90_000}
    base.update(values)
    return DealData(**base)


def test_a_new_deal_is_saved_and_on_the_brands_timeline(session, user) -> None:
    brand = make_brand(session, user)
    deal = services.save_deal(session, user, None, _data(brand.id, title="  Spring "), TODAY)
    assert (deal.owner_id, deal.brand_id, deal.title, deal.amount_cents) == (
        user.id,
        brand.id,
        "Spring",
        90_000,
    )
    assert deal.status is DealStatus.ACTIVE
    assert _lines(session, brand.id, ActivityKind.DEAL_CREATED) == ["Deal agreed: Spring ($900)."]


REFUSALS = [
    ({"title": "  "}, "title"),
    ({"title": "Two\nlines"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"notes": "x" * 5_001}, "notes"),
    ({"amount_cents": -1}, "amount"),
    ({"amount_cents": MAX_CENTS + 1}, "amount"),
    ({"amount_cents": 12.5}, "amount"),
    ({"deposit_cents": -5}, "deposit"),
    ({"amount_cents": 10_000, "deposit_cents": 10_001}, "deposit"),
    ({"gifted_value_cents": -1}, "gifted_value"),
    ({"gifted_value_cents": MAX_CENTS + 1}, "gifted_value"),
    ({"kind": DealKind.GIFTED, "amount_cents": 100}, "amount"),
    ({"currency": "XYZ"}, "currency"),
    ({"revision_limit": -1}, "revision_limit"),
    ({"revision_limit": 51}, "revision_limit"),
    ({"usage_days": 0}, "usage_days"),
    ({"usage_days": 3651}, "usage_days"),
    ({"usage_days": 30, "usage_perpetual": True}, "usage_days"),
    ({"whitelisting_days": 0}, "whitelisting_days"),
    ({"exclusivity_days": 3651, "exclusivity_category": "skincare"}, "exclusivity_days"),
    ({"exclusivity_days": 30}, "exclusivity_category"),
    ({"exclusivity_category": "skincare"}, "exclusivity_days"),
    ({"usage_channels": "TikTok\nMeta"}, "usage_channels"),
    ({"usage_start": date(2026, 3, 1)}, "usage_start"),
    ({"usage_days": 30, "usage_start": date(1999, 12, 31)}, "usage_start"),
    ({"videos_per_month": 4}, "videos_per_month"),
    ({"kind": DealKind.RETAINER, "start_month": date(2026, 3, 1)}, "videos_per_month"),
    ({"kind": DealKind.RETAINER, "videos_per_month": 101}, "videos_per_month"),
    ({"kind": DealKind.RETAINER, "videos_per_month": 4}, "start_month"),
    (
        {
            "kind": DealKind.RETAINER,
            "videos_per_month": 4,
            "start_month": date(2026, 3, 1),
            "cancelled_on": date(2026, 2, 27),
        },
        "cancelled_on",
    ),
]


@pytest.mark.parametrize(
    ("values", "field"), REFUSALS, ids=[f"{f}:{sorted(v)}" for v, f in REFUSALS]
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(
    session, user, values: dict[str, Any], field: str
) -> None:
    brand = make_brand(session, user)
    before = _count(session, BrandActivity)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, _data(brand.id, **values), TODAY)
    assert refused.value.field == field
    assert refused.value.message
    assert _count(session, Deal) == 0
    assert _count(session, BrandActivity) == before


@pytest.mark.parametrize("typed", ["12.345", "1,2,3", "-5", "1e5", "ten", ""])
def test_malformed_money_text_is_refused_beside_its_field(typed: str) -> None:
    with pytest.raises(DealError) as refused:
        services.parse_money(typed, "deposit")
    assert refused.value.field == "deposit"


def test_money_text_becomes_exact_cents() -> None:
    assert services.parse_money("1,250.50", "amount") == 125_050


def test_an_edit_refused_changes_nothing(session, user) -> None:
    deal = make_deal(session, user, amount_cents=50_000, title="Old")
    with pytest.raises(DealError):
        services.save_deal(
            session, user, deal, _data(deal.brand_id, amount_cents=-1, title="New"), TODAY
        )
    assert (deal.amount_cents, deal.title) == (50_000, "Old")


def test_half_upfront_takes_half_the_amount_as_deposit_rounded_up(session, user) -> None:
    brand = make_brand(session, user)
    data = _data(brand.id, amount_cents=100_001, payment_terms=PaymentTerms.HALF_UPFRONT)
    deal = services.save_deal(session, user, None, data, TODAY)
    assert deal.deposit_cents == 50_001


@pytest.mark.parametrize("value", [{}, {"gifted_value_cents": 0}])
def test_a_gifted_deal_needs_its_value_in_kind(session, user, value) -> None:
    brand = make_brand(session, user)
    data = DealData(brand_id=brand.id, title="Gift box", kind=DealKind.GIFTED, **value)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, data, TODAY)
    assert refused.value.field == "gifted_value"
    assert "what the gifted product is worth" in refused.value.message
    assert _count(session, Deal) == 0


def test_a_gifted_deal_keeps_its_value_apart_from_cash(session, user) -> None:
    brand = make_brand(session, user)
    data = _data(brand.id, kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=12_000)
    deal = services.save_deal(session, user, None, data, TODAY)
    assert (deal.amount_cents, deal.gifted_value_cents) == (0, 12_000)
    assert "gifted, worth $120" in _lines(session, brand.id, ActivityKind.DEAL_CREATED)[0]


def test_a_retainer_starts_on_the_first_of_its_month(session, user) -> None:
    brand = make_brand(session, user)
    data = _data(
        brand.id, kind=DealKind.RETAINER, videos_per_month=4, start_month=date(2026, 3, 17)
    )
    deal = services.save_deal(session, user, None, data, TODAY)
    assert deal.start_month == date(2026, 3, 1)
    assert deal.cancelled_on is None
    cancelled = services.save_deal(
        session, user, deal, replace(data, status=DealStatus.CANCELLED), TODAY
    )
    assert cancelled.cancelled_on == TODAY


def test_another_creators_brand_is_not_found(session, user, other_user) -> None:
    theirs = make_brand(session, other_user)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, _data(theirs.id), TODAY)
    assert refused.value.field == "brand_id"
    assert "not found" in refused.value.message.lower()


def test_another_creators_or_brands_contact_is_not_found(session, user, other_user) -> None:
    brand = make_brand(session, user)
    for contact in (
        contact_for(session, make_brand(session, other_user)),
        contact_for(session, make_brand(session, user)),  # the creator's, another brand's
    ):
        with pytest.raises(DealError) as refused:
            services.save_deal(session, user, None, _data(brand.id, contact_id=contact.id), TODAY)
        assert refused.value.field == "contact_id"
    own = contact_for(session, brand)
    deal = services.save_deal(session, user, None, _data(brand.id, contact_id=own.id), TODAY)
    assert deal.contact_id == own.id


def test_another_creators_pitch_is_not_found(session, user, other_user) -> None:
    brand = make_brand(session, user)
    theirs = make_pitch(session, other_user, status=PitchStatus.WON)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, _data(brand.id, pitch_id=theirs.id), TODAY)
    assert refused.value.field == "pitch_id"
    assert "not found" in refused.value.message.lower()
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, theirs, None, TODAY)
    assert refused.value.field == "pitch_id"
    assert _count(session, Deal) == 0


def test_a_won_pitch_becomes_a_deal_with_its_quote(session, user) -> None:
    brand = make_brand(session, user)
    contact = contact_for(session, brand)
    pitch = make_pitch(
        session,
        user,
        brand,
        status=PitchStatus.WON,
        quoted_cents=45_000,
        currency="EUR",
        kind=PitchKind.SPONSORSHIP,
        subject="Spring launch",
        contact_id=contact.id,
    )
    deal = services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert (deal.pitch_id, deal.brand_id, deal.contact_id) == (pitch.id, brand.id, contact.id)
    assert (deal.amount_cents, deal.currency, deal.kind) == (45_000, "EUR", DealKind.SPONSORED_POST)
    assert deal.title == "Spring launch"
    line = session.scalars(
        select(BrandActivity).where(BrandActivity.kind == ActivityKind.DEAL_CREATED)
    ).one()
    assert line.pitch_id == pitch.id
    assert line.text == "Deal agreed from the won pitch: Spring launch (€450)."


def test_a_won_pitch_makes_one_deal_however_often_it_is_asked(session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, quoted_cents=45_000)
    first = services.deal_from_pitch(session, user, pitch, 50_000, TODAY)
    again = services.deal_from_pitch(session, user, pitch, 70_000, TODAY)
    assert again.id == first.id
    assert again.amount_cents == 50_000  # the agreed amount, as the first time said
    assert _count(session, Deal) == 1
    assert len(_lines(session, pitch.brand_id, ActivityKind.DEAL_CREATED)) == 1
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, _data(pitch.brand_id, pitch_id=pitch.id), TODAY)
    assert refused.value.field == "pitch_id"


@pytest.mark.parametrize("status", [PitchStatus.DRAFT, PitchStatus.NEGOTIATING, PitchStatus.LOST])
def test_only_a_won_pitch_becomes_a_deal(session, user, status: PitchStatus) -> None:
    pitch = make_pitch(session, user, status=status)
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert refused.value.field == "pitch_id"
    with pytest.raises(DealError):
        services.save_deal(session, user, None, _data(pitch.brand_id, pitch_id=pitch.id), TODAY)
    assert _count(session, Deal) == 0


def test_a_pitch_without_a_quote_needs_the_agreed_amount(session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, quoted_cents=None)
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert refused.value.field == "amount"
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, pitch, -100, TODAY)
    assert refused.value.field == "amount"


@pytest.mark.parametrize(
    "kind", [DealKind.UGC, DealKind.SPONSORED_POST, DealKind.AFFILIATE, DealKind.RETAINER]
)
def test_an_empty_agreed_amount_is_refused_beside_it(session, user, kind: DealKind) -> None:
    brand = make_brand(session, user)
    retainer = {"videos_per_month": 2, "start_month": TODAY} if kind is DealKind.RETAINER else {}
    # Not given at all: a CLI or an import can't leave it out either.
    data = DealData(brand_id=brand.id, title="No amount", kind=kind, **retainer)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, None, data, TODAY)
    assert (refused.value.field, refused.value.message) == ("amount", "Enter the agreed amount.")
    deal = make_deal(session, user, brand, kind=kind, **retainer)
    with pytest.raises(DealError) as refused:
        services.save_deal(session, user, deal, replace(data, title=deal.title), TODAY)
    assert refused.value.field == "amount"
    session.refresh(deal)
    assert deal.amount_cents == 90_000
    assert _count(session, Deal) == 1


def test_a_won_pitch_without_a_quote_or_an_amount_is_refused_beside_it(session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, quoted_cents=None)
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert (refused.value.field, refused.value.message) == ("amount", "Enter the agreed amount.")
    assert _count(session, Deal) == 0


def test_a_won_retainer_pitch_needs_its_videos_a_month(session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, kind=PitchKind.RETAINER)
    with pytest.raises(DealError) as refused:
        services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert refused.value.field == "videos_per_month"
    deal = services.deal_from_pitch(session, user, pitch, None, TODAY, videos_per_month=4)
    assert (deal.kind, deal.videos_per_month, deal.start_month) == (
        DealKind.RETAINER,
        4,
        date(2026, 3, 1),
    )


def test_deliverables_line_up_in_the_order_they_are_added(session, user) -> None:
    deal = make_deal(session, user)
    first = make_deliverable(session, user, deal)
    second = make_deliverable(session, user, deal, draft_url="drive.google.com/file/1")
    assert (first.position, second.position) == (0, 1)
    assert second.draft_url == "https://drive.google.com/file/1"
    assert [d.id for d in deal.deliverables] == [first.id, second.id]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"brief": "x" * 5_001}, "brief"),
        ({"due_on": date(1999, 1, 1)}, "due_on"),
        ({"draft_url": "javascript:alert(1)"}, "draft_url"),
        ({"draft_url": "https://example.com/" + "x" * 500}, "draft_url"),
    ],
)
def test_a_bad_deliverable_is_refused_beside_its_field(
    session, user, values: dict[str, Any], field: str
) -> None:
    deal = make_deal(session, user)
    data = DeliverableData(**{"title": "Video", **values})
    with pytest.raises(DealError) as refused:
        services.save_deliverable(session, user, deal, None, data, TODAY)
    assert refused.value.field == field
    assert _count(session, Deliverable) == 0


def test_a_deliverable_on_another_creators_deal_is_refused(session, user, other_user) -> None:
    theirs = make_deal(session, other_user)
    with pytest.raises(DealError) as refused:
        services.save_deliverable(session, user, theirs, None, DeliverableData("Video"), TODAY)
    assert refused.value.field == "deal_id"
    assert _count(session, Deliverable) == 0


def test_posting_starts_the_rights_not_started_yet(session, user) -> None:
    deal = make_deal(
        session,
        user,
        usage_days=30,
        whitelisting_days=60,
        exclusivity_days=90,
        exclusivity_category="skincare",
        exclusivity_start=date(2026, 3, 5),  # agreed to start on a day of its own
    )
    first = make_deliverable(session, user, deal)
    second = make_deliverable(session, user, deal)
    assert deal.usage_start is None
    services.move_deliverable(
        session,
        first,
        DeliverableStatus.POSTED,
        date(2026, 3, 9),
        live_url="https://www.tiktok.com/@me/video/1",
    )
    assert (first.posted_on, first.live_url) == (
        date(2026, 3, 9),
        "https://www.tiktok.com/@me/video/1",
    )
    assert (deal.usage_start, deal.whitelisting_start, deal.exclusivity_start) == (
        date(2026, 3, 9),
        date(2026, 3, 9),
        date(2026, 3, 5),
    )
    services.move_deliverable(session, second, DeliverableStatus.POSTED, date(2026, 3, 12))
    assert deal.usage_start == date(2026, 3, 9)  # the first post started it
    lines = _lines(session, deal.brand_id, ActivityKind.DELIVERABLE_MOVED)
    assert lines[0] == f"{first.title} ({deal.title}) moved from briefed to posted."


def test_a_right_added_after_posting_starts_on_the_first_post_day(session, user) -> None:
    deal = make_deal(session, user)
    posted = make_deliverable(session, user, deal)
    services.move_deliverable(session, posted, DeliverableStatus.POSTED, date(2026, 3, 9))
    data = _data(deal.brand_id, title=deal.title, usage_perpetual=True)
    services.save_deal(session, user, deal, data, date(2026, 3, 20))
    assert deal.usage_start == date(2026, 3, 9)


def test_a_post_date_in_the_future_is_refused(session, user) -> None:
    deliverable = make_deliverable(session, user)
    with pytest.raises(DealError) as refused:
        services.move_deliverable(
            session, deliverable, DeliverableStatus.POSTED, TODAY, posted_on=date(2026, 3, 3)
        )
    assert refused.value.field == "posted_on"
    assert deliverable.status is DeliverableStatus.BRIEFED
    assert deliverable.deal.usage_start is None


def test_moving_back_from_posted_clears_the_post_date(session, user) -> None:
    deliverable = make_deliverable(session, user)
    services.move_deliverable(session, deliverable, DeliverableStatus.POSTED, TODAY)
    services.move_deliverable(session, deliverable, DeliverableStatus.APPROVED, TODAY)
    assert (deliverable.status, deliverable.posted_on) == (DeliverableStatus.APPROVED, None)


@contextmanager
def _updates(model: type) -> Iterator[list[object]]:
    """The rows of `model` an UPDATE is flushed for while inside."""
    written: list[object] = []

    def count(_mapper, _connection, row) -> None:
        written.append(row)

    event.listen(model, "before_update", count)
    try:
        yield written
    finally:
        event.remove(model, "before_update", count)


@pytest.mark.parametrize(
    "status", [DeliverableStatus.FILMING, DeliverableStatus.REVISIONS, DeliverableStatus.POSTED]
)
def test_moving_to_the_status_it_has_changes_nothing(session, user, status) -> None:
    deliverable = make_deliverable(session, user)
    services.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    if status is DeliverableStatus.REVISIONS:
        services.request_revision(session, deliverable)
    else:
        services.move_deliverable(session, deliverable, status, date(2026, 3, 1))
    session.commit()
    before = (deliverable.posted_on, deliverable.revisions_used, deliverable.updated_at)
    moves = len(_lines(session, deliverable.deal.brand_id, ActivityKind.DELIVERABLE_MOVED))
    with _updates(Deliverable) as written:
        services.move_deliverable(session, deliverable, status, date(2026, 3, 2))
        session.flush()
    assert written == []
    session.commit()
    session.refresh(deliverable)
    assert deliverable.status is status
    assert (deliverable.posted_on, deliverable.revisions_used, deliverable.updated_at) == before
    assert len(_lines(session, deliverable.deal.brand_id, ActivityKind.DELIVERABLE_MOVED)) == moves


def test_a_post_date_changes_by_editing_it(session, user) -> None:
    deliverable = make_deliverable(session, user)
    services.move_deliverable(session, deliverable, DeliverableStatus.POSTED, date(2026, 3, 1))
    services.edit_posting(session, deliverable, TODAY, posted_on=date(2026, 2, 27), live_url="")
    assert deliverable.posted_on == date(2026, 2, 27)
    with pytest.raises(DealError) as refused:
        services.edit_posting(session, deliverable, TODAY, posted_on=date(2026, 3, 3), live_url="")
    assert refused.value.field == "posted_on"
    moved = _lines(session, deliverable.deal.brand_id, ActivityKind.DELIVERABLE_MOVED)
    assert len(moved) == 1  # posting, not the edit


def _submitted(session, user, limit: int) -> Deliverable:
    deal = make_deal(session, user, revision_limit=limit)
    deliverable = make_deliverable(session, user, deal)
    services.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    return deliverable


def test_revisions_up_to_the_limit_then_a_warning(session, user) -> None:
    deliverable = _submitted(session, user, limit=2)
    services.request_revision(session, deliverable)
    services.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    services.move_deliverable(session, deliverable, DeliverableStatus.REVISIONS, TODAY)
    assert (deliverable.revisions_used, deliverable.status) == (2, DeliverableStatus.REVISIONS)
    with pytest.raises(RevisionLimitReached) as refused:
        services.request_revision(session, deliverable)
    assert refused.value.field == "revisions_used"
    assert "revision 3" in refused.value.message and "includes 2 revisions" in refused.value.message
    assert refused.value.fee_cents is None
    assert deliverable.revisions_used == 2
    lines = _lines(session, deliverable.deal.brand_id, ActivityKind.REVISION_REQUESTED)
    assert [line.split(" requested")[0] for line in lines] == ["Revision 1 of 2", "Revision 2 of 2"]


def test_the_warning_names_the_extra_revision_fee_of_the_policy(session, user) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on=services.EXTRA_REVISION, percent=15))
    deliverable = _submitted(session, user, limit=0)  # 15% of $900
    with pytest.raises(RevisionLimitReached) as refused:
        services.request_revision(session, deliverable)
    assert refused.value.fee_cents == 13_500
    assert "$135 for each extra revision" in refused.value.message
    services.request_revision(session, deliverable, past_limit=True)
    assert deliverable.revisions_used == 1
    lines = _lines(session, deliverable.deal.brand_id, ActivityKind.REVISION_REQUESTED)
    assert lines == [f"Revision 1 requested on {deliverable.title} ({deliverable.deal.title}), "
                     "past the deal's limit."]  # fmt: skip


def test_a_revision_needs_a_draft_the_brand_has_seen(session, user) -> None:
    deliverable = make_deliverable(session, user)
    with pytest.raises(DealError) as refused:
        services.request_revision(session, deliverable)
    assert refused.value.field == "revisions_used"
    assert deliverable.revisions_used == 0


def test_the_longest_pitch_subject_becomes_the_deals_title_whole(session, user) -> None:
    subject = "s" * 200  # the pitch form's limit
    pitch = make_pitch(session, user, status=PitchStatus.WON, subject=subject)
    assert services.deal_from_pitch(session, user, pitch, None, TODAY).title == subject


def test_losing_the_race_for_a_pitch_returns_the_winners_deal(session, user, monkeypatch) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON)
    winner = make_deal(session, user, pitch.brand, pitch_id=pitch.id)
    real = services.deal_for_pitch
    looks: list[int] = []

    def not_committed_yet(*args: Any) -> Deal | None:
        # The other request had not committed when this one looked (twice), so only the
        # unique constraint sees the clash.
        looks.append(1)
        return None if len(looks) <= 2 else real(*args)

    monkeypatch.setattr(services, "deal_for_pitch", not_committed_yet)
    found = services.deal_from_pitch(session, user, pitch, None, TODAY)
    assert found.id == winner.id
    assert _count(session, Deal) == 1
    assert len(looks) == 3
    assert len(_lines(session, pitch.brand_id, ActivityKind.DEAL_CREATED)) == 1
