"""The next invoice number set in the settings: checked against the numbers used in its
series (under the sequence's lock), then the sequence goes on from it."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.accounts.models import User
from crm.deals import invoice_drafts, invoices
from crm.deals.invoice_numbers import InvoiceError, next_number
from crm.deals.models import Deal
from crm.market.seed import installed_market
from tests.factories import make_user
from tests.factories_deals import TODAY, make_deal, make_invoice
from tests.locks import waits_on_a_lock
from tests.test_invoices_concurrency import WAIT
from tests.test_invoices_pages import _csrf, page_text

YEAR = TODAY.year


def _settings(**values: str) -> invoices.SettingsData:
    return invoices.SettingsData(**values)


def test_the_next_number_typed_is_the_next_invoices_and_the_sequence_goes_on(session, user) -> None:
    invoices.save_settings(session, user, _settings(next_number="42"), TODAY)
    session.commit()
    assert next_number(session, user.id, YEAR) == f"INV-{YEAR}-0042"
    first, second = make_invoice(session, user), make_invoice(session, user)
    assert (first.number, second.number) == (f"INV-{YEAR}-0042", f"INV-{YEAR}-0043")


def test_the_next_number_can_be_written_out_in_the_format(session, user) -> None:
    invoices.save_settings(session, user, _settings(next_number=f"INV-{YEAR}-0042"), TODAY)
    assert make_invoice(session, user).number == f"INV-{YEAR}-0042"


@pytest.mark.parametrize("typed", ["1", "2", f"INV-{YEAR}-0002"])
def test_a_next_number_at_or_below_one_used_is_refused(session, user, typed) -> None:
    make_invoice(session, user), make_invoice(session, user)
    with pytest.raises(InvoiceError) as refused:
        invoices.save_settings(session, user, _settings(next_number=typed), TODAY)
    assert refused.value.field == "next_number"
    assert f"INV-{YEAR}-0002 is used already" in refused.value.message
    assert f"INV-{YEAR}-0003 or later" in refused.value.message


def test_numbers_of_another_year_or_format_leave_the_series_free(session, user) -> None:
    make_invoice(session, user, issue_on=date(YEAR - 1, 12, 1))  # INV-<last year>-0001
    invoices.save_settings(session, user, _settings(number_format="MM-{seq}"), TODAY)
    make_invoice(session, user)  # MM-2
    invoices.save_settings(session, user, _settings(next_number="1"), TODAY)
    assert make_invoice(session, user).number == f"INV-{YEAR}-0001"
    with pytest.raises(InvoiceError, match="MM-2 is used already"):
        # The same next number in the format changed back: checked in that series.
        invoices.save_settings(
            session, user, _settings(number_format="MM-{seq}", next_number="2"), TODAY
        )


def test_the_next_number_left_as_it_was_is_not_checked_again(session, user) -> None:
    first = make_invoice(session, user)
    first.number = f"INV-{YEAR}-0005"  # typed by hand, as an earlier version allowed
    session.commit()
    saved = invoices.save_settings(
        session, user, _settings(business_name="Maya", next_number="2"), TODAY
    )
    assert (saved.business_name, saved.next_seq) == ("Maya", 2)


@pytest.mark.parametrize("typed", ["forty", "0", "INV-1999-0042", "-3", "4.5", "٤٢", "9" * 40])
def test_a_next_number_that_does_not_read_is_refused_beside_it(session, user, typed) -> None:
    with pytest.raises(InvoiceError) as refused:
        invoices.save_settings(session, user, _settings(next_number=typed), TODAY)
    assert refused.value.field == "next_number"


def test_the_settings_page_sets_the_next_number(logged_in, session, user) -> None:
    url = "/deals/invoices/settings"
    assert 'name="next_number"' in logged_in.get(url).get_data(as_text=True)
    form = {"csrf_token": _csrf(logged_in, url), "number_format": "INV-{year}-{seq:04d}"}
    response = logged_in.post(url, data={**form, "next_number": "42"}, follow_redirects=True)
    assert invoices.get_settings(session, user.id).next_seq == 42
    assert "Your next invoice: INV-" in page_text(response) and "-0042" in page_text(response)


def test_the_settings_page_refuses_a_used_number_beside_the_field(logged_in, session, user) -> None:
    invoices.save_settings(session, user, _settings(number_format="{seq}"), TODAY)
    make_invoice(session, user)  # "1"
    url = "/deals/invoices/settings"
    form = {"csrf_token": _csrf(logged_in, url), "number_format": "{seq}", "business_name": "M"}
    html = logged_in.post(url, data={**form, "next_number": "1"}).get_data(as_text=True)
    assert 'id="next_number-error"' in html
    assert "used already" in html
    session.expire_all()
    found = invoices.get_settings(session, user.id)
    assert (found.next_seq, found.business_name) == (2, "")


# PostgreSQL only: a real race between committed transactions.
@pytest.fixture
def committed(engine: sa.Engine) -> Iterator[tuple[int, int]]:
    with Session(engine) as session:
        user = make_user(session, email=f"next-{uuid.uuid4().hex[:8]}@example.com")
        ids = (user.id, make_deal(session, user).id)
        invoices.save_settings(session, user, _settings())  # the settings page was opened
        session.commit()
    yield ids
    with Session(engine) as session:
        session.delete(session.get_one(User, ids[0]))
        session.commit()


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("CRM_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="needs PostgreSQL (CRM_TEST_DATABASE_URL): SQLite serialises writers",
)
def test_a_settings_save_waits_for_an_invoice_being_made_and_checks_its_number(
    engine: sa.Engine, committed: tuple[int, int]
) -> None:
    user_id, deal_id = committed
    made, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}
    settings_pid: list[int] = []

    def new_invoice() -> None:
        with Session(engine) as session:
            user, deal = session.get_one(User, user_id), session.get_one(Deal, deal_id)
            data, _ = invoice_drafts.draft_for(session, deal, TODAY, installed_market())
            outcome["number"] = invoices.create_invoice(session, user, deal, data, TODAY).number
            made.set()
            release.wait(WAIT)  # the counter row stays locked, the invoice uncommitted
            session.commit()

    def save_settings() -> None:
        with Session(engine) as session:
            settings_pid.append(session.scalar(sa.text("SELECT pg_backend_pid()")))
            made.wait(WAIT)
            user = session.get_one(User, user_id)
            try:  # the form as opened before the invoice: "1" was the next number then
                invoices.save_settings(session, user, _settings(next_number="1"), TODAY)
                session.commit()
                outcome["saved"] = "yes"
            except InvoiceError as error:
                outcome["refused"] = error.message

    threads = [threading.Thread(target=new_invoice), threading.Thread(target=save_settings)]
    for thread in threads:
        thread.start()
    assert made.wait(WAIT)
    assert waits_on_a_lock(engine, settings_pid, WAIT), (
        "the settings save never waited for the lock"
    )
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert outcome["number"] == f"INV-{YEAR}-0001"
    assert "used already" in outcome.get("refused", "")
    with Session(engine) as session:
        assert invoices.get_settings(session, user_id).next_seq == 2
