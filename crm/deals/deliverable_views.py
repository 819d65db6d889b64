"""Deliverable pages: adding, editing and deleting one, moving it along, revisions, "Due"."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.creation_tokens import AlreadyCreated, new_token
from crm.database import db_session
from crm.deals import due, services
from crm.deals.blueprint import bp
from crm.deals.deliverable_forms import (
    DeliverableForm,
    DueSortForm,
    MoveForm,
    NewDeliverableForm,
    RevisionForm,
)
from crm.deals.models import Deal, Deliverable, DeliverableStatus, DeliverableType
from crm.forms import refused_filters
from crm.ownership import get_owned_or_404
from crm.saving import saving

# The pages a move or a revision request goes back to.
RETURNS = {"due": "deals.due", "edit": "deals.edit_deliverable"}


def _deal_page(deal: Deal) -> str | None:
    """The deal's own page, when the app has one."""
    if "deals.detail" in current_app.view_functions:
        return url_for("deals.detail", deal_id=deal.id)
    return None


def _own_deliverable(deliverable_id: int) -> Deliverable:
    return get_owned_or_404(db_session(), Deliverable, deliverable_id, creator().id)


def _data(form: DeliverableForm) -> services.DeliverableData:
    return services.DeliverableData(
        title=form.title.data or "",
        type=DeliverableType(form.type.data),
        brief=form.brief.data or "",
        due_on=form.due_on.data,
        draft_url=form.draft_url.data or "",
    )


@bp.route("/<int:deal_id>/deliverables/new", methods=["GET", "POST"])
def new_deliverable(deal_id: int) -> str | Response:
    deal = get_owned_or_404(db_session(), Deal, deal_id, creator().id)
    form = NewDeliverableForm().without_posting()
    if request.method == "GET":
        form.token.data = new_token()
    return _save(form, deal, None)


@bp.route("/deliverables/<int:deliverable_id>/edit", methods=["GET", "POST"])
def edit_deliverable(deliverable_id: int) -> str | Response:
    deliverable = _own_deliverable(deliverable_id)
    form = DeliverableForm(obj=deliverable)
    if deliverable.status is not DeliverableStatus.POSTED:
        form.without_posting()
    if request.method == "GET":
        form.type.data = deliverable.type.value
    return _save(form, deliverable.deal, deliverable)


def _save(form: DeliverableForm, deal: Deal, deliverable: Deliverable | None) -> str | Response:
    session, user, today = db_session(), creator(), creator_today()
    if form.validate_on_submit():
        token = form.token.data if isinstance(form, NewDeliverableForm) else None
        with saving(form, unshown=(AlreadyCreated,)) as saved:
            found = services.save_deliverable(
                session, user, deal, deliverable, _data(form), today, token=token
            )
            if form.posting:
                services.edit_posting(
                    session,
                    found,
                    today,
                    posted_on=form.posted_on.data,
                    live_url=form.live_url.data or "",
                )
        if isinstance(duplicate := saved.refusal, AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("deals.edit_deliverable", deliverable_id=duplicate.record.id))
        if saved:
            flash("Deliverable saved." if deliverable else "Deliverable added.", "success")
            own_page = url_for("deals.edit_deliverable", deliverable_id=found.id)
            return redirect(_deal_page(deal) or own_page)
    return _form_page(form, deal, deliverable, MoveForm(formdata=None))


def _form_page(
    form: DeliverableForm, deal: Deal, deliverable: Deliverable | None, move_form: MoveForm
) -> str:
    if deliverable is not None and not move_form.status.data:
        move_form.status.data = deliverable.status.value
    return render_template(
        "deals/deliverable_form.html",
        form=form,
        deal=deal,
        deliverable=deliverable,
        move_form=move_form,
        deal_page=_deal_page(deal),
    )


@bp.post("/deliverables/<int:deliverable_id>/delete")
def delete_deliverable(deliverable_id: int) -> Response:
    session = db_session()
    deliverable = _own_deliverable(deliverable_id)
    deal, title = deliverable.deal, deliverable.title
    with saving():
        session.delete(deliverable)
        session.flush()
    flash(f"Deliverable deleted: {title}.", "info")
    return redirect(_deal_page(deal) or url_for("deals.due"))


