"""`crm deals list`: the creator's deals and their rights, as text or JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from crm import database
from crm.deals.models import DealKind, DealStatus
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch) -> None:
    monkeypatch.setattr(database, "utcnow", lambda: datetime(2026, 3, 2, 12, tzinfo=UTC))


def _cli(runner, *args):
    return runner.invoke(args=["deals", "list", *args])


def test_the_json_lists_each_deal_with_cash_in_kind_and_rights(runner, session, user) -> None:
    brand = make_brand(session, user, name="Glow Labs")
    paid = make_deal(session, user, brand, title="Serum", amount_cents=125_050,
                     usage_days=30, usage_start=date(2026, 2, 20))  # fmt: skip
    gifted = make_deal(session, user, brand, title="Box", kind=DealKind.GIFTED, amount_cents=0,
                       gifted_value_cents=8_000, status=DealStatus.DELIVERED)  # fmt: skip
    result = _cli(runner, "--user", user.email, "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert listed["today"] == "2026-03-02"
    first, second = listed["deals"]
    assert (first["id"], first["brand"], first["title"]) == (paid.id, "Glow Labs", "Serum")
    assert first["amount"] == 1250.5 and first["amount_cents"] == 125_050
    assert first["rights"] == [
        {
            "kind": "usage",
            "days": 30,
            "perpetual": False,
            "start": "2026-02-20",
            "end": "2026-03-21",
            "status": "active",
            "ending_soon": False,
            "detail": "",
        }
    ]
    assert second["id"] == gifted.id and second["kind"] == "gifted"
    assert (second["amount"], second["gifted_value"], second["status"]) == (0, 80, "delivered")
    assert second["gifted_value_cents"] == 8_000 and second["deposit_cents"] == 0
    assert second["rights"] == []


def test_the_text_lists_one_line_a_deal_and_its_rights(runner, session, user) -> None:
    make_deal(session, user, title="Spark run", amount_cents=50_000, whitelisting_days=14,
              whitelisting_start=date(2026, 2, 20))  # fmt: skip
    make_deal(session, user, title="Forever", usage_perpetual=True)
    result = _cli(runner, "--user", user.email)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "$500" in lines[0] and "Spark run" in lines[0] and "active" in lines[0]
    assert "Whitelisting / Spark Ads: 2026-02-20 to 2026-03-05 (active, ending soon)" in lines[1]
    assert "Forever" in lines[2] and "Paid usage: perpetual" in lines[3]


def test_no_deals_says_so(runner, user) -> None:
    assert _cli(runner, "--user", user.email).output == "No deals yet.\n"
    assert json.loads(_cli(runner, "--user", user.email, "--json").output)["deals"] == []


def test_another_creators_deals_are_not_listed(runner, session, user, other_user) -> None:
    make_deal(session, other_user, title="Not yours")
    assert "Not yours" not in _cli(runner, "--user", user.email, "--json").output


@pytest.mark.parametrize(
    "args",
    [["--user", "nobody@example.com"], [], ["--user", "creator@example.com", "--status", "x"]],
)
def test_a_bad_argument_is_one_error_line_and_exit_2(runner, user, args) -> None:
    result = _cli(runner, *args)
    assert result.exit_code == 2
    assert result.output.startswith("Error:") and len(result.output.strip().splitlines()) == 1
