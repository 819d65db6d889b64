"""Stats pages: snapshot history and entry, portfolio videos."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.database import db_session
from crm.ownership import get_owned_or_404
from crm.saving import saving
from crm.stats import metrics, services
from crm.stats.forms import SnapshotForm, VideoForm
from crm.stats.models import PortfolioVideo, StatsSnapshot

bp = Blueprint("stats", __name__, url_prefix="/stats")


@bp.before_request
@login_required
def _require_login() -> None:
    """Every stats page is the creator's own."""


def _snapshot_data(form: SnapshotForm) -> services.SnapshotData:
    return services.SnapshotData(
        taken_on=form.taken_on.data,
        period_days=form.period_days.data,
        followers=form.followers.data,
        video_views=form.video_views.data,
        likes=form.likes.data,
        comments=form.comments.data,
        shares=form.shares.data,
        posts=form.posts.data,
    )


def _video_data(form: VideoForm) -> services.VideoData:
    return services.VideoData(
        url=form.url.data.strip(),
        title=form.title.data.strip(),
        product_category=form.product_category.data,
        views=form.views.data,
        likes=form.likes.data,
    )


@bp.get("/")
def index() -> str:
    owner_id = creator().id
    session = db_session()
    cursor = request.args.get("cursor") or None
    history = services.history_page(session, owner_id, cursor, current_app.config["PAGE_SIZE"])
    return render_template(
        "stats/index.html",
        history=history,
        latest=history.items[0]
        if history.first and history.items
        else services.latest(session, owner_id),
        videos=services.videos(session, owner_id),
        engagement_formula=metrics.ENGAGEMENT_FORMULA,
        growth_formula=metrics.GROWTH_FORMULA,
    )


@bp.route("/snapshots/new", methods=["GET", "POST"])
def new_snapshot() -> str | Response:
    form = SnapshotForm()
    if request.method == "GET":
        form.taken_on.data = creator_today()
    return _save_snapshot(form, None)


@bp.route("/snapshots/<int:snapshot_id>/edit", methods=["GET", "POST"])
def edit_snapshot(snapshot_id: int) -> str | Response:
    snapshot = get_owned_or_404(db_session(), StatsSnapshot, snapshot_id, creator().id)
    return _save_snapshot(SnapshotForm(obj=snapshot), snapshot)


def _save_snapshot(form: SnapshotForm, snapshot: StatsSnapshot | None) -> str | Response:
    if form.validate_on_submit():
        with saving(form) as saved:
            services.save_snapshot(
                db_session(), creator().id, snapshot, _snapshot_data(form), creator_today()
            )
        if saved:
            flash("Stats saved.", "success")
            return redirect(url_for("stats.index"))
    return render_template("stats/snapshot_form.html", form=form, snapshot=snapshot)


@bp.post("/snapshots/<int:snapshot_id>/delete")
def delete_snapshot(snapshot_id: int) -> Response:
    session = db_session()
    snapshot = get_owned_or_404(session, StatsSnapshot, snapshot_id, creator().id)
    with saving():
        services.delete_snapshot(session, snapshot)
    flash("Snapshot deleted.", "info")
    return redirect(url_for("stats.index"))


@bp.route("/videos/new", methods=["GET", "POST"])
def new_video() -> str | Response:
    return _save_video(VideoForm(), None)


@bp.route("/videos/<int:video_id>/edit", methods=["GET", "POST"])
def edit_video(video_id: int) -> str | Response:
    video = get_owned_or_404(db_session(), PortfolioVideo, video_id, creator().id)
    return _save_video(VideoForm(obj=video), video)


def _save_video(form: VideoForm, video: PortfolioVideo | None) -> str | Response:
    if form.validate_on_submit():
        with saving(form) as saved:
            services.save_video(db_session(), creator().id, video, _video_data(form))
        if saved:
            flash("Video saved to your portfolio.", "success")
            return redirect(url_for("stats.index") + "#portfolio")
    return render_template("stats/video_form.html", form=form, video=video)


@bp.post("/videos/<int:video_id>/delete")
def delete_video(video_id: int) -> Response:
    session = db_session()
    video = get_owned_or_404(session, PortfolioVideo, video_id, creator().id)
    with saving():
        services.delete_video(session, video)
    flash("Video removed from your portfolio.", "info")
    return redirect(url_for("stats.index") + "#portfolio")
