"""Register, log in, log out, change password, edit the creator profile."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from crm.accounts import login as auth
from crm.accounts import services
from crm.accounts.forms import ChangePasswordForm, LoginForm, ProfileForm, RegisterForm
from crm.database import db_session
from crm.forms import show_error

bp = Blueprint("accounts", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            user = services.register(
                session, form.email.data, form.password.data, auth.hash_profile()
            )
        except services.AccountError as error:
            show_error(form, error)
        else:
            auth.log_in(user)
            session.commit()
            flash(
                "Welcome! Fill in your profile so quotes and pitches use your numbers.", "success"
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if auth.is_safe_next(next_url) else url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db_session()
        try:
            user = services.authenticate(
                session,
                auth.throttle(),
                form.email.data,
                form.password.data,
                auth.client_address(),
                auth.hash_profile(),
            )
        except services.LoginThrottled as error:
            session.commit()
            flash(error.message, "error")
            return render_template("accounts/login.html", form=form), 429
        except services.AccountError as error:
            session.commit()  # keep the failure count
            flash(error.message, "error")
        else:
            auth.log_in(user)
            session.commit()
            return redirect(next_url if auth.is_safe_next(next_url) else url_for("dashboard.index"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        auth.log_out()
        db_session().commit()
    flash("You're logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        session = db_session()
        user = auth.creator()
        try:
            services.change_password(
                session,
                user,
                form.current_password.data,
                form.new_password.data,
                auth.session_lifetime(),
                auth.hash_profile(),
            )
        except services.AccountError as error:
            show_error(form, error)
        else:
            session.commit()
            auth.rebind(user)
            flash("Password changed. Other devices have been logged out.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile() -> str | Response:
    user = auth.creator()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        data = services.ProfileData(
            display_name=form.display_name.data.strip(),
            tiktok_handle=(form.tiktok_handle.data or "").strip().lstrip("@"),
            niche=form.niche.data,
            followers=form.followers.data,
            ugc_experience=form.ugc_experience.data,
            currency=form.currency.data,
            turnaround_days=form.turnaround_days.data,
            posts_per_week=form.posts_per_week.data,
        )
        services.update_profile(db_session(), user, data)
        db_session().commit()
        flash("Profile saved.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, user=user)
