"""The creator's own templates: saved only when they work, errors with the line, reset."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import func, select

from crm.emails.kinds import EmailKind, default_template
from crm.emails.models import PitchEmailTemplate
from crm.emails.wording import VARIABLES
from tests.factories_brands import make_brand, make_contact
from tests.page_text import field_error


@pytest.fixture
def brand(session, user):
    brand = make_brand(session, user, name="Glow Co", product_category="beauty")
    make_contact(session, user, brand, name="Dana Reyes", email="dana@glow.co", is_primary=True)
    return brand


def stored(session) -> list[PitchEmailTemplate]:
    return list(session.scalars(select(PitchEmailTemplate)))


def save(client, kind: str, subject: str, body: str, action: str = "save"):
    return client.post(
        f"/emails/templates/{kind}", data={"subject": subject, "body": body, "action": action}
    )


def test_the_list_shows_every_kind_as_built_in(logged_in) -> None:
    page = logged_in.get("/emails/templates").get_data(as_text=True)
    for kind in EmailKind:
        assert kind.label in page
    assert "Your own" not in page


def test_the_editor_starts_from_the_default_and_documents_every_variable(logged_in) -> None:
    page = logged_in.get("/emails/templates/ugc_pitch").get_data(as_text=True)
    default = default_template(EmailKind.UGC_PITCH)
    assert unescape(page).count(default.body.strip()) == 1
    for name in VARIABLES:
        assert f'<code data-placeholder="{name}">{name}</code>' in page
    assert "Preview" in page


def test_a_saved_template_writes_the_email(logged_in, session, user, brand) -> None:
    response = save(
        logged_in, "ugc_pitch", "Videos for {{ brand_name }}", "Hey {{ contact_first_name }}!"
    )
    assert response.status_code == 302
    (row,) = stored(session)
    assert (row.owner_id, row.kind) == (user.id, "ugc_pitch")
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert 'value="Videos for Glow Co"' in page
    assert "Hey Dana!" in page
    assert "Your own" in logged_in.get("/emails/templates").get_data(as_text=True)


def test_a_syntax_error_is_shown_with_its_line_and_not_saved(logged_in, session) -> None:
    response = save(logged_in, "ugc_pitch", "Hi", "Hello,\n\n{% if followers %}\nno end")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "body").startswith("Line ")
    assert "endif" in field_error(page, "body") or "end of template" in field_error(page, "body")
    assert stored(session) == []


def test_a_subject_error_is_shown_beside_the_subject(logged_in, session) -> None:
    page = save(logged_in, "ugc_pitch", "Hi {{ brand_name", "Body").get_data(as_text=True)
    assert field_error(page, "subject").startswith("Line 1:")
    assert stored(session) == []


def test_python_internals_are_out_of_reach(logged_in, session) -> None:
    page = save(logged_in, "ugc_pitch", "Hi", "Hi,\n{{ brand_name.__class__ }}").get_data(True)
    error = field_error(page, "body")
    assert error.startswith("Line 2: ")
    assert "__class__" in error and "no placeholder" in error
    assert stored(session) == []


def test_an_unknown_variable_and_an_undefined_attribute_are_refused(logged_in, session) -> None:
    page = save(logged_in, "ugc_pitch", "Hi", "Hi\n{{ folowers }}").get_data(as_text=True)
    assert field_error(page, "body").startswith("Line 2: There is no placeholder called 'folowers'")
    # The creator has no portfolio yet: the check still renders the loop with sample videos.
    body = "Hi\n{% for video in videos %}\n{{ video.link }}\n{% endfor %}"
    page = save(logged_in, "ugc_pitch", "Hi", body).get_data(as_text=True)
    assert field_error(page, "body").startswith("Line 3:")
    assert "link" in field_error(page, "body")
    assert stored(session) == []


def test_a_template_that_breaks_without_numbers_is_refused(logged_in, session) -> None:
    page = save(logged_in, "first_followup", "Hi", "See {{ videos[0].url }}").get_data(True)
    assert "when rendered with no stats, videos or contact" in field_error(page, "body")
    assert stored(session) == []


def test_preview_renders_without_saving(logged_in, session) -> None:
    response = save(
        logged_in, "ugc_pitch", "S {{ brand_name }}", "Body for {{ brand_name }}", "preview"
    )
    page = response.get_data(as_text=True)
    assert "Body for Sample Brand" in page
    assert stored(session) == []


def test_reset_to_default_deletes_the_creators_version(logged_in, session) -> None:
    save(logged_in, "rates_reply", "Mine", "My own rates email.")
    assert len(stored(session)) == 1
    response = logged_in.post("/emails/templates/rates_reply/reset")
    assert response.status_code == 302
    assert stored(session) == []
    page = logged_in.get("/emails/templates/rates_reply").get_data(as_text=True)
    assert "My own rates email." not in page


def test_reset_is_post_only_and_unknown_kinds_are_404(logged_in) -> None:
    assert logged_in.get("/emails/templates/ugc_pitch/reset").status_code == 405
    assert logged_in.get("/emails/templates/nope").status_code == 404
    assert logged_in.post("/emails/templates/nope/reset").status_code == 404


def test_a_stored_template_that_fails_falls_back_to_the_default_with_a_warning(
    logged_in, session, user, brand
) -> None:
    session.add(
        PitchEmailTemplate(
            owner_id=user.id, kind="ugc_pitch", subject="Hi", body="Hi\n{{ 1 | divided_by: 0 }}"
        )
    )
    session.commit()
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "Your own ugc pitch template failed (Line 2:" in page
    assert 'value="UGC videos for Glow Co' in page


def test_one_creators_template_is_not_anothers(
    client, auth, session, user, other_user, brand
) -> None:
    auth.login(other_user.email)
    save(client, "ugc_pitch", "Theirs", "Their own text.")
    auth.logout()
    auth.login(user.email)
    page = client.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "Their own text." not in page
    assert session.scalar(select(func.count(PitchEmailTemplate.id))) == 1


def test_a_template_left_in_the_old_syntax_falls_back_and_the_editor_shows_it(
    logged_in, session, user, brand
) -> None:
    old = "Hi {{ contact_first_name|truncate(8) }}"
    session.add(
        PitchEmailTemplate(
            owner_id=user.id, kind="ugc_pitch", subject="Mine", body=old, old_syntax=True
        )
    )
    session.commit()
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "template failed (it is still in the old template language" in page
    assert 'value="UGC videos for Glow Co' in page
    listing = logged_in.get("/emails/templates").get_data(as_text=True)
    assert "needs a fix" in listing
    editor = unescape(logged_in.get("/emails/templates/ugc_pitch").get_data(as_text=True))
    assert "still in the old template language" in editor
    assert old in editor
    save(logged_in, "ugc_pitch", "Mine", "Hi {{ contact_first_name | truncate: 8 }}")
    (row,) = stored(session)
    session.refresh(row)
    assert row.old_syntax is False
    page = logged_in.get(f"/emails/brands/{brand.id}").get_data(as_text=True)
    assert "Hi Dana" in page and "template failed" not in page
