"""Pitches pages: list, new/edit, one pitch, status moves, follow-ups, the board, the cadence."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from crm.accounts.login import creator, creator_today
from crm.brands.models import Brand
from crm.brands.picker import Picker, pick_brand_page
from crm.creation_tokens import new_token
from crm.database import db_session, utcnow
from crm.dates import show_date
from crm.deals.conflicts import exclusivity_conflicts
from crm.inputs import query_int
from crm.inquiries import services as inquiries
from crm.money import to_major
from crm.ownership import get_owned_or_404
from crm.pitches import cadence, followups, pipeline, rate_sentence, services, states
from crm.pitches.forms import CadenceForm, NewPitchForm, PitchForm, StatusForm
from crm.pitches.models import Pitch, PitchChannel, PitchKind, PitchStatus
from crm.saving import saving

bp = Blueprint("pitches", __name__, url_prefix="/pitches")

# Where a status or follow-up button sends the creator back to; a fixed list, never a URL.
RETURN_TO = {
    "board": "pitches.board",
    "followups": "pitches.followups",
    "list": "pitches.index",
}


@bp.before_request
@login_required
def _require_login() -> None:
    """Every pitches page is the creator's own."""


def _cursor_arg() -> str | None:
    """Where the list page starts; an old `?page=N` link simply gives the first page."""
    return request.args.get("cursor") or None


def _enum_arg(kind: type[PitchStatus] | type[PitchKind], name: str) -> object:
    """The query argument `name` as a member of `kind`, or None when absent or unknown."""
    try:
        return kind(request.args.get(name, ""))
    except ValueError:
        return None


def _back(pitch: Pitch) -> Response:
    """Redirect to where the button was pressed (board, follow-ups, list), else the pitch."""
    return redirect(_back_url(pitch))


def _back_url(pitch: Pitch) -> str:
    endpoint = RETURN_TO.get(request.form.get("return_to", ""))
    if endpoint:
        return url_for(endpoint)
    if request.form.get("return_to") == "brand":
        return url_for("brands.detail", brand_id=pitch.brand_id)
    return url_for("pitches.detail", pitch_id=pitch.id)


def _pitch_data(form: PitchForm) -> services.PitchData:
    return services.PitchData(
        kind=PitchKind(form.kind.data),
        channel=PitchChannel(form.channel.data),
        contact_id=form.chosen_contact_id(),
        quoted_cents=form.quoted_cents(),
        currency=form.currency.data,
        subject=form.subject.data or "",
        body=form.body.data or "",
    )


# Counts of follow-ups on pages stop at a cap and read "99+" (dashboard, follow-ups page).
bp.add_app_template_filter(followups.capped, "capped")
# A pitch's status in the creator's words, on every page that shows one (brands, emails too).
bp.add_app_template_global(states.status_label, "pitch_status")
bp.add_app_template_global(states.is_new_inquiry, "new_inquiry")


@bp.app_template_global("brand_pitches")
def brand_pitches(brand: Brand) -> services.BrandPitches:
    """The brand page's pitch section, filled by this area so that brands need not know it."""
    return services.brand_pitches(db_session(), brand)


@bp.get("/")
def index() -> str:
    session = db_session()
    brand_id = query_int("brand_id")
    brand = get_owned_or_404(session, Brand, brand_id, creator().id) if brand_id else None
    filters = pipeline.PitchFilters(
        status=_enum_arg(PitchStatus, "status"),  # type: ignore[arg-type]
        kind=_enum_arg(PitchKind, "kind"),  # type: ignore[arg-type]
        brand_id=brand.id if brand else None,
    )
    page = pipeline.list_pitches(
        session, creator().id, filters, _cursor_arg(), current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "pitches/index.html",
        page=page,
        filters=filters,
        brand=brand,
        statuses=list(PitchStatus),
        kinds=list(PitchKind),
    )


PICK_BRAND = Picker(
    title="New pitch",
    area="Pitches",
    index_endpoint="pitches.index",
    new_endpoint="pitches.new",
    brand_arg="brand_id",
    heading="Who are you pitching?",
    lead="Pick the brand first: the pitch form then offers its contacts.",
    no_brands="you want to pitch first.",
)


