"""Over-long text is refused with a message beside its field, never cut: every text field's
limit comes from its Length validator and fits its column, pages carry it as data-maxlength
(a maxlength attribute makes the browser cut a paste silently), and services refuse."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select
from wtforms import Field, StringField
from wtforms.validators import Length

import crm
from crm.accounts import forms as account_forms
from crm.accounts import services as accounts
from crm.accounts.models import User
from crm.approvals import forms as approval_forms
from crm.approvals.models import ApprovalAnswer
from crm.brands import forms as brand_forms
from crm.brands import services as brands
from crm.brands.models import Brand, Contact
from crm.calculators.forms import MoneyField
from crm.deals import deliverable_forms, invoice_forms
from crm.deals import forms as deal_forms
from crm.deals.invoice_models import Invoice, InvoiceSettings
from crm.deals.invoices import LINE_ROWS
from crm.deals.models import Deal, Deliverable
from crm.emails import forms as email_forms
from crm.emails.models import PitchEmailTemplate
from crm.errors import FieldError
from crm.forms import HiddenLineField
from crm.income import forms as income_forms
from crm.income.models import Expense, IncomeEntry, IncomeTarget
from crm.inquiries import forms as inquiry_forms
from crm.inquiries.models import Inquiry
from crm.kit import forms as kit_forms
from crm.kit.models import PRICE_KINDS, MediaKit
from crm.pitches import forms as pitch_forms
from crm.pitches import services as pitches
from crm.pitches.models import Pitch
from crm.stats import forms as stats_forms
from crm.stats import services as stats
from crm.stats.models import PortfolioVideo
from crm.timeline.models import BrandActivity
from tests.factories import ID_FACTORIES
from tests.factories_brands import make_brand
from tests.form_pages import crawl, start_pages
from tests.forms_census import fields, form_classes

# Where each form's text lands: the model, and field names that differ from the column's.
STORED_IN: dict[type, tuple[type, dict[str, str]]] = {
    brand_forms.BrandForm: (Brand, {}),
    brand_forms.ContactForm: (Contact, {}),
    brand_forms.NoteForm: (BrandActivity, {}),
    account_forms.ProfileForm: (User, {}),
    account_forms.RegisterForm: (User, {}),
    pitch_forms.CadenceForm: (User, {"cadence": "followup_cadence"}),
    pitch_forms.PitchForm: (Pitch, {}),
    pitch_forms.NewPitchForm: (Pitch, {"token": "creation_token"}),
    email_forms.EmailForm: (Pitch, {}),
    email_forms.TemplateForm: (PitchEmailTemplate, {}),
    stats_forms.VideoForm: (PortfolioVideo, {}),
    income_forms.EntryForm: (IncomeEntry, {}),
    income_forms.GoalForm: (User, {"goal": "income_goal_cents"}),
    income_forms.NewEntryForm: (IncomeEntry, {"token": "creation_token"}),
    income_forms.ExpenseForm: (Expense, {}),
    income_forms.NewExpenseForm: (Expense, {"token": "creation_token"}),
    income_forms.DiamondValueForm: (User, {"value": "diamond_value_micros"}),
    deliverable_forms.DeliverableForm: (Deliverable, {}),
    deliverable_forms.NewDeliverableForm: (Deliverable, {"token": "creation_token"}),
    deliverable_forms.MoveForm: (Deliverable, {}),
    invoice_forms.InvoiceSettingsForm: (InvoiceSettings, {}),
    invoice_forms.InvoiceForm: (Invoice, {}),
    invoice_forms.NewInvoiceForm: (Invoice, {"token": "creation_token"}),
    invoice_forms.PaidForm: (Invoice, {}),
    invoice_forms.ActionForm: (Invoice, {}),
    deal_forms.DealForm: (Deal, {}),
    deal_forms.NewDealForm: (Deal, {"token": "creation_token"}),
    deal_forms.DealFromPitchForm: (Deal, {}),
    approval_forms.AnswerForm: (
        ApprovalAnswer,
        {"deliverable": "deliverable_id", "action": "kind"},
    ),
    # The own prices land as cents in the <kind>_cents columns.
    kit_forms.KitForm: (MediaKit, {kind: f"{kind}_cents" for kind in PRICE_KINDS}),
    inquiry_forms.InquiryForm: (Inquiry, {"budget": "budget_cents"}),
}
# Forms built at run time from the seed (a new class each time), by name: each of their
# fields is an amount of money, stored as cents in the one column named.
BUILT_STORED_IN: dict[str, tuple[type, str]] = {"TargetsForm": (IncomeTarget, "amount_cents")}
# Forms whose text is looked up or checked, never stored as typed.
NOT_STORED = {"LoginForm", "EmailOnlyForm", "ChangePasswordForm", "ChoosePasswordForm"}
NOT_STORED |= {"FilterForm", "CalculatorForm", "StatusForm", "MonthForm"}
NOT_STORED |= {"DueSortForm", "RevisionForm"}
# An invoice's "send to": it goes out in the email, and into a timeline line's text.
NOT_STORED |= {"SendInvoiceForm"}
# The import steps carry a kept upload's hash and name and a CSV's column names; the names
# are kept as one JSON mapping, checked against the file by crm.imports.mappings.checked.
NOT_STORED |= {"KeptUploadForm", "CommitForm", "MappingForm"}
# Fields of stored forms without a column of their own, and why.
NO_COLUMN = {
    "password": "stored as a hash",
    "confirm": "must equal the password",
    "tags": "split into tags of normalise.TAG_MAX, checked by clean_tags",
    "quoted_rate": "stored as cents",
    "kind": "a hidden email kind, checked against the list",
    "amount": "stored as cents",
    "goal": "stored as cents",
    "value": "a diamond's value, stored as millionths",
    "rate": "stored as millionths",
    "brand": "a brand's name, looked up and stored as brand_id",
    # An invoice's line rows (tests/test_invoices.py holds their limit to the line's column).
    **{f"line{i}_description": "stored as InvoiceLine.description" for i in range(LINE_ROWS)},
    **{f"line{i}_unit": "stored as cents" for i in range(LINE_ROWS)},
    "deposit": "stored as cents",
    "gifted_value": "stored as cents",
    "start_month": "a month, stored as its first day",
    "next_number": "read as a whole number, stored as InvoiceSettings.next_seq",
    "homepage": "the inquiry form's honeypot: filled, nothing is kept",
}
# Wider than the column on purpose: a pasted profile link, reduced to the handle.
REDUCED = {"tiktok_handle"}


def _is_text(field: Field) -> bool:
    # A money field's data is cents, not text; a hidden field is never typed.
    return isinstance(field, StringField) and not isinstance(field, MoneyField | HiddenLineField)


def _length_max(field: Field) -> int | None:
    highs = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(highs) if highs else None


def _text_fields(app: Flask):
    for form_class in form_classes(app):
        for name, field in fields(form_class):
            if _is_text(field):
                yield form_class, name, field


def test_every_text_field_has_a_length_limit(app: Flask) -> None:
    unbounded = [
        f"{cls.__name__}.{name}" for cls, name, field in _text_fields(app) if not _length_max(field)
    ]
    assert sum(1 for _ in _text_fields(app)) >= 25
    assert not unbounded, unbounded


def test_every_form_with_text_says_where_it_is_stored(app: Flask) -> None:
    with_text = {cls for cls, _name, _field in _text_fields(app)}
    unclassified = [
        cls.__name__
        for cls in with_text
        if cls not in STORED_IN and cls.__name__ not in NOT_STORED | set(BUILT_STORED_IN)
    ]
    assert not unclassified, f"add to STORED_IN or NOT_STORED: {unclassified}"


def test_every_stored_text_field_fits_its_column(app: Flask) -> None:
    failures = []
    for form_class, (model, renamed) in STORED_IN.items():
        columns = sa.inspect(model).columns
        for name, field in fields(form_class):
            if not _is_text(field) or name in NO_COLUMN:
                continue
            column = renamed.get(name, name)
            if column not in columns:
                failures.append(
                    f"{form_class.__name__}.{name}: no column {model.__name__}.{column}"
                )
                continue
            kind, most = columns[column].type, _length_max(field)
            bounded = isinstance(kind, sa.String) and kind.length and name not in REDUCED
            if bounded and (most is None or most > kind.length):
                failures.append(f"{form_class.__name__}.{name}: {most} > String({kind.length})")
    assert not failures, "\n".join(failures)


def test_every_built_forms_amounts_have_their_cents_column(app: Flask) -> None:
    built = {cls.__name__: cls for cls in form_classes(app) if cls.__name__ in BUILT_STORED_IN}
    assert set(built) == set(BUILT_STORED_IN)
    for name, (model, column) in BUILT_STORED_IN.items():
        assert isinstance(sa.inspect(model).columns[column].type, sa.Integer | sa.BigInteger)
        amounts = [field for _name, field in fields(built[name]) if _is_text(field)]
        assert amounts and all(isinstance(f, income_forms.AmountField) for f in amounts)


class _TextInputs(HTMLParser):
    """Every typed text box of a page: (name, attributes)."""

    TYPED = {"text", "email", "search", "url", "password", "tel"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "textarea" or (tag == "input" and a.get("type", "text") in self.TYPED):
            self.found.append((a.get("name", ""), a))


def test_pages_give_the_limit_to_the_counter_and_never_a_cutting_maxlength(
    app: Flask, logged_in, session, user
) -> None:
    ids = {name: factory(session, user).id for name, factory in ID_FACTORIES.items()}
    _forms, reached = crawl(app, logged_in, start_pages(app, ids))
    boxes = []
    for page in sorted(reached):
        parser = _TextInputs()
        parser.feed(logged_in.get(page).get_data(as_text=True))
        boxes.extend((page, name, attrs) for name, attrs in parser.found)
    assert len({(page, name) for page, name, _ in boxes}) >= 20
    cutting = [f"{page} {name}" for page, name, attrs in boxes if "maxlength" in attrs]
    # Amounts are parsed into cents; their limit is the amount's, not a length.
    amounts = {
        name
        for cls in form_classes(app)
        for name, field in fields(cls)
        if isinstance(field, MoneyField)
    }
    uncounted = [
        f"{page} {name}"
        for page, name, attrs in boxes
        if "data-maxlength" not in attrs and name not in amounts
    ]
    assert not cutting, cutting
    assert not uncounted, uncounted


def test_the_counter_is_in_the_shared_script_not_inline() -> None:
    script = (Path(crm.__file__).parent / "static" / "app.js").read_text()
    assert "data-maxlength" in script and "characters left" in script


def test_no_service_cuts_text_to_a_limit() -> None:
    # `value[:SOME_MAX]` is how a silent cut looks; a limit is a refusal (FieldError).
    # (Short literal slices, like a 20-character excerpt in a message, are not storage.)
    cut = re.compile(r"\[:\s*(?:[A-Za-z_.]*(?:MAX|LIMIT|max|limit)[A-Za-z_]*|\d{3,}|\d_\d+)\s*\]")
    root = Path(crm.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if cut.search(line)
    ]
    assert not found, found


def _over(limit: int) -> str:
    return "x" * (limit + 1)


def _brand_data(**values: Any) -> brands.BrandData:
    return brands.BrandData(**{"name": "Glow Co", **values})


REFUSALS: dict[str, tuple[Callable[[Any, Any], Any], str]] = {
    "brand name": (
        lambda s, u: brands.save_brand(s, u.id, None, _brand_data(name=_over(200))),
        "name",
    ),
    "brand notes": (
        lambda s, u: brands.save_brand(s, u.id, None, _brand_data(notes=_over(5_000))),
        "notes",
    ),
    # 296 characters typed, 304 once https:// is added: refused, not cut to 300.
    "brand website": (
        lambda s, u: brands.save_brand(s, u.id, None, _brand_data(website="glow.co/" + "a" * 288)),
        "website",
    ),
    "timeline note": (lambda s, u: brands.add_note(s, make_brand(s, u), _over(2_000)), "text"),
    "contact name": (
        lambda s, u: brands.save_contact(s, make_brand(s, u), None, brands.ContactData(_over(120))),
        "name",
    ),
    "contact role": (
        lambda s, u: brands.save_contact(
            s, make_brand(s, u), None, brands.ContactData("Dana", role=_over(120))
        ),
        "role",
    ),
    "display name": (
        lambda s, u: accounts.update_profile(s, u, _profile(u, display_name=_over(80))),
        "display_name",
    ),
    "profile handle": (
        lambda s, u: accounts.update_profile(s, u, _profile(u, tiktok_handle=_over(24))),
        "tiktok_handle",
    ),
    "video title": (
        lambda s, u: stats.save_video(
            s,
            u.id,
            None,
            stats.VideoData("https://tiktok.com/@me/video/1", _over(200), "home", 1, 0),
        ),
        "title",
    ),
    "video link": (
        lambda s, u: stats.save_video(
            s, u.id, None, stats.VideoData("https://tiktok.com/" + "a" * 482, "t", "home", 1, 0)
        ),
        "url",
    ),
    "pitch subject": (
        lambda s, u: pitches.update_pitch(
            s, u.id, _pitch(s, u), pitches.PitchData(subject=_over(200))
        ),
        "subject",
    ),
    "pitch body": (
        lambda s, u: pitches.update_pitch(
            s, u.id, _pitch(s, u), pitches.PitchData(body=_over(20_000))
        ),
        "body",
    ),
}


def _profile(user: User, **changes: Any) -> accounts.ProfileData:
    values = {
        name: getattr(user, name) for name in accounts.ProfileData.__dataclass_fields__
    } | changes
    return accounts.ProfileData(**values)


def _pitch(session, user) -> Pitch:
    from tests.factories_pitches import make_pitch

    return make_pitch(session, user)


@pytest.mark.parametrize("what", sorted(REFUSALS))
def test_services_refuse_over_long_text_beside_its_field(session, user, what) -> None:
    call, field = REFUSALS[what]
    with pytest.raises(FieldError) as refused:
        call(session, user)
    assert refused.value.field == field


def test_a_ten_thousand_character_brand_note_is_refused_not_cut(logged_in, session, user) -> None:
    brand = make_brand(session, user, notes="Kept as it was.")
    response = logged_in.post(
        f"/brands/{brand.id}/edit",
        data={
            "name": brand.name,
            "status": "lead",
            "kind": "dtc",
            "source": "other",
            "product_category": "home",
            "notes": "n" * 10_000,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="notes-error"' in page
    session.expire_all()
    assert session.get(Brand, brand.id).notes == "Kept as it was."


def test_a_timeline_note_past_the_limit_is_refused_not_cut(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(f"/brands/{brand.id}/notes", data={"text": "t" * 2_001})
    assert response.status_code in (200, 302)
    notes = session.scalars(
        select(BrandActivity).where(
            BrandActivity.brand_id == brand.id, BrandActivity.kind == "note"
        )
    ).all()
    assert notes == []
    if response.status_code == 302:
        page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    else:
        page = response.get_data(as_text=True)
    assert "2,000 characters" in page


NUMBERS_AS_TEXT = (income_forms.AmountField, income_forms.RateTextField)


def test_the_deals_forms_say_the_apps_length_message(app: Flask) -> None:
    # One message for typed text over its limit, from crm.forms.at_most (amounts and rates,
    # the income area's fields, say what a number looks like; hidden fields are never typed).
    deals_forms = [cls for cls in form_classes(app) if cls.__module__.startswith("crm.deals.")]
    assert len(deals_forms) >= 10
    found, other = 0, []
    for cls in deals_forms:
        for name, field in fields(cls):
            if not _is_text(field) or isinstance(field, NUMBERS_AS_TEXT):
                continue
            for v in field.validators:
                if isinstance(v, Length) and v.max >= 0:
                    found += 1
                    if v.message != f"At most {v.max:,} characters.":
                        other.append(f"{cls.__name__}.{name}: {v.message!r}")
    assert found >= 15
    assert not other, other


def test_at_most_says_the_limit_in_the_apps_words(app: Flask) -> None:
    from crm.forms import at_most

    check = at_most(5_000)
    assert (check.max, check.message) == (5_000, "At most 5,000 characters.")


def test_an_over_long_deal_title_is_refused_in_the_apps_words(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    data = {"title": "t" * 201, "kind": "ugc", "status": "active", "amount": "450"}
    data |= {"currency": "USD", "payment_terms": "on_delivery", "revision_limit": "2"}
    response = logged_in.post(f"/deals/new?brand={brand.id}", data={**data, "token": "k" * 32})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="error" id="title-error">At most 200 characters.</p>' in page
    assert session.scalar(select(sa.func.count()).select_from(Deal)) == 0


def test_the_deals_services_say_the_same_length_message(session, user) -> None:
    from crm.deals import services as deals

    brand = make_brand(session, user)
    data = deals.DealData(brand_id=brand.id, title="t" * 201, amount_cents=100)
    with pytest.raises(FieldError) as refused:
        deals.save_deal(session, user, None, data, date(2026, 3, 2))
    assert (refused.value.field, refused.value.message) == ("title", "At most 200 characters.")
