"""The extra-revision fee: a creator setting in the add-on policy on the Rates page (a
percent of the deal, 0 to 100, 0 = not set), never a quote uplift; past a deal's revision
limit it is named, and the deal's next invoice draft bills it."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from crm.add_on_policy import services
from crm.add_on_policy.models import AddOnUplift
from crm.deals import invoice_drafts, invoices
from crm.deals import services as deals
from crm.deals.models import DeliverableStatus
from crm.emails.pricing import add_on_lines
from crm.market.seed import SeedError, installed_market, parse_market
from crm.pitches.models import PitchKind
from crm.rates.errors import RatesError
from tests.factories_deals import TODAY, make_deal, make_deliverable
from tests.page_text import field_error, input_value
from tests.test_rates_seed import installed_data
from tests.test_rates_views import PAGE, calc, policy_form, text


def _fee(session, user) -> int | None:
    return services.saved_percents(session, user.id).get(deals.EXTRA_REVISION)


def test_the_seed_lists_the_fee_apart_from_the_uplifts() -> None:
    market = installed_market()
    assert [(f.key, f.kind, f.default_percent) for f in market.fees] == [
        (deals.EXTRA_REVISION, "fee", 0)
    ]
    assert deals.EXTRA_REVISION not in {a.key for a in market.add_ons}
    assert all(a.kind == "uplift" for a in market.add_ons)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"kind": "discount"}, "must be uplift or fee"), ({"default_percent": 101}, "0 to 100")],
)
def test_a_fee_in_the_seed_is_checked(change, message) -> None:
    data = copy.deepcopy(installed_data())
    fee = next(a for a in data["add_ons"] if a.get("kind") == "fee")
    fee.update(change)
    with pytest.raises(SeedError, match=message):
        parse_market(data)


def test_the_rates_page_shows_the_fee_in_its_own_row(user, logged_in) -> None:
    page = logged_in.get(PAGE)
    assert input_value(page, "percent_extra_revision") == ""
    assert "Extra revision: not set (agree it with the brand)" in text(page)
    response = logged_in.post("/rates/add-ons", data=policy_form(extra_revision="15"))
    assert response.status_code == 302
    page = logged_in.get(PAGE)
    assert "Extra revision: 15% of the deal" in text(page)
    assert input_value(page, "percent_extra_revision") == "15"


def test_saving_the_fee_stores_it_and_empty_is_not_set(session, user, logged_in) -> None:
    logged_in.post("/rates/add-ons", data=policy_form(extra_revision="15"))
    assert _fee(session, user) == 15
    logged_in.post("/rates/add-ons", data=policy_form(extra_revision=""))
    assert _fee(session, user) is None  # 0, not set: no row
    assert services.fee_percents(session, user.id, installed_market()) == {"extra_revision": 0}
    logged_in.post("/rates/add-ons", data=policy_form(extra_revision="0"))
    logged_in.post("/rates/add-ons", data=policy_form())  # a form from before the fee
    assert _fee(session, user) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("101", "Enter 0 to 100."),
        ("-1", "Enter 0 to 100."),
        ("12.5", "Enter a whole number"),
        ("ten", "Enter a whole number"),
    ],
)
def test_a_bad_fee_is_refused_beside_it_and_nothing_saved(
    session, user, logged_in, value, message
) -> None:
    response = logged_in.post("/rates/add-ons", data=policy_form(extra_revision=value))
    assert response.status_code == 200
    assert message in field_error(response, "percent_extra_revision")
    assert session.scalar(select(func.count()).select_from(AddOnUplift)) == 0


def test_the_service_holds_a_fee_to_0_to_100(session, user) -> None:
    market = installed_market()
    with pytest.raises(RatesError) as refused:
        services.save_add_on_policy(session, user.id, {deals.EXTRA_REVISION: 101}, market)
    assert refused.value.field == deals.EXTRA_REVISION
    assert "0 to 100" in refused.value.message
    services.save_add_on_policy(session, user.id, {"usage_rights": 101}, market)  # an uplift may
    services.save_add_on_policy(session, user.id, {deals.EXTRA_REVISION: 100}, market)
    assert services.fee_percents(session, user.id, market) == {deals.EXTRA_REVISION: 100}


def test_the_fee_is_no_quote_uplift(session, user, logged_in) -> None:
    market = installed_market()
    services.save_add_on_policy(session, user.id, {deals.EXTRA_REVISION: 15}, market)
    session.commit()
    page = calc(logged_in).get_data(as_text=True)
    assert 'value="usage_rights"' in page and 'value="extra_revision"' not in page
    policy = services.add_on_policy(session, user.id, market)
    assert deals.EXTRA_REVISION not in policy.percents
    page = text(calc(logged_in, sponsored_add_ons=["usage_rights", "extra_revision"]))
    assert "Extra revision +" not in page


def test_the_pitch_emails_quote_leaves_the_fee_out() -> None:
    market = installed_market()
    # add_on_lines reads only the saved percents of the creator's facts.
    facts = SimpleNamespace(add_on_percents={deals.EXTRA_REVISION: 15, "usage_rights": 30})
    labels = [line["label"] for line in add_on_lines(facts, PitchKind.UGC, market)]
    assert "Paid usage rights" in labels and "Extra revision" not in labels


def test_past_the_limit_the_fee_set_on_the_rates_page_is_named_and_billed(
    session, user, logged_in
) -> None:
    logged_in.post("/rates/add-ons", data=policy_form(extra_revision="10"))
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=0)
    deliverable = make_deliverable(session, user, deal, title="Unboxing video")
    deals.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    session.commit()
    with pytest.raises(deals.RevisionLimitReached) as refused:
        deals.request_revision(session, deliverable)
    assert refused.value.fee_cents == 9_000
    assert "Your add-on policy charges $90 for each extra revision." in refused.value.message
    deals.request_revision(session, deliverable, past_limit=True)
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert data.lines[-1] == invoices.LineData("Extra revision 1 on Unboxing video", 1, 9_000)
    page = logged_in.get(f"/deals/{deal.id}/invoices/new").get_data(as_text=True)
    assert "Extra revision 1 on Unboxing video" in page


def test_without_the_fee_no_line_is_billed(session, user) -> None:
    deal = make_deal(session, user, amount_cents=90_000, revision_limit=0)
    deliverable = make_deliverable(session, user, deal)
    deals.move_deliverable(session, deliverable, DeliverableStatus.SUBMITTED, TODAY)
    with pytest.raises(deals.RevisionLimitReached) as refused:
        deals.request_revision(session, deliverable)
    assert "Agree a fee for the extra revision with the brand" in refused.value.message
    deals.request_revision(session, deliverable, past_limit=True)
    session.commit()
    session.refresh(deal)
    data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
    assert not any("Extra revision" in line.description for line in data.lines)