@bp.route("/new", methods=["GET", "POST"])
def new() -> str | Response:
    session = db_session()
    owner_id = creator().id
    brand_id = query_int("brand_id")
    if brand_id is None:
        return pick_brand_page(session, owner_id, PICK_BRAND)
    brand = get_owned_or_404(session, Brand, brand_id, owner_id)
    form = NewPitchForm()
    form.set_contacts(brand.contacts)
    # Another deal's running exclusivity over this brand's category: said before saving.
    conflicts = exclusivity_conflicts(
        session, owner_id, brand.product_category, creator_today(), exclude_brand_id=brand.id
    )
    valid = request.method == "POST" and form.validate_on_submit()
    if request.method == "GET":
        _new_defaults(form, brand)
    elif valid and conflicts and not form.save_anyway.data:
        form.save_anyway.errors = ["Tick this to save the pitch despite the exclusivity."]
    elif valid:
        with saving(form, unshown=(services.AlreadyCreated,)) as saved:
            pitch = services.create_pitch(
                session, owner_id, brand.id, _pitch_data(form), utcnow(), token=form.token.data
            )
        if isinstance(duplicate := saved.refusal, services.AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("pitches.detail", pitch_id=duplicate.pitch.id))
        if saved:
            note = rate_sentence.note_for(form.body.data, pitch)
            flash(f"Pitch saved as a draft. Mark it sent once it's out.{note}", "success")
            return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    earlier = services.recent_or_open_pitch(session, owner_id, brand.id, utcnow())
    return render_template(
        "pitches/form.html",
        form=form,
        brand=brand,
        pitch=None,
        earlier=earlier,
        recent_days=services.RECENT_PITCH_DAYS,
        conflicts=conflicts,
    )


def _new_defaults(form: NewPitchForm, brand: Brand) -> None:
    """A fresh form: a new one-time token, the creator's currency, the primary contact."""
    # Why a token and not only redirect-after-POST: a double click sends two POSTs before
    # the first redirect arrives. The token is stored on the pitch under a unique
    # (owner, token) constraint, so this holds across processes and hosts.
    form.token.data = new_token()
    form.currency.data = creator().currency
    primary = next((c for c in brand.contacts if c.is_primary), None)
    form.contact_id.data = str(primary.id) if primary else ""


@bp.get("/<int:pitch_id>")
def detail(pitch_id: int) -> str:
    session = db_session()
    owner_id = creator().id
    pitch = get_owned_or_404(session, Pitch, pitch_id, owner_id)
    history = pipeline.pitch_history(session, pitch, _cursor_arg(), current_app.config["PAGE_SIZE"])
    steps = followups.user_cadence(creator())
    return render_template(
        "pitches/detail.html",
        pitch=pitch,
        history=history,
        steps=steps,
        moves=states.next_statuses(pitch.status),
        transitions=states.TRANSITIONS,
        action_labels=states.ACTION_LABELS,
        cadence_done=cadence.cadence_done(pitch.followups_sent, steps),
        today=creator_today(),
        inquiry=inquiries.for_pitch(session, pitch) if pitch.inbound else None,
    )


@bp.route("/<int:pitch_id>/edit", methods=["GET", "POST"])
def edit(pitch_id: int) -> str | Response:
    session = db_session()
    owner_id = creator().id
    pitch = get_owned_or_404(session, Pitch, pitch_id, owner_id)
    form = PitchForm()
    form.set_contacts(pitch.brand.contacts)
    if request.method == "GET":
        _fill(form, pitch)
    elif form.validate_on_submit():
        with saving(form) as saved:
            services.update_pitch(session, owner_id, pitch, _pitch_data(form))
        if saved:
            note = rate_sentence.note_for(form.body.data, pitch)
            flash(f"Pitch saved.{note}", "success")
            return redirect(url_for("pitches.detail", pitch_id=pitch.id))
    return render_template(
        "pitches/form.html", form=form, brand=pitch.brand, pitch=pitch, earlier=None
    )


def _fill(form: PitchForm, pitch: Pitch) -> None:
    form.kind.data = pitch.kind.value
    form.channel.data = pitch.channel.value
    form.contact_id.data = str(pitch.contact_id) if pitch.contact_id else ""
    form.quoted_rate.data = "" if pitch.quoted_cents is None else str(to_major(pitch.quoted_cents))
    form.currency.data = pitch.currency
    form.subject.data = pitch.subject
    form.body.data = pitch.body


