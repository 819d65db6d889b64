"""The brand's page: /approve/<token>, no login (the token in the URL is the key).

An unknown, regenerated, revoked or expired token gets the same 404. POSTs carry a CSRF
token and are counted per token before anything else is checked (the shared throttle).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from crm import database, dates
from crm.accounts import login as auth
from crm.accounts.models import User
from crm.accounts.services import token_hash
from crm.approvals import mail, services
from crm.approvals.forms import AnswerForm
from crm.approvals.models import AnswerKind, ApprovalLink
from crm.database import db_session
from crm.deals.services import RevisionLimitReached, extra_revision_fee
from crm.saving import saving

bp = Blueprint("approve", __name__, url_prefix="/approve")

TOO_MANY = "Too many answers through this link in a short time. Wait a few minutes."


def _live(token: str) -> ApprovalLink:
    link = services.link_for_token(db_session(), token, database.utcnow())
    if link is None:
        abort(404)
    return link


def _page(link: ApprovalLink, forms: dict[int, AnswerForm], past_limit: dict | None = None) -> str:
    db = db_session()
    owner = db.get_one(User, link.owner_id)
    items = services.covered(db, link)
    for item in items:
        forms.setdefault(item.id, AnswerForm(formdata=None, deliverable=str(item.id)))
    return render_template(
        "approvals/public.html",
        link=link,
        deal=link.deal,
        owner=owner,
        items=items,
        forms=forms,
        actionable=services.ACTIONABLE,
        not_actionable=services.not_actionable,
        revisions_left=services.revisions_left,
        fee_cents=extra_revision_fee(db, link.deal),
        today=dates.today_in(owner.timezone),
        expires=dates.show_date(link.expires_at, owner.timezone, with_time=True),
        past_limit=past_limit,
    )


@bp.get("/<token>")
def page(token: str) -> str:
    """Each covered deliverable: brief, due date, draft link, status, revisions left."""
    return _page(_live(token), {})


@bp.post("/<token>")
def answer(token: str) -> str | Response:
    """Approve a submitted draft, or ask for a revision (past the limit: confirm first)."""
    link = _live(token)
    limit = current_app.config["APPROVAL_POSTS_MAX_PER_LINK"]
    if auth.throttle().counter.hit([f"approve:{token_hash(token)}"])[0] > limit:
        abort(429, TOO_MANY)
    link = _live(token)  # the throttle ended the read: load it again
    form = AnswerForm()
    deliverable_id, kind = form.deliverable_id(), form.kind()
    if deliverable_id is None or kind is None:
        flash("That form was incomplete: try again.", "error")
        return _page(link, {}), 400
    if not form.validate_on_submit():
        return _page(link, {deliverable_id: form})  # the message beside the comment
    approving = kind is AnswerKind.APPROVED
    with saving(form, unshown=(RevisionLimitReached,)) as saved:
        if approving:
            done = services.approve(db_session(), link, deliverable_id, database.utcnow())
        else:
            done = services.ask_revision(
                db_session(),
                link,
                deliverable_id,
                form.comment.data or "",
                database.utcnow(),
                confirm=form.confirm.data == "1",
            )
    if isinstance(limit_hit := saved.refusal, RevisionLimitReached):
        past = {"id": deliverable_id, "fee_cents": limit_hit.fee_cents}
        return _page(link, {deliverable_id: form}, past)
    if not saved:
        return _page(link, {deliverable_id: form})
    mail.tell_creator(db_session().get_one(User, link.owner_id), done, kind, done_comment(form))
    flash(
        f"Thanks: {done.title} is approved."
        if approving
        else f"Thanks: the revision request for {done.title} is on its way.",
        "success",
    )
    return redirect(url_for("approve.page", token=token), 303)


def done_comment(form: AnswerForm) -> str:
    return "" if form.kind() is AnswerKind.APPROVED else (form.comment.data or "").strip()
