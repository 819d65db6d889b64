"""Saving a retainer rolls its due months at once (the cron job's roll, so never twice), and
`crm run` and `crm demo` roll every retainer once as they start.

These tests read the real clock: a deal's created_at (the month it was entered, from which
the roll starts) is the clock's, so the creator's today is too.
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import ScriptInfo
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import cli, database, dates
from crm.database import db_session
from crm.deals.cli import roll_at_start
from crm.deals.invoice_models import Invoice, InvoiceStatus
from crm.deals.models import Deal, DealKind, Deliverable
from crm.deals.retainer_models import RetainerMonth
from crm.pitches.models import PitchKind, PitchStatus
from tests.factories import make_user
from tests.factories_brands import make_brand
from tests.factories_deals import make_deal
from tests.factories_pitches import make_pitch


def _count(session: Session, model: type, **where: Any) -> int:
    statement = select(func.count()).select_from(model).filter_by(**where)
    return session.scalar(statement) or 0


def _this_month(user) -> str:
    return f"{dates.local_day(database.utcnow(), user.timezone):%Y-%m}"


def _retainer_form(user, **overrides: str) -> dict[str, str]:
    values = {
        "title": "Glow Co retainer",
        "kind": "retainer",
        "status": "active",
        "contact_id": "",
        "amount": "1500",
        "currency": "USD",
        "payment_terms": "net_15",
        "revision_limit": "2",
        "videos_per_month": "2",
        "start_month": _this_month(user),
        "exclusivity_category": "",
        "token": "r" * 32,
    }
    return values | overrides


def _rolled(session: Session, deal: Deal) -> tuple[int, int, int]:
    """(months rolled, deliverables, draft invoices) of `deal`."""
    session.expire_all()
    return (
        _count(session, RetainerMonth, deal_id=deal.id),
        _count(session, Deliverable, deal_id=deal.id),
        _count(session, Invoice, deal_id=deal.id, status=InvoiceStatus.DRAFT),
    )


def test_a_new_retainer_shows_this_months_work_and_invoice_at_once(
    logged_in, session, user
) -> None:
    brand = make_brand(session, user)
    response = logged_in.post(f"/deals/new?brand={brand.id}", data=_retainer_form(user))
    assert response.status_code == 302, response.get_data(as_text=True)
    deal = session.scalars(select(Deal)).one()
    assert _rolled(session, deal) == (1, 2, 1)
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Glow Co retainer: video 1 of 2" in page and "Glow Co retainer: video 2 of 2" in page
    assert "INV-" in page


def test_saving_a_retainer_again_rolls_nothing_more(logged_in, runner, session, user) -> None:
    brand = make_brand(session, user)
    logged_in.post(f"/deals/new?brand={brand.id}", data=_retainer_form(user))
    deal = session.scalars(select(Deal)).one()
    form = _retainer_form(user, title="Glow Co retainer, renamed")
    form.pop("token")
    response = logged_in.post(f"/deals/{deal.id}/edit", data=form)
    assert response.status_code == 302
    assert _rolled(session, deal) == (1, 2, 1)
    again = runner.invoke(args=["deals", "roll-retainers"])
    assert again.output == "Nothing new to roll: every retainer month is done already.\n"
    assert _rolled(session, deal) == (1, 2, 1)


def test_editing_a_deal_into_a_retainer_rolls_it(logged_in, session, user) -> None:
    deal = make_deal(session, user)
    form = _retainer_form(user, title=deal.title)
    form.pop("token")
    assert logged_in.post(f"/deals/{deal.id}/edit", data=form).status_code == 302
    assert _rolled(session, deal) == (1, 2, 1)


def test_another_kind_of_deal_rolls_nothing(logged_in, session, user) -> None:
    brand = make_brand(session, user)
    form = _retainer_form(user, kind="ugc", videos_per_month="", start_month="")
    assert logged_in.post(f"/deals/new?brand={brand.id}", data=form).status_code == 302
    assert _count(session, RetainerMonth) == 0 and _count(session, Invoice) == 0


def test_a_won_retainer_pitch_becomes_a_rolled_retainer(logged_in, session, user) -> None:
    pitch = make_pitch(session, user, status=PitchStatus.WON, kind=PitchKind.RETAINER)
    response = logged_in.post(
        f"/deals/from-pitch/{pitch.id}", data={"amount": "1500", "videos_per_month": "3"}
    )
    assert response.status_code == 302
    deal = session.scalars(select(Deal)).one()
    assert deal.kind is DealKind.RETAINER
    assert _rolled(session, deal) == (1, 3, 1)


def _waiting_retainer(session: Session) -> Deal:
    """Another creator's retainer, saved outside any page: its month not rolled yet."""
    other = make_user(session, email="retained@example.com")
    today = dates.local_day(database.utcnow(), other.timezone)
    return make_deal(session, other, kind=DealKind.RETAINER, videos_per_month=2,
                     start_month=today.replace(day=1), today=today)  # fmt: skip


def test_the_demo_rolls_every_retainer_once_as_it_starts(runner, session) -> None:
    deal = _waiting_retainer(session)
    assert _rolled(session, deal) == (0, 0, 0)
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert _rolled(session, deal) == (1, 2, 1)
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert "Retainers:" not in second.output  # nothing was due the second time
    assert _rolled(session, deal) == (1, 2, 1)


def test_crm_run_rolls_every_retainer_once_before_serving(app, session, monkeypatch) -> None:
    deal = _waiting_retainer(session)
    served: list[tuple[int, int, int]] = []
    # Serving is Flask's; what it finds when it starts is what this proves.
    stand_in = click.Command("run", callback=lambda **_: served.append(_rolled(session, deal)))
    monkeypatch.setattr(cli, "run_command", stand_in)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.main, ["run"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert served == [(1, 2, 1)]
    assert "Retainers: Rolled 1 month." in result.output


def test_rolling_at_start_leaves_no_transaction_for_the_server_to_wait_on(app, session) -> None:
    """`crm demo` serves from the app context it rolled in: a transaction left open there
    held SQLite's lock, and the first login waited on it until it gave up."""
    _waiting_retainer(session)
    with app.app_context():
        for _ in range(2):  # a month rolled, then nothing due
            roll_at_start()
            assert not db_session().in_transaction()