@bp.post("/<int:pitch_id>/status")
def transition(pitch_id: int) -> Response:
    session = db_session()
    pitch = get_owned_or_404(session, Pitch, pitch_id, creator().id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash("Pick the status to move the pitch to.", "error")
        return _back(pitch)
    target = PitchStatus(form.status.data)
    with saving(refusals=(states.TransitionRefused,)) as saved:
        services.transition(session, pitch, target, utcnow(), followups.user_cadence(creator()))
    if saved:
        flash(_moved_message(pitch), "success")
        if target is PitchStatus.WON and "deals.from_pitch" in current_app.view_functions:
            # A won pitch is work to deliver: offer its deal (a page that asks first).
            return redirect(url_for("deals.from_pitch", pitch_id=pitch.id))
    return _back(pitch)


def _moved_message(pitch: Pitch) -> str:
    message = f"{pitch.brand.name}: pitch marked {pitch.status.label.lower()}."
    if pitch.status == PitchStatus.SENT and pitch.next_followup_on:
        message += f" First follow-up due {show_date(pitch.next_followup_on, weekday=True)}."
    return message


@bp.post("/<int:pitch_id>/followup")
def log_followup(pitch_id: int) -> str | Response:
    session = db_session()
    pitch = get_owned_or_404(session, Pitch, pitch_id, creator().id)
    steps = followups.user_cadence(creator())
    confirmed = request.form.get("confirm") == "1"
    with saving(unshown=(followups.NotDueYet,)) as saved:
        result = followups.log_followup(session, pitch, utcnow(), steps, confirmed=confirmed)
    if isinstance(early := saved.refusal, followups.NotDueYet):
        return _confirm_early(pitch, early)
    if not saved:
        return _back(pitch)
    if result.ghosted:
        flash(f"{pitch.brand.name}: the cadence ran out with no answer; marked ghosted.", "info")
    elif result.next_on is not None and result.number < len(steps):
        flash(
            f"Follow-up {result.number} logged. "
            f"Next one due {show_date(result.next_on, weekday=True)}.",
            "success",
        )
    else:
        flash(
            f"Last follow-up logged. With no answer by {show_date(result.next_on, weekday=True)} "
            "the pitch is marked ghosted.",
            "success",
        )
    return _back(pitch)


def _confirm_early(pitch: Pitch, early: followups.NotDueYet) -> str:
    """Ask before logging a follow-up ahead of its date (a form, so it works without JS)."""
    return_to = request.form.get("return_to", "")
    known = return_to in RETURN_TO or return_to == "brand"
    return render_template(
        "pitches/confirm_followup.html",
        pitch=pitch,
        message=early.message,
        return_to=return_to if known else "",
        back=_back_url(pitch),
    )


@bp.post("/<int:pitch_id>/delete")
def delete(pitch_id: int) -> Response:
    session = db_session()
    pitch = get_owned_or_404(session, Pitch, pitch_id, creator().id)
    brand_id = pitch.brand_id
    with saving():
        services.delete_pitch(session, pitch, utcnow())
    flash("Pitch deleted.", "info")
    return redirect(url_for("brands.detail", brand_id=brand_id))


@bp.get("/board")
def board() -> str:
    per_column = current_app.config["BOARD_CARDS_PER_COLUMN"]
    columns = pipeline.board(db_session(), creator().id, per_column)
    return render_template("pitches/board.html", columns=columns, transitions=states.TRANSITIONS)


@bp.get("/followups", endpoint="followups")
def followups_due() -> str:
    session = db_session()
    owner_id = creator().id
    steps = followups.user_cadence(creator())
    today = creator_today()
    page = followups.due_followups(
        session, owner_id, today, _cursor_arg(), current_app.config["PAGE_SIZE"]
    )
    return render_template(
        "pitches/followups.html",
        page=page,
        steps=steps,
        today=today,
        expired=followups.count_expired(session, owner_id, today, steps),
        coming=followups.coming_up(session, owner_id, today),
        coming_days=followups.COMING_UP_DAYS,
    )


@bp.post("/followups/ghost")
def ghost_expired() -> Response:
    """Mark every pitch whose follow-ups ran out with no answer as ghosted."""
    session = db_session()
    with saving():
        ghosted = followups.ghost_expired(
            session, creator().id, utcnow(), followups.user_cadence(creator())
        )
    noun = "pitch" if ghosted == 1 else "pitches"
    flash(f"{ghosted} {noun} with no answer after your last follow-up marked ghosted.", "info")
    return redirect(url_for("pitches.followups"))


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> str | Response:
    user = creator()
    form = CadenceForm()
    if request.method == "GET":
        form.cadence.data = ", ".join(str(d) for d in followups.user_cadence(user))
    elif form.validate_on_submit():
        with saving(form) as saved:
            followups.set_cadence(db_session(), user, cadence.parse_cadence(form.cadence.data))
        if saved:
            flash("Follow-up cadence saved. It applies to pitches you send from now on.", "success")
            return redirect(url_for("pitches.settings"))
    steps = followups.user_cadence(user)
    return render_template(
        "pitches/settings.html", form=form, steps=steps, description=cadence.describe(steps)
    )
