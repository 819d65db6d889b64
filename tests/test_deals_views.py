"""Deal pages: the list with its filters and totals, new and edit (add-on prices, exclusivity
conflicts, double submit), one deal with its rights, and a won pitch becoming its deal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from crm import database
from crm.add_on_policy.models import AddOnUplift
from crm.deals.checks import DealData
from crm.deals.models import Deal, DealKind, DealStatus
from crm.deals.pricing import add_on_prices, percent_of
from crm.pitches.models import Pitch, PitchKind, PitchStatus
from tests.factories_brands import make_brand, make_contact
from tests.factories_deals import make_deal, make_deliverable
from tests.factories_pitches import make_pitch

TODAY = date(2026, 3, 10)
TOKEN = "d" * 32


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    """The creator's today is March 10, 2026 (crm.dates reads this clock)."""
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 10, 12, tzinfo=UTC))


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "title": "Three UGC videos",
        "kind": "ugc",
        "status": "active",
        "contact_id": "",
        "amount": "450",
        "currency": "USD",
        "gifted_value": "",
        "payment_terms": "on_delivery",
        "deposit": "",
        "revision_limit": "2",
        "notes": "",
        "exclusivity_category": "",
        "token": TOKEN,
    }
    values.update(overrides)
    return values


def _deal_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Deal))


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# The list


def test_the_list_shows_deals_newest_first_with_their_brand_and_next_due(
    logged_in, session, user
) -> None:
    older = make_deal(session, user, make_brand(session, user, name="Old Brand"), title="Older")
    newer = make_deal(session, user, make_brand(session, user, name="New Brand"), title="Newer")
    make_deliverable(session, user, newer, due_on=date(2026, 3, 20))
    make_deliverable(session, user, newer, due_on=date(2026, 3, 12))
    page = _page(logged_in, "/deals/")
    assert page.index("Newer") < page.index("Older")
    assert "New Brand" in page and "Old Brand" in page
    assert "Mar 12, 2026" in page or "12 Mar 2026" in page
    assert f"/deals/{older.id}" in page


def test_the_list_filters_by_status_and_kind(logged_in, session, user) -> None:
    make_deal(session, user, title="Paid one", status=DealStatus.PAID)
    make_deal(
        session, user, title="Gift box", kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=50
    )
    paid = _page(logged_in, "/deals/?status=paid")
    assert "Paid one" in paid and "Gift box" not in paid
    gifted = _page(logged_in, "/deals/?kind=gifted")
    assert "Gift box" in gifted and "Paid one" not in gifted


def test_a_filter_that_does_not_read_is_shown_back_with_its_error(logged_in, session, user) -> None:
    make_deal(session, user, title="Hidden figures")
    response = logged_in.get("/deals/?status=teleported&kind=ugc")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Not a valid choice" in page
    assert "Hidden figures" not in page


def test_active_cash_is_summed_apart_from_gifted_value(logged_in, session, user) -> None:
    make_deal(session, user, amount_cents=45_000)
    make_deal(session, user, amount_cents=30_000)
    make_deal(session, user, amount_cents=99_900, status=DealStatus.PAID)  # not active
    make_deal(session, user, kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=12_000)
    page = _page(logged_in, "/deals/")
    assert "$750" in page  # 450 + 300 active cash
    assert "$870" not in page and "$1,749" not in page  # never with the gift or the paid deal
    assert "worth $120 in kind" in page
    assert "Gifted: no payment" in page and "$0" not in page


def test_the_list_pages_by_keyset(logged_in, app, session, user) -> None:
    app.config["PAGE_SIZE"] = 2
    for number in range(3):
        make_deal(session, user, title=f"Deal number {number}")
    first = _page(logged_in, "/deals/")
    assert "Deal number 2" in first and "Deal number 0" not in first
    assert 'rel="next"' in first


# New, edit, delete


def test_new_without_a_brand_picks_one_first(logged_in, session, user) -> None:
    brand = make_brand(session, user, name="Pick Me")
    page = _page(logged_in, "/deals/new")
    assert f"/deals/new?brand={brand.id}" in page


