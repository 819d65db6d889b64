"""The rights page (/deals/rights) and the renewal email drafted for a window about to end."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.accounts.models import User
from crm.add_on_policy.services import add_on_policy
from crm.database import db_session
from crm.deals import renewal
from crm.deals.blueprint import bp
from crm.deals.models import Deal
from crm.deals.rights import ENDING_SOON_DAYS
from crm.deals.rights_rows import rights_page, rows_of
from crm.market.current import market
from crm.ownership import owned


@bp.route("/rights")
def rights() -> str:
    today = creator_today()
    cursor = request.args.get("cursor") or None
    found = rights_page(db_session(), creator().id, today, cursor, current_app.config["PAGE_SIZE"])
    return render_template(
        "deals/rights.html", rights=found, today=today, soon_days=ENDING_SOON_DAYS
    )


def creator_name(user: User) -> str:
    """How the creator signs an email: their name, else their handle."""
    return user.display_name or user.handle_display


_NOTHING_TO_RENEW = "That deal has no right with an end date to extend."
_NOTHING_ENDING_SOON = (
    f"Nothing on that deal ends in the next {ENDING_SOON_DAYS} days: no renewal to draft yet."
)


@bp.route("/rights/<int:deal_id>/renewal")
def renewal_email(deal_id: int) -> str | Response:
    """A ready-to-copy email offering the brand an extension; GET only, nothing is saved."""
    user, session = creator(), db_session()
    deal = session.scalars(
        owned(Deal, user.id)
        .where(Deal.id == deal_id)
        .options(joinedload(Deal.brand), joinedload(Deal.contact))
    ).one_or_none()
    if deal is None:
        abort(404)
    today = creator_today()
    asked = request.args.get("right", "")
    row = renewal.window_to_renew(rows_of(deal, deal.brand.name, today), asked)
    if row is None:
        flash(_NOTHING_TO_RENEW if asked else _NOTHING_ENDING_SOON, "info")
        return redirect(url_for("deals.rights"))
    percent = add_on_policy(session, user.id, market()).percent(renewal.ADD_ON_FOR[row.kind])
    contact = deal.contact
    email = renewal.renewal_email(
        renewal.RenewalFacts(
            deal_title=deal.title,
            brand_name=deal.brand.name,
            contact_name=contact.name if contact else "",
            contact_email=contact.email if contact else "",
            amount_cents=deal.amount_cents,
            currency=deal.currency,
            window=row.window,
            percent=percent,
            creator_name=creator_name(user),
            category=market().category_label(deal.exclusivity_category),
        )
    )
    return render_template(
        "deals/renewal.html", deal=deal, row=row, email=email, contact=contact, today=today
    )
