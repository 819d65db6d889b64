"""Register, log in, log out, change or reset the password, edit the creator profile."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from crm import database
from crm.accounts import login as auth
from crm.accounts import mail, resets, services
from crm.accounts.forms import (
    ChangePasswordForm,
    ChoosePasswordForm,
    EmailOnlyForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
)
from crm.accounts.passwords import HashersBusy
from crm.accounts.throttle import CounterUnavailable
from crm.database import db_session
from crm.forms import show_error
from crm.saving import saving
from crm.web import unavailable

bp = Blueprint("accounts", __name__)

_TOO_MANY_SIGN_UPS = "Too many sign-ups from your network. Wait a few minutes and try again."
_TOO_MANY_RESETS = "Too many reset requests. Wait a few minutes and try again."
_BUSY = "Lots of people are logging in right now. Try again in a moment."
BUSY_RETRY_AFTER_SECONDS = 5


@bp.app_errorhandler(CounterUnavailable)
def _counter_unavailable(error: CounterUnavailable) -> tuple[str, int, dict[str, str]]:
    # Without the shared count every guess would be free: refuse, briefly and clearly.
    current_app.logger.error("Throttle counter unreachable on %s: %s", request.path, error)
    return unavailable("This is briefly unavailable on our side. Try again in a minute.")


@bp.app_errorhandler(HashersBusy)
def _hashers_busy(error: HashersBusy) -> tuple[str, int, dict[str, str]]:
    current_app.logger.warning("Password hashes busy on %s: %s", request.path, error)
    return unavailable(_BUSY, retry_after=BUSY_RETRY_AFTER_SECONDS)


def _throttled(template: str, form: object, message: str) -> tuple[str, int]:
    flash(message, "error")
    return render_template(template, form=form, mail=mail.mail_configured()), 429


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    by_mail = mail.mail_configured()
    form = EmailOnlyForm() if by_mail else RegisterForm()
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form, mail=by_mail)
    if not auth.throttle().register_attempt(form.email.data, auth.client_address()):
        return _throttled("accounts/register.html", form, _TOO_MANY_SIGN_UPS)
    if by_mail:
        return _sign_up_by_mail(services.normalize_email(form.email.data))
    with saving(form) as saved:
        user = services.register(
            db_session(),
            form.email.data,
            form.password.data,
            auth.hash_profile(),
            timezone=form.timezone.data,
        )
        auth.log_in(user)
    if not saved:
        return render_template("accounts/register.html", form=form, mail=by_mail)
    flash("Welcome! Fill in your profile so quotes and pitches use your numbers.", "success")
    return redirect(url_for("accounts.profile"))


def _sign_up_by_mail(email: str) -> str:
    """The same page whether or not the address has an account; the email differs."""
    if services.email_taken(db_session(), email):
        body = mail.already_registered_body(
            mail.absolute_url("accounts.login"), mail.absolute_url("accounts.reset_request")
        )
        mail.send_after_response(email, "Someone tried to sign up with your address", body)
    else:
        token = resets.sign_up_token(current_app.config["SECRET_KEY"], email)
        link = mail.absolute_url("accounts.finish_sign_up", token=token)
        mail.send_after_response(email, "Finish creating your account", mail.sign_up_body(link))
    return render_template("accounts/check_email.html", email=email, purpose="sign-up")


@bp.route("/register/finish/<token>", methods=["GET", "POST"])
def finish_sign_up(token: str) -> str | Response:
    email = resets.email_for_sign_up_token(
        current_app.config["SECRET_KEY"], token, database.utcnow()
    )
    if email is None:
        return render_template("accounts/link_expired.html", purpose="sign-up")
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        with saving(show=False) as saved:
            user = services.register(
                db_session(),
                email,
                form.password.data,
                auth.hash_profile(),
                timezone=form.timezone.data,
            )
            auth.log_in(user)
        if saved.error is not None and saved.error.field == "email":
            flash("That account is already set up. Log in.", "info")
            return redirect(url_for("accounts.login"))
        if saved.error is not None:
            show_error(form, saved.error)
        else:
            flash(
                "Welcome! Fill in your profile so quotes and pitches use your numbers.", "success"
            )
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/choose_password.html", form=form, email=email, purpose="sign-up"
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if auth.is_safe_next(next_url) else url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with saving() as saved:
            user = services.authenticate(
                db_session(),
                auth.throttle(),
                form.email.data,
                form.password.data,
                auth.client_address(),
                auth.hash_profile(),
            )
            auth.log_in(user)
        if isinstance(saved.refusal, services.LoginThrottled):
            return render_template("accounts/login.html", form=form), 429
        if saved:
            return redirect(next_url if auth.is_safe_next(next_url) else url_for("dashboard.index"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        with saving():
            auth.log_out()
    flash("You're logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = auth.creator()
        with saving(form) as saved:
            services.change_password(
                db_session(),
                auth.throttle(),
                user,
                form.current_password.data,
                form.new_password.data,
                auth.session_lifetime(),
                auth.hash_profile(),
            )
        if not saved:
            code = 429 if isinstance(saved.refusal, services.LoginThrottled) else 200
            return render_template("accounts/password.html", form=form), code
        auth.rebind(user)
        flash("Password changed. Other devices have been logged out.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_request() -> str | tuple[str, int]:
    form = EmailOnlyForm()
    by_mail = mail.mail_configured()
    if not form.validate_on_submit():
        return render_template("accounts/reset_request.html", form=form, mail=by_mail)
    email = services.normalize_email(form.email.data)
    if not auth.throttle().reset_request(email, auth.client_address()):
        return _throttled("accounts/reset_request.html", form, _TOO_MANY_RESETS)
    session = db_session()
    user = services.find_user_by_email(session, email)
    if user is not None and by_mail:
        with saving():
            token = resets.start_password_reset(session, user, database.utcnow())
        link = mail.absolute_url("accounts.reset_password", token=token)
        mail.send_after_response(email, "Reset your password", mail.reset_body(link))
    # The same page whether or not the address has an account.
    return render_template("accounts/check_email.html", email=email, purpose="reset", mail=by_mail)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    session = db_session()
    reset = resets.reset_for_token(session, token, database.utcnow())
    if reset is None:
        return render_template("accounts/link_expired.html", purpose="reset")
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        with saving(show=False) as saved:
            user = resets.reset_password(
                session, token, form.password.data, database.utcnow(), auth.hash_profile()
            )
            email, user_id = user.email, user.id
        if saved.error is not None and saved.error.field is None:
            return render_template("accounts/link_expired.html", purpose="reset")
        if saved.error is not None:
            show_error(form, saved.error)
        else:
            try:
                auth.throttle().clear_account(email, user_id)
            except CounterUnavailable as error:
                # The password is changed already; the counts expire with their window.
                current_app.logger.warning("Throttle counts of %s not cleared: %s", email, error)
            flash("Password changed and every device logged out. Log in with it.", "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/choose_password.html", form=form, purpose="reset")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = auth.creator()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        data = services.ProfileData(
            display_name=form.display_name.data,
            tiktok_handle=form.tiktok_handle.data or "",
            niche=form.niche.data,
            followers=form.followers.data,
            ugc_experience=form.ugc_experience.data,
            currency=form.currency.data,
            turnaround_days=form.turnaround_days.data,
            posts_per_week=form.posts_per_week.data,
            timezone=form.timezone.data,
        )
        with saving(form) as saved:
            services.update_profile(db_session(), user, data)
        if saved:
            flash("Profile saved.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)
