"""The creator's approval pages: send a link for a deal, revoke or renew it (answers: the inbox)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm import database
from crm.accounts.login import creator
from crm.accounts.mail import absolute_url, mail_configured
from crm.accounts.services import token_hash
from crm.approvals import mail, services
from crm.approvals.forms import LinkDaysForm, SendForm
from crm.approvals.models import ApprovalLink
from crm.database import db_session
from crm.deals.models import Deal, DeliverableStatus
from crm.ownership import get_owned_or_404
from crm.saving import saving

bp = Blueprint("approvals", __name__, url_prefix="/approvals")

# A new link's token rides in the signed session cookie to the page after the redirect,
# which pops it: shown once (as the calendar feed's).
NEW_LINK_KEY = "approval_link_new"


@bp.before_request
@login_required
def _require_login() -> None:
    """Every page here is the creator's own (the brand's page is crm.approvals.public)."""


def _deal_page(deal: Deal, form: SendForm) -> str:
    db, user = db_session(), creator()
    fresh = session.pop(NEW_LINK_KEY, None)
    links = services.active_links(db, user.id, deal.id, database.utcnow())
    new_url = None
    if isinstance(fresh, dict) and isinstance(fresh.get("token"), str):
        # A token since regenerated or revoked no longer works: not shown.
        shown = next((k for k in links if k.id == fresh.get("link_id")), None)
        if shown is not None and shown.token_hash == token_hash(fresh["token"]):
            new_url = absolute_url("approve.page", token=fresh["token"])
    return render_template(
        "approvals/deal.html",
        deal=deal,
        form=form,
        links=links,
        new_url=new_url,
        new_link_id=fresh.get("link_id") if new_url and isinstance(fresh, dict) else None,
        mail_on=mail_configured(),
        days=services.link_days(user),
        submitted=[d for d in deal.deliverables if d.status is DeliverableStatus.SUBMITTED],
    )


def _own_deal(deal_id: int) -> Deal:
    return get_owned_or_404(db_session(), Deal, deal_id, creator().id)


def _open(deal: Deal) -> list:
    return [d for d in deal.deliverables if d.status is not DeliverableStatus.POSTED]


@bp.route("/deals/<int:deal_id>", methods=["GET", "POST"])
def deal_links(deal_id: int) -> str | Response:
    """Send for approval: make a link (one deliverable or all open ones), list the live ones."""
    deal = _own_deal(deal_id)
    form = SendForm(_open(deal))
    if form.validate_on_submit():
        user = creator()
        with saving(form) as saved:
            made = services.create_link(
                db_session(), user, deal, form.deliverable_id(), database.utcnow()
            )
        if saved:
            session[NEW_LINK_KEY] = {"link_id": made.link.id, "token": made.token}
            url = absolute_url("approve.page", token=made.token)
            emailed = form.email_contact.data and mail.send_link(
                user, deal, url, services.link_days(user)
            )
            flash(
                "Approval link made"
                + (f" and emailed to {deal.contact.email}." if emailed else "."),
                "success",
            )
            return redirect(url_for("approvals.deal_links", deal_id=deal.id), 303)
    return _deal_page(deal, form)


def _own_link(link_id: int) -> ApprovalLink:
    return get_owned_or_404(db_session(), ApprovalLink, link_id, creator().id)


@bp.post("/links/<int:link_id>/revoke")
def revoke(link_id: int) -> Response:
    link = _own_link(link_id)
    with saving() as saved:
        revoked = services.revoke_link(db_session(), link, database.utcnow())
    if saved and revoked:
        flash("Link revoked: it no longer works.", "success")
    return redirect(url_for("approvals.deal_links", deal_id=link.deal_id))


@bp.post("/links/<int:link_id>/regenerate")
def regenerate(link_id: int) -> Response:
    link = _own_link(link_id)
    with saving() as saved:
        made = services.regenerate_link(db_session(), creator(), link, database.utcnow())
    if saved:
        session[NEW_LINK_KEY] = {"link_id": link.id, "token": made.token}
        flash("New link made: the old one no longer works.", "success")
    return redirect(url_for("approvals.deal_links", deal_id=link.deal_id), 303)


@bp.get("/")
def moved_to_inbox() -> Response:
    """The brand answers page was the inbox's second half: old links land there."""
    return redirect(url_for("inbox.index", _anchor="inbox-answers"), 301)


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | Response:
    user = creator()
    form = LinkDaysForm()
    if request.method == "GET":
        form.link_days.data = services.link_days(user)
    if form.validate_on_submit():
        with saving(form) as saved:
            services.save_link_days(db_session(), user, form.link_days.data)
        if saved:
            flash("Saved: new approval links work for that long.", "success")
            return redirect(url_for("approvals.settings"))
    return render_template("approvals/settings.html", form=form)
