"""Flask-Login and CSRF protection."""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from hub.i18n import _l

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Attach login and CSRF (every POST, form or fetch, needs a token)."""
    from hub.api.views import bp as api
    from hub.auth.services import load_user_from_session_id

    login_manager.init_app(app)
    login_manager.user_loader(load_user_from_session_id)
    csrf.init_app(app)
    # The readers' feedback form on public, cacheable pages carries its own cookie-free token
    # (hub.insights.forms.feedback_token, checked in the view), not the session's.
    csrf.exempt("hub.insights.views.feedback")
    # The OpenID provider posts logout tokens server to server: the token's signature is the proof.
    csrf.exempt("hub.auth.views.backchannel_logout")
    # The JSON API authenticates with bearer tokens only and never reads the session cookie, so a
    # forged cross-site request carries nothing it would accept (hub.api.views).
    csrf.exempt(api)
