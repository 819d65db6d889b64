"""Brand services: saving, duplicates, status, tags, contacts, notes and the timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.brands import services
from crm.brands.models import Brand, BrandStatus, BrandTag, Contact
from crm.timeline.models import BrandActivity
from crm.timeline.services import log_activity
from tests.factories_brands import make_brand, make_contact, make_note


def timeline(session: Session, brand: Brand) -> list[BrandActivity]:
    return list(
        session.scalars(
            select(BrandActivity)
            .where(BrandActivity.brand_id == brand.id)
            .order_by(BrandActivity.at, BrandActivity.id)
        )
    )


def test_saving_a_brand_stores_clean_values_and_starts_its_timeline(session, user) -> None:
    brand = make_brand(
        session,
        user,
        name="  Glow  Theory ",
        website="GlowTheory.com/shop",
        tiktok_handle="@GlowTheory",
        tags="Skincare, Q4",
    )
    assert (brand.name, brand.name_key) == ("Glow Theory", "glow theory")
    assert (brand.website, brand.website_domain) == (
        "https://glowtheory.com/shop",
        "glowtheory.com",
    )
    assert brand.tiktok_handle == "glowtheory"
    assert sorted(tag.name for tag in brand.tags) == ["q4", "skincare"]
    assert [a.kind for a in timeline(session, brand)] == ["brand_created"]


def test_a_second_brand_with_the_same_name_is_refused_with_a_link(session, user) -> None:
    first = make_brand(session, user, name="Glow Theory")
    with pytest.raises(services.BrandError) as refused:
        services.save_brand(session, user.id, None, services.BrandData(name="glow THEORY"))
    assert refused.value.field == "name"
    assert refused.value.brand_id == first.id


def test_a_second_brand_with_the_same_handle_is_refused(session, user) -> None:
    make_brand(session, user, name="Glow", tiktok_handle="glowtheory")
    with pytest.raises(services.BrandError, match="@glowtheory") as refused:
        services.save_brand(
            session, user.id, None, services.BrandData(name="Other", tiktok_handle="@GlowTheory")
        )
    assert refused.value.field == "tiktok_handle"


def test_another_creator_may_have_the_same_brand(session, user, other_user) -> None:
    make_brand(session, user, name="Glow Theory", tiktok_handle="glowtheory")
    theirs = make_brand(session, other_user, name="Glow Theory", tiktok_handle="glowtheory")
    assert theirs.owner_id == other_user.id


def test_editing_a_brand_keeps_its_own_name_and_handle(session, user) -> None:
    brand = make_brand(session, user, name="Glow", tiktok_handle="glow")
    data = services.BrandData(name="Glow", tiktok_handle="glow", tiktok_followers=900)
    services.save_brand(session, user.id, brand, data)
    assert brand.tiktok_followers == 900


def test_bad_values_name_their_field(session, user) -> None:
    cases = [
        (services.BrandData(name=""), "name"),
        (services.BrandData(name="A", website="javascript:alert(1)"), "website"),
        (services.BrandData(name="A", tiktok_handle="no spaces allowed"), "tiktok_handle"),
        (services.BrandData(name="A", tiktok_followers=-1), "tiktok_followers"),
        (services.BrandData(name="A", product_category="spaceships"), "product_category"),
        (services.BrandData(name="A", tags="x" * 41), "tags"),
        (services.BrandData(name="A", notes="x" * 5_001), "notes"),
    ]
    for data, field in cases:
        with pytest.raises(services.BrandError) as refused:
            services.save_brand(session, user.id, None, data)
        assert refused.value.field == field
    assert session.scalars(select(Brand)).all() == []


def test_editing_tags_replaces_them(session, user) -> None:
    brand = make_brand(session, user, tags="skincare, q4")
    services.save_brand(
        session, user.id, brand, services.BrandData(name=brand.name, tags="q4, gifting")
    )
    assert sorted(tag.name for tag in brand.tags) == ["gifting", "q4"]


def test_a_status_change_lands_on_the_timeline(session, user) -> None:
    brand = make_brand(session, user)
    assert services.change_status(session, brand, BrandStatus.IN_TALKS) is True
    assert timeline(session, brand)[-1].text == "Status: Lead → In talks."
    assert services.change_status(session, brand, BrandStatus.IN_TALKS) is False
    assert len(timeline(session, brand)) == 2


def test_a_status_change_through_the_edit_form_is_logged_too(session, user) -> None:
    brand = make_brand(session, user, name="Glow")
    data = services.BrandData(name="Glow", status=BrandStatus.CLIENT)
    services.save_brand(session, user.id, brand, data)
    assert [a.kind for a in timeline(session, brand)] == ["brand_created", "status_changed"]


def test_timeline_lines_move_the_brand_up_in_recent_activity(session, user) -> None:
    brand = make_brand(session, user)
    later = datetime(2031, 1, 1, tzinfo=UTC)
    log_activity(session, brand, "pitch_status", "Pitch sent.", at=later)
    assert brand.updated_at == later
    log_activity(session, brand, "note", "Backfilled.", at=later - timedelta(days=30))
    assert brand.updated_at == later


def test_first_contact_is_primary_and_a_new_primary_replaces_it(session, user) -> None:
    brand = make_brand(session, user)
    anna = make_contact(session, user, brand, name="Anna")
    ben = make_contact(session, user, brand, name="Ben")
    assert (anna.is_primary, ben.is_primary) == (True, False)
    services.make_primary(session, ben)
    session.refresh(anna)
    assert (anna.is_primary, ben.is_primary) == (False, True)


def test_saving_a_contact_as_primary_moves_the_primary(session, user) -> None:
    brand = make_brand(session, user)
    anna = make_contact(session, user, brand, name="Anna")
    cleo = services.save_contact(
        session, brand, None, services.ContactData(name="Cleo", is_primary=True)
    )
    session.refresh(anna)
    assert (anna.is_primary, cleo.is_primary) == (False, True)


def test_removing_the_primary_contact_promotes_the_oldest_other(session, user) -> None:
    brand = make_brand(session, user)
    anna = make_contact(session, user, brand, name="Anna")
    ben = make_contact(session, user, brand, name="Ben")
    services.delete_contact(session, anna)
    session.refresh(ben)
    assert ben.is_primary is True


def test_the_same_email_twice_at_one_brand_is_refused(session, user) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand, name="Anna", email="anna@glow.com")
    with pytest.raises(services.BrandError) as refused:
        services.save_contact(
            session, brand, None, services.ContactData(name="Anna again", email="ANNA@glow.com")
        )
    assert refused.value.field == "email"


def test_the_same_person_twice_is_refused(session, user) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand, name="Ben")
    with pytest.raises(services.BrandError, match="already a contact") as refused:
        services.save_contact(session, brand, None, services.ContactData(name="ben"))
    assert refused.value.field == "name"
    ben_at_work = services.save_contact(
        session, brand, None, services.ContactData(name="Ben", email="ben@glow.com")
    )
    assert ben_at_work.id


def test_contact_values_are_checked(session, user) -> None:
    brand = make_brand(session, user)
    for data, field in [
        (services.ContactData(name="  "), "name"),
        (services.ContactData(name="A", email="not-an-email"), "email"),
        (services.ContactData(name="A", role="r" * 121), "role"),
    ]:
        with pytest.raises(services.BrandError) as refused:
            services.save_contact(session, brand, None, data)
        assert refused.value.field == field
    assert session.scalars(select(Contact)).all() == []


def test_adding_a_contact_is_on_the_timeline(session, user) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand, name="Anna", role="Founder")
    assert timeline(session, brand)[-1].text == "Added contact Anna (Founder)."


def test_a_note_sent_twice_in_a_row_is_kept_once(session, user) -> None:
    brand = make_brand(session, user)
    make_note(session, user, brand, "Called the owner.")
    with pytest.raises(services.BrandError, match="already on the timeline"):
        services.add_note(session, brand, "Called the owner.")


def test_the_same_note_later_on_is_a_new_note(session, user, monkeypatch) -> None:
    brand = make_brand(session, user)
    make_note(session, user, brand, "Called the owner.")
    later = datetime.now(UTC) + timedelta(hours=1)
    monkeypatch.setattr("crm.brands.services.utcnow", lambda: later)
    monkeypatch.setattr("crm.timeline.services.utcnow", lambda: later)
    services.add_note(session, brand, "Called the owner.")
    assert [a.kind for a in timeline(session, brand)].count("note") == 2


def test_empty_and_over_long_notes_are_refused(session, user) -> None:
    brand = make_brand(session, user)
    with pytest.raises(services.BrandError, match="Write something"):
        services.add_note(session, brand, "   ")
    with pytest.raises(services.BrandError, match="2,000"):
        services.add_note(session, brand, "x" * 2_001)


def test_only_notes_can_be_deleted_from_the_timeline(session, user) -> None:
    brand = make_brand(session, user)
    note = make_note(session, user, brand)
    services.delete_note(session, note)
    created = timeline(session, brand)[0]
    with pytest.raises(services.BrandError, match="Only notes"):
        services.delete_note(session, created)


def test_deleting_a_brand_takes_its_contacts_and_timeline(session, user) -> None:
    brand = make_brand(session, user)
    make_contact(session, user, brand)
    make_note(session, user, brand)
    services.delete_brand(session, brand)
    session.commit()
    assert session.scalars(select(Contact)).all() == []
    assert session.scalars(select(BrandActivity)).all() == []


def test_tag_names_are_the_creators_own(session, user, other_user) -> None:
    make_brand(session, user, tags="skincare, q4")
    make_brand(session, user, tags="q4")
    make_brand(session, other_user, tags="secret")
    assert services.tag_names(session, user.id) == ["q4", "skincare"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    tagged=st.lists(
        st.lists(st.text(alphabet="abzé-1 Ж", min_size=1, max_size=4), max_size=4), max_size=6
    )
)
def test_tag_names_are_what_a_distinct_finds(session, user, other_user, tagged) -> None:
    savepoint = session.begin_nested()
    try:
        for n, names in enumerate(tagged):
            for owner in (user, other_user) if n % 2 else (user,):
                brand = Brand(owner_id=owner.id, name=f"B{n}", name_key=f"b{n}")
                brand.tags = [BrandTag(owner_id=owner.id, name=name) for name in set(names)]
                session.add(brand)
        session.add(Brand(owner_id=other_user.id, name="Theirs", name_key="theirs"))
        session.flush()
        distinct = select(BrandTag.name).where(BrandTag.owner_id == user.id).distinct()
        expected = list(session.scalars(distinct.order_by(BrandTag.name)))
        assert services.tag_names(session, user.id) == expected
    finally:
        savepoint.rollback()


def test_tag_names_read_one_index_entry_per_name(session, user) -> None:
    for n in range(30):
        make_brand(session, user, tags=["gifting, q4", "q4", "eco, gifting"][n % 3])
    asked: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, *_rest) -> None:
        asked.append((statement, parameters))

    sa.event.listen(session.bind, "before_cursor_execute", record)
    try:
        assert services.tag_names(session, user.id) == ["eco", "gifting", "q4"]
    finally:
        sa.event.remove(session.bind, "before_cursor_execute", record)
    [(statement, parameters)] = [(s, p) for s, p in asked if "brand_tags" in s]
    connection = session.connection()
    if session.bind.dialect.name == "sqlite":
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        steps = [row[-1] for row in plan if "brand_tags" in row[-1]]
        assert steps and all("ix_brand_tags_owner_name" in step for step in steps), steps
        assert any("name>?" in step for step in steps), steps
        return
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    raw = connection.exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters
    ).scalar()
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]

    def nodes(node: dict[str, Any]) -> Any:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    read = sum(
        node["Actual Rows"] * node["Actual Loops"]
        for node in nodes(plan)
        if node.get("Relation Name") == "brand_tags"
    )
    # Three names and the step past the last: not the 50 tags of the 30 brands.
    assert read <= 4, read
