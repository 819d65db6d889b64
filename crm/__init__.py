"""Creator CRM: the app factory."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from crm import config as config_module
from crm import database, inputs, paths
from crm.market import current as current_market
from crm.paths import data_dir


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then CRM_* environment variables, then `config`."""
    overrides = dict(config or {})
    instance, moved_from = overrides.pop("INSTANCE_PATH", None), None
    if not instance:
        instance, moved_from = _instance_path()
    app = Flask(
        __name__,
        template_folder=str(data_dir("templates")),
        instance_path=instance,
        instance_relative_config=True,
    )
    app.extensions["crm.data_moved_from"] = moved_from
    app.config.update(config_module.build(Path(app.instance_path), overrides))
    _configure_flask(app)
    database.init_app(app)
    current_market.init_app(app)  # a broken seed file stops start-up here, naming the key
    _register_extensions(app)
    inputs.init_app(app)  # before the blueprints: their <int:...> rules take its converter
    _register_blueprints(app)
    _register_web(app)
    _register_cli(app)
    if app.config["AUTO_MIGRATE"] and app.config["DATABASE_URL"].startswith("sqlite"):
        _migrate_local_database(app)
    return app


def _instance_path() -> tuple[str, Path | None]:
    """CRM_INSTANCE_PATH, else the user's data folder; and where data was moved from, if it was."""
    chosen = os.environ.get("CRM_INSTANCE_PATH")
    if chosen:
        return chosen, None
    folder, old = paths.user_data_dir(), paths.old_instance_dir()
    # Earlier versions kept the data in Flask's instance folder: inside the venv, deleted with it.
    moved = paths.move_old_data(old, folder)
    return str(folder), old if moved else None


def _configure_flask(app: Flask) -> None:
    from crm.uploads import UploadLimitRequest

    app.request_class = UploadLimitRequest
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie is re-sent only when the session changed (login, flash, last-seen step).
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["SESSION_LIFETIME_HOURS"]),
        MAX_CONTENT_LENGTH=app.config["MAX_UPLOAD_BYTES"],
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.config.setdefault("WTF_CSRF_ENABLED", True)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _register_extensions(app: Flask) -> None:
    from crm.extensions import csrf, login_manager

    csrf.init_app(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Brands and emails spread their pages over modules that each add routes to the area's
    # blueprint.py (the `noqa` imports): importing them here, once, puts those routes on it.
    from crm.accounts import views as accounts
    from crm.brands import blueprint as brands
    from crm.brands import contact_views, transfer_views  # noqa: F401
    from crm.brands import views as brand_pages  # noqa: F401
    from crm.calculators import views as rates
    from crm.dashboard import views as dashboard
    from crm.deals import blueprint as deals
    from crm.deals import (  # noqa: F401
        calendar_feed,
        calendar_views,
        deliverable_views,
        invoice_views,
        rights_views,
    )
    from crm.deals import views as deal_pages  # noqa: F401
    from crm.emails import blueprint as emails
    from crm.emails import template_views  # noqa: F401
    from crm.emails import views as email_pages  # noqa: F401
    from crm.imports import views as imports
    from crm.income import expense_views, live_views, target_views  # noqa: F401
    from crm.income import views as income
    from crm.pitches import views as pitches
    from crm.stats import views as stats

    areas = (accounts, dashboard, stats, brands, pitches, deals, rates, emails, income, imports)
    for area in areas:
        app.register_blueprint(area.bp)
    from crm.approvals import public as approval_page
    from crm.approvals import views as approvals
    from crm.backup import views as backup

    app.register_blueprint(approvals.bp)
    app.register_blueprint(approval_page.bp)  # public: the token in its URL is the key
    from crm.settings import views as settings

    app.register_blueprint(settings.bp)

    app.register_blueprint(backup.bp)
    app.register_blueprint(calendar_feed.bp)  # public: the token in its URL is the key
    from crm.kit import settings_views as kit_settings
    from crm.kit import views as kit

    app.register_blueprint(kit.bp)  # public: the media kit brands open
    app.register_blueprint(kit_settings.bp)
    from crm.inquiries import public as inquire
    from crm.inquiries import views as inbox

    app.register_blueprint(inquire.bp)  # public: a brand's inquiry through the kit
    app.register_blueprint(inbox.bp)


def _register_web(app: Flask) -> None:
    from crm import web

    web.init_app(app)


def _register_cli(app: Flask) -> None:
    from crm.cli import register

    register(app)


def _migrate_local_database(app: Flask) -> None:
    """A laptop install: create and migrate the SQLite file on first start."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = app.config["DATABASE_URL"]
    # Every `crm` command builds the app: skip Alembic's full run when nothing is pending.
    if not database.is_at_head(url):
        database.upgrade(url)
