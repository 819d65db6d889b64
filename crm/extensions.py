"""Extension objects, created unbound and attached in create_app."""

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Log in to see that page."
login_manager.login_message_category = "info"
# Sessions are ended server-side (LoginSession rows); no remember-me cookie.
login_manager.session_protection = None
