"""Email pages: write a pitch email to a brand, then save, open, copy, send or mark it sent."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crm.accounts.login import creator
from crm.brands.models import Brand
from crm.creation_tokens import new_token
from crm.database import db_session, utcnow
from crm.emails import services, smtp
from crm.emails.blueprint import bp
from crm.emails.forms import EmailForm
from crm.emails.generator import GeneratedEmail, write_email
from crm.emails.kinds import PITCH_EMAILS, EmailKind, emails_for_pitch
from crm.emails.mailto import mailto_link
from crm.emails.server import smtp_settings
from crm.market.current import market
from crm.money import to_major
from crm.ownership import get_owned_or_404
from crm.pitches import followups, rate_sentence, states
from crm.pitches import services as pitch_services
from crm.pitches.models import Pitch
from crm.saving import saving


def _kind_arg(allowed: list[EmailKind] | tuple[EmailKind, ...]) -> EmailKind | None:
    """The ?kind= asked for if it is allowed here, else the first allowed one."""
    try:
        wanted = EmailKind(request.values.get("kind", ""))
    except ValueError:
        wanted = None
    if wanted in allowed:
        return wanted
    return allowed[0] if allowed else None


def _rate_field(cents: int | None) -> str:
    return "" if cents is None else f"{to_major(cents):f}".removesuffix(".00")


def _text(form: EmailForm, with_rate: bool) -> services.EmailText:
    return services.EmailText(
        subject=form.subject.data.strip(),
        body=form.body.data.replace("\r\n", "\n").strip(),
        quoted_cents=form.quoted_cents() if with_rate else None,
    )


def _page(form: EmailForm, email: GeneratedEmail, **extra: Any) -> str:
    """Render the editor page: the text in the form decides the mail link."""
    settings = smtp_settings()
    to_address = email.facts.contact_email
    pitch = extra.get("pitch")
    currency = pitch.currency if pitch else (email.rate.currency if email.rate else None)
    form.quoted_rate.label.text = f"Quoted rate ({currency or creator().currency})"
    return render_template(
        "emails/pages/editor.html",
        form=form,
        email=email,
        mailto=mailto_link(to_address, form.subject.data or "", form.body.data or ""),
        smtp_ready=settings is not None,
        currency_note=_currency_note(email),
        **extra,
    )


def _currency_note(email: GeneratedEmail) -> str | None:
    rate = email.rate
    if rate is None or rate.currency == creator().currency:
        return None
    return (
        f"The market rates are in {rate.currency}, so the rate is quoted in {rate.currency}. "
        f"To quote in {creator().currency}, change the figure in the message and the rate field."
    )


@bp.route("/brands/<int:brand_id>", methods=["GET", "POST"])
def write(brand_id: int) -> str | Response:
    """A first email to a brand; saving it creates the draft pitch."""
    session, user = db_session(), creator()
    brand = get_owned_or_404(session, Brand, brand_id, user.id)
    kind = _kind_arg(PITCH_EMAILS) or EmailKind.UGC_PITCH
    email = write_email(session, user, brand, kind, None, market())
    form = EmailForm()
    if request.method == "GET":
        form.kind.data, form.token.data = kind.value, new_token()
        form.subject.data, form.body.data = email.subject, email.body
        form.quoted_rate.data = _rate_field(email.rate.cents if email.rate else None)
    elif form.validate_on_submit():
        currency = email.rate.currency if email.rate else user.currency
        with saving(form, unshown=(pitch_services.AlreadyCreated,)) as saved:
            pitch = services.create_draft(
                session, user.id, brand, kind, _text(form, True), currency,
                email.facts.contact_id, utcnow(), token=form.token.data or None,
            )  # fmt: skip
        if isinstance(duplicate := saved.refusal, pitch_services.AlreadyCreated):
            flash(duplicate.message, "info")
            return redirect(url_for("emails.pitch", pitch_id=duplicate.pitch.id))
        if saved:
            note = rate_sentence.note_for(form.body.data, pitch)
            message = "Draft saved. Open it in your mail app, copy it or send it from here."
            flash(message + note, "success")
            return redirect(url_for("emails.pitch", pitch_id=pitch.id))
    earlier = pitch_services.recent_or_open_pitch(session, user.id, brand.id, utcnow())
    return _page(form, email, brand=brand, pitch=None, kinds=PITCH_EMAILS, earlier=earlier)


def _pitch_kinds(pitch: Pitch) -> list[EmailKind]:
    planned = len(followups.user_cadence(creator()))
    return emails_for_pitch(pitch.kind, pitch.status, pitch.followups_sent, planned)


def _load(pitch_id: int) -> tuple[Pitch, list[EmailKind], EmailKind | None]:
    pitch = get_owned_or_404(db_session(), Pitch, pitch_id, creator().id)
    kinds = _pitch_kinds(pitch)
    return pitch, kinds, _kind_arg(kinds)


@bp.get("/pitches/<int:pitch_id>")
def pitch(pitch_id: int) -> str:
    """The email for a pitch now: its draft, the next follow-up, or a reply with rates."""
    pitch, kinds, kind = _load(pitch_id)
    if kind is None:
        return render_template("emails/pages/nothing.html", pitch=pitch)
    email = write_email(db_session(), creator(), pitch.brand, kind, pitch, market())
    form = EmailForm(formdata=None)
    form.kind.data = kind.value
    keep_draft = bool(kind.is_pitch and pitch.body and not request.args.get("regenerate"))
    if keep_draft:
        form.subject.data, form.body.data = pitch.subject, pitch.body
        form.quoted_rate.data = _rate_field(pitch.quoted_cents)
    else:
        form.subject.data, form.body.data = email.subject, email.body
        form.quoted_rate.data = _rate_field(email.rate.cents if email.rate else None)
    return _page(form, email, brand=pitch.brand, pitch=pitch, kinds=kinds, saved=keep_draft)


def _posted(pitch_id: int) -> tuple[Pitch, EmailKind, EmailForm, GeneratedEmail]:
    """The pitch, the email kind posted (404 if it doesn't fit the pitch now), the form."""
    pitch, kinds, _ = _load(pitch_id)
    try:
        kind = EmailKind(request.form.get("kind", ""))
    except ValueError:
        abort(404)
    if kind not in kinds:
        abort(404)
    email = write_email(db_session(), creator(), pitch.brand, kind, pitch, market())
    return pitch, kind, EmailForm(), email


def _again(
    pitch: Pitch, form: EmailForm, email: GeneratedEmail, send_error: str | None = None
) -> str:
    return _page(
        form,
        email,
        brand=pitch.brand,
        pitch=pitch,
        kinds=_pitch_kinds(pitch),
        saved=False,
        send_error=send_error,
    )


@bp.post("/pitches/<int:pitch_id>/preview")
def preview(pitch_id: int) -> str:
    """Show the page again with the edited text and its mail link; nothing is stored."""
    pitch, _kind, form, email = _posted(pitch_id)
    form.validate_on_submit()
    return _again(pitch, form, email)


@bp.post("/pitches/<int:pitch_id>/save")
def save(pitch_id: int) -> str | Response:
    """Store the edited first email and its rate on the draft pitch."""
    pitch, kind, form, email = _posted(pitch_id)
    if not kind.is_pitch or not form.validate_on_submit():
        return _again(pitch, form, email)
    with saving(form) as saved:
        services.update_draft(
            db_session(), creator().id, pitch, _text(form, True), email.facts.contact_id
        )
    if not saved:
        return _again(pitch, form, email)
    note = rate_sentence.note_for(form.body.data, pitch)
    flash(f"Draft saved.{note}", "success")
    return redirect(url_for("emails.pitch", pitch_id=pitch.id))


def _apply(pitch: Pitch, kind: EmailKind, form: EmailForm, email: GeneratedEmail) -> str:
    """Save a draft's text, then move the pitch on (flush only); returns the message."""
    session, user = db_session(), creator()
    if kind.is_pitch:
        services.update_draft(session, user.id, pitch, _text(form, True), email.facts.contact_id)
    return services.record_sent(session, user, pitch, kind, utcnow())


@bp.post("/pitches/<int:pitch_id>/sent")
def mark_sent(pitch_id: int) -> str | Response:
    """The creator sent it from their own mail app: record it on the pitch."""
    pitch, kind, form, email = _posted(pitch_id)
    if not form.validate_on_submit():
        return _again(pitch, form, email)
    with saving(refusals=(states.TransitionRefused,)) as saved:
        message = _apply(pitch, kind, form, email)
    if not saved:
        return redirect(url_for("emails.pitch", pitch_id=pitch.id, kind=kind.value))
    flash(message, "success")
    return redirect(url_for("pitches.detail", pitch_id=pitch.id))


@bp.post("/pitches/<int:pitch_id>/send")
def send(pitch_id: int) -> str | Response:
    """Send through the SMTP server, then record it; a refusal records nothing."""
    pitch, kind, form, email = _posted(pitch_id)
    settings = smtp_settings()
    if settings is None:
        flash("Sending isn't set up on this server: copy the email or open it in your mail app.")
        return redirect(url_for("emails.pitch", pitch_id=pitch.id, kind=kind.value))
    if not form.validate_on_submit():
        return _again(pitch, form, email)
    to_address = email.facts.contact_email
    if not to_address:
        flash("Add the contact's email address before sending.", "error")
        return _again(pitch, form, email)
    session, user = db_session(), creator()
    text = _text(form, False)
    refused = (states.TransitionRefused, smtp.SendError)
    with saving(refusals=refused, show=False) as saved:
        # The pitch moves first (a refused move sends nothing), then the email goes out;
        # the commit comes only after the server took it.
        message = _apply(pitch, kind, form, email)
        services.log_email_sent(session, pitch, kind, to_address, text.subject, utcnow())
        outgoing = smtp.Outgoing(
            user.display_name or user.handle_display, user.email,
            email.facts.contact_name, to_address, text.subject, text.body,
        )  # fmt: skip
        smtp.send(settings, smtp.build_message(settings, outgoing))
    if saved.error is not None:
        return _again(pitch, form, email, send_error=f"Not sent: {saved.error.message}")
    flash(f"Sent to {to_address}. {message}", "success")
    return redirect(url_for("pitches.detail", pitch_id=pitch.id))
