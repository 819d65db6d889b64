"""`crm invoices overdue`: the sent invoices past due, as text or JSON; a bad --user refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from crm import database
from crm.deals import invoices
from crm.deals.models import PaymentTerms
from tests.factories_deals import TODAY, make_deal, make_invoice


def _overdue_setup(session, user, monkeypatch):
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 2, 12, tzinfo=UTC))
    deal = make_deal(session, user, payment_terms=PaymentTerms.NET_15)
    late = make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=20))
    make_invoice(session, user, deal, issue_on=TODAY - timedelta(days=20))  # a draft: not sent
    invoices.mark_sent(session, late)
    session.commit()
    return late


def test_overdue_lists_the_sent_invoices_past_due(runner, session, user, monkeypatch) -> None:
    late = _overdue_setup(session, user, monkeypatch)
    result = runner.invoke(args=["invoices", "overdue", "--user", user.email])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    assert line.split() == [late.number, "$900", *late.deal.brand.name.split(), "due",
                            "2026-02-25", "(5", "days", "overdue)"]  # fmt: skip


def test_overdue_as_json(runner, session, user, monkeypatch) -> None:
    late = _overdue_setup(session, user, monkeypatch)
    result = runner.invoke(args=["invoices", "overdue", "--user", user.email, "--json"])
    payload = json.loads(result.output)
    assert payload["today"] == "2026-03-02"
    assert [(i["number"], i["days_overdue"], i["total"]) for i in payload["invoices"]] == [
        (late.number, 5, 900)
    ]
    assert payload["invoices"][0]["total_cents"] == 90_000


def test_an_unknown_user_is_one_error_line_and_exit_2(runner) -> None:
    result = runner.invoke(args=["invoices", "overdue", "--user", "nobody@example.com"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error:") and "--user" in lines[0]