def test_a_new_deal_is_saved_with_its_rights(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    contact = make_contact(session, user, brand=brand)
    form = _form(
        contact_id=str(contact.id),
        usage_days="30",
        usage_channels="TikTok ads",
        exclusivity_category="beauty",
        exclusivity_days="60",
        exclusivity_start="2026-03-01",
    )
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=form)
    assert response.status_code == 302
    deal = session.scalars(select(Deal)).one()
    assert response.headers["Location"].endswith(f"/deals/{deal.id}")
    assert (deal.amount_cents, deal.contact_id, deal.usage_days) == (45_000, contact.id, 30)
    assert deal.exclusivity_start == date(2026, 3, 1)
    page = _page(logged_in, f"/deals/{deal.id}")
    assert "starts when the content is posted" in page  # the usage right, no start yet
    assert "Apr 29, 2026" in page or "29 Apr 2026" in page  # 60 days from March 1


def test_a_double_submit_saves_one_deal(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    first = logged_in.post(f"/deals/new?brand={brand.id}", data=_form())
    second = logged_in.post(f"/deals/new?brand={brand.id}", data=_form())
    assert _deal_count(session) == 1
    assert second.headers["Location"] == first.headers["Location"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-5"}, "can&#39;t be negative"),
        ({"amount": "1,2,3"}, "not an amount"),
        ({"title": ""}, "Give the deal a title"),
        ({"deposit": "900"}, "deposit can&#39;t be more"),
        ({"kind": "gifted"}, "A gifted deal pays no cash"),
        ({"usage_days": "30", "usage_perpetual": "y"}, "Perpetual usage has no number of days"),
        ({"exclusivity_days": "30"}, "Name the product category"),
        ({"whitelisting_days": "0"}, "Enter 1 to 3,650 days"),
        ({"revision_limit": "-1"}, "revisions"),
        ({"currency": "XYZ"}, "Not a valid choice"),
        ({"kind": "retainer"}, "how many videos a month"),
        ({"start_month": "2026-13"}, "not a month"),
        ({"exclusivity_category": "made-up"}, "Pick one of the categories"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(
    logged_in, session, user, overrides, message
) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=_form(**overrides))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'class="error"' in page
    assert _deal_count(session) == 0


@pytest.mark.parametrize("kind", ["ugc", "sponsored_post", "affiliate"])
def test_an_empty_agreed_amount_is_refused_beside_it(logged_in, session, user, kind) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=_form(amount="", kind=kind))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="amount-error"' in page and "Enter the agreed amount." in page
    assert _deal_count(session) == 0


def test_emptying_a_deals_amount_keeps_the_amount_it_had(logged_in, session, user) -> None:
    deal = make_deal(session, user)
    form = _form(amount="")
    form.pop("token")
    response = logged_in.post(f"/deals/{deal.id}/edit", data=form)
    assert response.status_code == 200
    assert "Enter the agreed amount." in response.get_data(as_text=True)
    session.refresh(deal)
    assert deal.amount_cents == 90_000


def test_editing_a_deal_keeps_its_brand_and_pitch(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON)
    deal = make_deal(session, user, pitch.brand, pitch_id=pitch.id)
    page = _page(logged_in, f"/deals/{deal.id}/edit")
    assert 'value="900"' in page or 'value="900.00"' in page
    form = _form(title="Renamed", amount="1,000", status="delivered")
    form.pop("token")
    response = logged_in.post(f"/deals/{deal.id}/edit", data=form)
    assert response.status_code == 302
    session.refresh(deal)
    assert (deal.title, deal.amount_cents, deal.status) == (
        "Renamed",
        100_000,
        DealStatus.DELIVERED,
    )
    assert (deal.brand_id, deal.pitch_id) == (pitch.brand_id, pitch.id)


def test_deleting_a_deal_takes_its_deliverables(logged_in, session, user) -> None:
    deliverable = make_deliverable(session, user)
    deal_id, brand_id = deliverable.deal_id, deliverable.deal.brand_id
    response = logged_in.post(f"/deals/{deal_id}/delete")
    assert response.headers["Location"].endswith(f"/brands/{brand_id}")
    session.expire_all()
    assert session.get(Deal, deal_id) is None


def test_another_creators_deal_is_not_found(logged_in, session, other_user) -> None:
    deal = make_deal(session, other_user)
    assert logged_in.get(f"/deals/{deal.id}").status_code == 404
    assert logged_in.post(f"/deals/{deal.id}/delete").status_code == 404
    assert session.get(Deal, deal.id) is not None


# Priced add-ons


def test_the_form_prices_the_rights_from_the_add_on_policy(logged_in, session, user) -> None:
    session.add(AddOnUplift(owner_id=user.id, add_on="usage_rights", percent=30))
    session.add(AddOnUplift(owner_id=user.id, add_on="exclusivity", percent=10))
    session.commit()
    brand = make_brand(session, user)
    form = _form(
        usage_days="30", exclusivity_category="home", exclusivity_days="30", recalculate="1"
    )
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=form)
    page = response.get_data(as_text=True)
    assert "Paid usage +30%: $135" in page
    assert "Exclusivity +10%: $45" in page
    assert "$630" in page  # 450 + 135 + 45
    assert _deal_count(session) == 0  # recalculating saves nothing


