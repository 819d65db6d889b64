"""The settings page (/settings): every area of the creator's settings, a line and a link each."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from crm.accounts.login import creator, creator_today
from crm.accounts.mail import absolute_url
from crm.approvals.services import link_days
from crm.database import db_session
from crm.emails.kinds import EmailKind
from crm.market.current import market
from crm.pitches import cadence, followups
from crm.settings.services import overview

bp = Blueprint("settings", __name__)


@bp.get("/settings")
@login_required
def index() -> str:
    user = creator()
    found = overview(db_session(), user.id, creator_today().year)
    return render_template(
        "settings/index.html",
        user=user,
        found=found,
        kit_url=absolute_url("kit.page", slug=found.kit_slug) if found.kit_slug else None,
        link_days=link_days(user),
        cadence=cadence.describe(followups.user_cadence(user)),
        add_ons=len(market().add_ons),
        template_kinds=len(EmailKind),
    )
