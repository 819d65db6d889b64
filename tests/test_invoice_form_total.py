"""The invoice form says the rights add-ons are on top of the agreed amount, and its total."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.deals.invoice_models import Invoice
from tests.factories_deals import make_deal
from tests.test_invoices_pages import _new_form, page_text


def _rights_deal(session, user):
    # $1,250.50 agreed; the seed's policy: usage +30%, whitelisting +25%.
    return make_deal(session, user, amount_cents=125_050, usage_days=30, whitelisting_days=30)


def test_the_form_says_the_add_ons_are_on_top_and_shows_the_total(logged_in, session, user) -> None:
    deal = _rights_deal(session, user)
    text = page_text(logged_in.get(f"/deals/{deal.id}/invoices/new"))
    assert "agreed amount is $1,250.50" in text and "prices its rights on top of it" in text
    assert "+30%: $375.15" in text and "+25%: $312.63" in text and "($687.78 added)" in text
    form = _new_form(logged_in, deal.id)
    assert form["line1_description"] == "Paid usage rights, 30 days (+30% of the agreed amount)"
    assert form["line2_description"].endswith("(+25% of the agreed amount)")
    assert "Total: $1,938.28" in text


def test_a_form_back_with_errors_shows_the_total_of_its_lines_as_typed(
    logged_in, session, user
) -> None:
    deal = _rights_deal(session, user)
    form = _new_form(logged_in, deal.id)
    # The add-ons left out, the video at 1,000 twice, and a started row without its price.
    form.update(line1_description="", line1_unit="", line2_description="", line2_unit="")
    form.update(line0_unit="1,000", line0_quantity="2", line3_description="Raw footage")
    text = page_text(logged_in.post(f"/deals/{deal.id}/invoices/new", data=form))
    assert "Enter the price per unit." in text and "Total: $2,000" in text
    count = select(func.count()).select_from(Invoice).where(Invoice.owner_id == user.id)
    assert session.scalar(count) == 0


def test_a_deal_without_priced_rights_has_no_add_on_note(logged_in, session, user) -> None:
    deal = make_deal(session, user, amount_cents=80_000)
    text = page_text(logged_in.get(f"/deals/{deal.id}/invoices/new"))
    assert "on top of it" not in text and "Total: $800" in text