def test_the_deal_page_prices_its_rights(logged_in, session, user) -> None:
    deal = make_deal(session, user, amount_cents=45_000, whitelisting_days=30)
    page = _page(logged_in, f"/deals/{deal.id}")
    assert "Whitelisting / Spark Ads +25%: $112.50" in page  # the seed's starting 25%


# Detail


def test_the_deal_page_lists_its_deliverables_and_links_the_timeline(
    logged_in, session, user
) -> None:
    deliverable = make_deliverable(session, user, title="Unboxing video")
    page = _page(logged_in, f"/deals/{deliverable.deal_id}")
    assert "Unboxing video" in page
    assert f"/brands/{deliverable.deal.brand_id}#timeline" in page


def test_a_gifted_deal_shows_no_payment_and_its_value_in_kind(logged_in, session, user) -> None:
    deal = make_deal(session, user, kind=DealKind.GIFTED, amount_cents=0, gifted_value_cents=8_000)
    page = _page(logged_in, f"/deals/{deal.id}")
    assert "Gifted: no payment" in page and "$0" not in page
    assert "gifted product (in kind) worth $80" in page


def test_a_gifted_deal_without_its_value_is_refused_beside_it(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    form = _form(kind="gifted", amount="", gifted_value="")
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="gifted_value-error"' in page and "what the gifted product is worth" in page
    assert _deal_count(session) == 0
    response = logged_in.post(f"/deals/new?brand={brand.id}", data={**form, "gifted_value": "60"})
    assert response.status_code == 302
    deal = session.scalars(select(Deal)).one()
    assert (deal.amount_cents, deal.gifted_value_cents) == (0, 6_000)


# A won pitch becomes its deal


def test_marking_a_pitch_won_offers_its_deal(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.NEGOTIATING)
    response = logged_in.post(f"/pitches/{pitch.id}/status", data={"status": "won"})
    assert response.headers["Location"].endswith(f"/deals/from-pitch/{pitch.id}")
    page = _page(logged_in, f"/deals/from-pitch/{pitch.id}")
    assert 'value="450"' in page or 'value="450.00"' in page  # the quote, prefilled
    assert _deal_count(session) == 0  # nothing made by looking


def test_confirming_makes_the_deal_once(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON)
    first = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": "500"})
    second = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": "500"})
    deal = session.scalars(select(Deal)).one()
    assert deal.amount_cents == 50_000 and deal.pitch_id == pitch.id
    assert first.headers["Location"].endswith(f"/deals/{deal.id}")
    assert second.headers["Location"] == first.headers["Location"]
    page = _page(logged_in, f"/pitches/{pitch.id}")
    assert f"/deals/{deal.id}" in page and "Create the deal" not in page


def test_a_won_pitch_without_its_deal_offers_it(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON)
    assert f"/deals/from-pitch/{pitch.id}" in _page(logged_in, f"/pitches/{pitch.id}")


def test_a_bad_amount_is_refused_beside_it(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON)
    response = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": "-1"})
    assert response.status_code == 200
    assert "can&#39;t be negative" in response.get_data(as_text=True)
    assert _deal_count(session) == 0


def test_an_empty_amount_for_a_won_pitch_is_refused_beside_it(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, quoted_cents=None)
    response = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": ""})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="amount-error"' in page and "Enter the agreed amount." in page
    assert _deal_count(session) == 0


def test_a_retainer_pitch_asks_for_its_videos(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, kind=PitchKind.RETAINER)
    refused = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": "1500"})
    assert "how many videos a month" in refused.get_data(as_text=True)
    logged_in.post(
        f"/deals/from-pitch/{pitch.id}", data={"amount": "1500", "videos_per_month": "4"}
    )
    deal = session.scalars(select(Deal)).one()
    assert (deal.kind, deal.videos_per_month, deal.start_month) == (
        DealKind.RETAINER,
        4,
        date(2026, 3, 1),
    )


def test_a_pitch_not_won_is_sent_back(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.SENT)
    response = logged_in.post(f"/deals/from-pitch/{pitch.id}", data={"amount": "500"})
    assert response.headers["Location"].endswith(f"/pitches/{pitch.id}")
    assert _deal_count(session) == 0


# Exclusivity conflicts before saving


@pytest.fixture
def exclusive(session, user) -> Deal:
    """A running 30-day exclusivity in beauty (March 1 to 30) with another brand."""
    other = make_brand(session, user, name="Glow Labs", product_category="beauty")
    return make_deal(
        session,
        user,
        other,
        title="Glow spring",
        exclusivity_category="beauty",
        exclusivity_days=30,
        exclusivity_start=date(2026, 3, 1),
    )


def test_a_new_deal_in_an_exclusive_category_warns_before_saving(
    logged_in, session, user, exclusive
) -> None:
    rival = make_brand(session, user, name="Rival Skin", product_category="beauty")
    response = logged_in.post(f"/deals/new?brand={rival.id}", data=_form())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Glow spring" in page and ("Mar 30, 2026" in page or "30 Mar 2026" in page)
    assert 'name="save_anyway"' in page
    assert _deal_count(session) == 1  # only the exclusive one
    saved = logged_in.post(f"/deals/new?brand={rival.id}", data=_form(save_anyway="y"))
    assert saved.status_code == 302
    assert _deal_count(session) == 2


def test_a_brand_in_another_category_saves_without_asking(
    logged_in, session, user, exclusive
) -> None:
    brand = make_brand(session, user, product_category="pets")
    assert logged_in.post(f"/deals/new?brand={brand.id}", data=_form()).status_code == 302


def test_a_new_pitch_in_an_exclusive_category_warns_before_saving(
    logged_in, session, user, exclusive
) -> None:
    rival = make_brand(session, user, name="Rival Skin", product_category="beauty")
    pitch_form = {
        "kind": "ugc",
        "channel": "email",
        "contact_id": "",
        "quoted_rate": "450",
        "currency": "USD",
        "subject": "Videos",
        "body": "Hi",
        "token": "p" * 32,
    }
    count = select(func.count()).select_from(Pitch)
    response = logged_in.post(f"/pitches/new?brand_id={rival.id}", data=pitch_form)
    assert "Glow spring" in response.get_data(as_text=True)
    assert session.scalar(count) == 0
    logged_in.post(f"/pitches/new?brand_id={rival.id}", data={**pitch_form, "save_anyway": "y"})
    assert session.scalar(count) == 1


# The add-on prices, as a pure function


def _rights(**overrides):
    return DealData(brand_id=1, title="t", **overrides)


def test_uplifts_add_up_on_the_agreed_amount_without_compounding() -> None:
    percents = {"usage_rights": 30, "whitelisting": 25, "exclusivity": 20}
    prices = add_on_prices(45_000, _rights(usage_perpetual=True, exclusivity_days=30), percents)
    assert [(line.kind.value, line.cents) for line in prices.lines] == [
        ("usage", 13_500),
        ("exclusivity", 9_000),
    ]
    assert prices.total_cents == 67_500  # 450 x 1.5, not 450 x 1.3 x 1.2
    assert prices.lines[0].line("USD") == "Paid usage +30%: $135"


def test_no_right_or_a_zero_percent_adds_nothing() -> None:
    assert add_on_prices(45_000, _rights(), {"usage_rights": 30}).lines == ()
    zero = add_on_prices(45_000, _rights(whitelisting_days=30), {"whitelisting": 0})
    assert zero.lines == () and zero.total_cents == 45_000


def test_half_a_cent_rounds_up() -> None:
    assert percent_of(1_001, 25) == 250  # 250.25
    assert percent_of(1_002, 25) == 251  # 250.5


def test_the_deal_page_lists_its_invoices_and_the_list_leads_to_the_deals_pages(
    logged_in, session, user, other_user
) -> None:
    from tests.factories_deals import make_invoice

    deal = make_deal(session, user)
    make_deliverable(session, user, deal)
    session.refresh(deal)
    invoice = make_invoice(session, user, deal)
    make_invoice(session, other_user)  # another creator's: never on this page
    session.commit()
    page = logged_in.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert f'href="/deals/invoices/{invoice.id}">{invoice.number}</a>' in page
    assert page.count('href="/deals/invoices/') == 1
    assert f'href="/deals/{deal.id}/invoices/new"' in page
    listing = logged_in.get("/deals/").get_data(as_text=True)
    for path in ("/deals/due", "/deals/invoices/", "/deals/rights", "/deals/calendar"):
        assert f'href="{path}"' in listing


def test_a_deal_or_brand_with_invoices_is_not_deleted(logged_in, session, user) -> None:
    from crm.deals.invoice_models import Invoice
    from crm.deals.models import Deal
    from tests.factories_deals import make_invoice

    deal = make_deal(session, user)
    make_deliverable(session, user, deal)
    session.refresh(deal)
    invoice = make_invoice(session, user, deal)
    brand_id, deal_id, number = deal.brand_id, deal.id, invoice.number
    session.commit()
    refused = logged_in.post(f"/deals/{deal_id}/delete", follow_redirects=True)
    assert "has invoices, which stay on record" in refused.get_data(as_text=True)
    refused = logged_in.post(f"/brands/{brand_id}/delete", follow_redirects=True)
    assert "has invoices, which stay on record" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(Deal, deal_id) is not None
    assert session.scalar(select(Invoice.number).where(Invoice.deal_id == deal_id)) == number
    free_id = make_deal(session, user).id  # no invoice: deleted with its deliverables
    session.commit()
    assert logged_in.post(f"/deals/{free_id}/delete").status_code == 302
    session.expire_all()
    assert session.get(Deal, free_id) is None


@pytest.mark.parametrize("query", ["status=%0D%0A", "kind=%20", "status=%09&kind=ugc"])
def test_a_blank_filter_is_no_filter_not_an_error(logged_in, query) -> None:
    assert logged_in.get(f"/deals/?{query}").status_code == 200


def test_an_account_with_invoiced_deals_can_still_be_deleted_whole(session, user) -> None:
    from crm.deals.invoice_models import Invoice
    from tests.factories_deals import make_invoice

    deal = make_deal(session, user)
    make_deliverable(session, user, deal)
    session.refresh(deal)
    make_invoice(session, user, deal)
    session.commit()
    session.execute(sa_delete_user(user.id))
    session.commit()
    assert session.scalar(select(func.count()).select_from(Invoice)) == 0


def sa_delete_user(user_id: int):
    """The account's row deleted in SQL: deals and invoices go by their own cascades."""
    from sqlalchemy import delete

    from crm.accounts.models import User

    return delete(User).where(User.id == user_id)