def _back(return_to: str, deliverable: Deliverable) -> Response:
    endpoint = RETURNS.get(return_to, RETURNS["edit"])
    if endpoint == "deals.due":
        return redirect(url_for(endpoint))
    return redirect(url_for(endpoint, deliverable_id=deliverable.id))


@bp.post("/deliverables/<int:deliverable_id>/move")
def move_deliverable(deliverable_id: int) -> str | Response:
    deliverable = _own_deliverable(deliverable_id)
    form = MoveForm()
    if form.validate_on_submit():
        status = DeliverableStatus(form.status.data)
        with saving(form, unshown=(services.RevisionLimitReached,)) as saved:
            services.move_deliverable(
                db_session(),
                deliverable,
                status,
                creator_today(),
                posted_on=form.posted_on.data if status is DeliverableStatus.POSTED else None,
                live_url=(form.live_url.data or "") if status is DeliverableStatus.POSTED else "",
            )
        if isinstance(limit := saved.refusal, services.RevisionLimitReached):
            return _past_limit_page(deliverable, limit, form.return_to.data or "")
        if saved:
            flash(f"{deliverable.title}: {deliverable.status.label.lower()}.", "success")
            return _back(form.return_to.data or "", deliverable)
        if saved.error is not None and saved.error.field not in form:
            return _back(
                form.return_to.data or "", deliverable
            )  # flashed: no field of the form to show it by
    edit_form = _edit_form(deliverable)
    return _form_page(edit_form, deliverable.deal, deliverable, form)


def _edit_form(deliverable: Deliverable) -> DeliverableForm:
    form = DeliverableForm(formdata=None, obj=deliverable)
    form.type.data = deliverable.type.value
    return form if deliverable.status is DeliverableStatus.POSTED else form.without_posting()


@bp.post("/deliverables/<int:deliverable_id>/revision")
def request_revision(deliverable_id: int) -> str | Response:
    deliverable = _own_deliverable(deliverable_id)
    form = RevisionForm()
    if not form.validate_on_submit():
        flash("The form expired; ask for the revision again.", "error")
        return redirect(url_for("deals.edit_deliverable", deliverable_id=deliverable.id))
    anyway = request.form.get("past_limit") == "yes"
    return_to = request.form.get("return_to", "")
    with saving(form, unshown=(services.RevisionLimitReached,)) as saved:
        services.request_revision(db_session(), deliverable, past_limit=anyway)
    if isinstance(limit := saved.refusal, services.RevisionLimitReached):
        return _past_limit_page(deliverable, limit, return_to)
    if saved:
        used, included = deliverable.revisions_used, deliverable.deal.revision_limit
        flash(f"Revision {used} requested ({included} included in the deal).", "success")
    return _back(return_to, deliverable)


def _past_limit_page(
    deliverable: Deliverable, limit: services.RevisionLimitReached, return_to: str
) -> str:
    """The warning before a revision past the deal's limit, with "Request it anyway"."""
    return render_template(
        "deals/revision_limit.html",
        deliverable=deliverable,
        deal=deliverable.deal,
        message=limit.message,
        fee_cents=limit.fee_cents,
        return_to=return_to if return_to in RETURNS else "edit",
    )


@bp.get("/due", endpoint="due")
def due_page() -> str | tuple[str, int]:
    form = DueSortForm(formdata=request.args)
    if not form.validate():
        return refused_filters(form, title="Due", what="your deliverables")
    sort = form.sort.data or "due"
    session, owner_id, today = db_session(), creator().id, creator_today()
    if form.group.data:
        page = due.group_page(
            session, owner_id, today, form.group.data, request.args.get("after"), sort
        )
        listing: due.DueList | due.GroupPage = page
    else:
        listing = due.due_list(session, owner_id, today, sort)
    return render_template(
        "deals/due.html",
        form=form,
        listing=listing,
        alone=isinstance(listing, due.GroupPage),
        sort=sort,
        cap=due.GROUP_CAP,
        move_options=due.move_options(),
        has_deal_page="deals.detail" in current_app.view_functions,
    )
