"""hub: an employee advocacy content hub."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: config, database, login, CSRF, security, blueprints, CLI, errors."""
    from hub.resources import resource_dir

    app = Flask(
        __name__,
        instance_path=os.environ.get("HUB_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=resource_dir("templates"),
        static_folder=resource_dir("static"),
    )
    configure_settings(app, test_config)

    from hub import cli, db, errors, events, extensions, i18n, inputs, security, templating, web
    from hub.api import views as api
    from hub.auth import oidc
    from hub.auth.views import bp as auth_bp
    from hub.channels.views import bp as channels_bp
    from hub.chat.views import bp as chat_bp
    from hub.insights import views as insights
    from hub.library.views import bp as library_bp
    from hub.notifications.views import bp as notifications_bp
    from hub.outbox import delivery as outbox
    from hub.posts.views import bp as posts_bp
    from hub.public import cache as public_cache
    from hub.public.views import bp as public_bp
    from hub.public.webapp import bp as webapp_bp
    from hub.sharing import views as sharing
    from hub.strategy.views import bp as strategy_bp
    from hub.suggestions.views import bp as suggestions_bp
    from hub.topics.views import bp as topics_bp

    inputs.init_app(app)  # before any blueprint: every <int:...> rule gets the bounded converter
    db.init_app(app)
    extensions.init_app(app)
    i18n.init_app(app)
    oidc.init_app(app)
    app.wsgi_app = app.extensions["hub.fastlane"] = web.FastLane(app.wsgi_app)  # type: ignore[method-assign]  # Flask's middleware hook
    security.init_app(app)  # ProxyFix and TrustedHosts go around the fast lane
    templating.init_app(app)
    app.register_blueprint(public_bp)
    public_cache.init_app(app)
    app.register_blueprint(webapp_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(posts_bp)
    app.register_blueprint(suggestions_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(topics_bp)
    sharing.init_app(app)
    app.register_blueprint(channels_bp)
    app.register_blueprint(strategy_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(library_bp)
    insights.init_app(app)
    outbox.init_app(app)
    api.init_app(app)
    events.connect()
    cli.init_app(app)
    errors.init_app(app)
    db.init_unit_of_work(app)  # last: commits before the other after-request hooks run
    if app.config.get("WARM_UP", not app.testing):
        warm_up(app)
    return app


def warm_up(app: Flask) -> float:
    """Do once, before the first request, what that request would otherwise pay for: configure
    the ORM's mappers, compile the translations and every template (Jinja keeps them compiled for
    the process) and load the language detector's model (a second or more, which a worker's first
    save paid). A new worker's first dashboard then costs what the hundredth does. ``WARM_UP`` (default: on,
    off under ``TESTING``) switches it. Returns the seconds it took.

    Then what it loaded, which lives as long as the process, is moved out of the cyclic garbage
    collector's sight (``gc.freeze``): a full collection, which a request can trigger at any time,
    walked those ~150,000 objects for ~40 ms; now it walks only what requests made."""
    import gc
    import time

    import sqlalchemy.orm

    from hub.rewrite.language import load_model

    started = time.perf_counter()
    sqlalchemy.orm.configure_mappers()
    load_model()
    for name in app.jinja_env.list_templates(filter_func=lambda n: n.endswith((".html", ".xml", ".txt"))):
        app.jinja_env.get_template(name)
    from hub import i18n

    i18n.warm_up(app)
    gc.collect()  # what start-up left as garbage goes first: frozen objects are never collected
    gc.freeze()
    return time.perf_counter() - started


def configure_settings(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults, then instance/config.py, then HUB_* environment variables, then the test mapping."""
    app.config.from_object("hub.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("HUB")
    from hub.config import string_settings

    for key in string_settings:  # secrets and addresses stay strings, whatever they look like
        if f"HUB_{key}" in os.environ:
            app.config[key] = os.environ[f"HUB_{key}"]
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'hub.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        from hub.lib.secrets import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    from hub.lib.sealed import fallback_keys

    # Previous secret keys (Flask's sessions and hub's sealed secrets still read what they signed):
    # a list, or keys separated by commas as an environment variable gives them.
    app.config["SECRET_KEY_FALLBACKS"] = fallback_keys(app.config.get("SECRET_KEY_FALLBACKS"))
    app.config["BASE_URL"] = str(app.config["BASE_URL"]).rstrip("/")
    switches = ("PASSWORD_LOGIN", "OIDC_REQUIRE_VERIFIED_EMAIL", "OIDC_LOGOUT_DEACTIVATES", "OIDC_END_PROVIDER_SESSION")
    for key in switches:
        app.config[key] = switch(app.config.get(key), key)
    if app.config.get("PUBLIC_PAGE_CACHE") is not None:  # None: on, except under TESTING
        app.config["PUBLIC_PAGE_CACHE"] = switch(app.config["PUBLIC_PAGE_CACHE"], "PUBLIC_PAGE_CACHE")
    app.config["OIDC_ROLE_MAP"] = role_map(app.config.get("OIDC_ROLE_MAP"))
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["BASE_URL"], app.config.get("TRUSTED_HOSTS"))
    # Flask's own default for SESSION_COOKIE_SECURE is False, so a setdefault would never switch
    # it on: hub.config leaves both at None, meaning "follow BASE_URL".
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = app.config["BASE_URL"].startswith("https://")


def switch(value: object, name: str) -> bool:
    """A yes/no setting: a boolean, or on/off, true/false, yes/no, 1/0 as typed in the environment."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "on", "true", "yes"):
        return True
    if text in ("0", "off", "false", "no", ""):
        return False
    raise ValueError(f"{name} must be on or off, not {value!r}")


def role_map(value: object) -> dict[str, str]:
    """OIDC_ROLE_MAP as a mapping of claim value to role: a dict (JSON in the environment) or
    "group=role,other=role"; an unknown role is a start-up error, never a silent employee."""
    if isinstance(value, str):
        pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError('OIDC_ROLE_MAP must be JSON ({"group": "admin"}) or "group=admin,other=comms"')
        value = {k.strip(): v.strip() for k, v in pairs}
    if not isinstance(value, dict):
        raise ValueError("OIDC_ROLE_MAP must map claim values to roles")
    roles = ("employee", "comms", "admin")
    for claim_value, role in value.items():
        if str(role).lower() not in roles:
            raise ValueError(f"OIDC_ROLE_MAP: {claim_value!r} maps to {role!r}; roles are {', '.join(roles)}")
    return {str(k): str(v).lower() for k, v in value.items()}


def trusted_hosts(base_url: str, extra: str | list[str] | None) -> list[str]:
    """BASE_URL's host plus the TRUSTED_HOSTS setting (a list or a comma-separated string);
    Flask answers any other Host (or X-Forwarded-Host) with 400. A loopback BASE_URL also
    trusts its twin (localhost / 127.0.0.1), so a local run works under either name."""
    from urllib.parse import urlsplit

    hosts = [urlsplit(base_url).hostname or "localhost"]
    if hosts[0] in ("localhost", "127.0.0.1"):
        hosts = ["localhost", "127.0.0.1"]
    more = extra.split(",") if isinstance(extra, str) else list(extra or [])
    for host in (str(h).strip().lower() for h in more):
        if host and host not in hosts:
            hosts.append(host)
    return hosts
