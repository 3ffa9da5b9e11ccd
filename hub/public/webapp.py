"""The installable web app: its manifest, the service worker (served from the root, so its scope is
the whole site) and the page the worker shows when the network is gone. The worker caches that page
and static files only, never a signed-in page. A blueprint of its own: the public pages' cache headers
(public for anonymous readers, no-store for anyone signed in) are not the ones these files need."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

bp = Blueprint("webapp", __name__)

OFFLINE_ASSETS = ("css/hub.css", "js/site.js", "favicon.svg", "icons/icon-192.png")


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    config = current_app.config
    icon = lambda name: url_for("static", filename=f"icons/{name}")  # noqa: E731
    body = {
        "name": config["SITE_NAME"],
        "short_name": config["SITE_NAME"],
        "description": config["SITE_TAGLINE"],
        "id": url_for("public.home"),
        "start_url": url_for("public.home"),
        "scope": url_for("public.home"),
        "display": "standalone",
        "background_color": "#f7f7f5",
        "theme_color": "#1d4ed8",
        "icons": [
            {"src": icon("icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icon("icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": icon("icon-maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
        "share_target": {
            "action": url_for("posts.shared"),
            "method": "GET",
            "params": {"title": "title", "text": "text", "url": "url"},
        },
    }
    response = current_app.response_class(json.dumps(body, indent=1), mimetype="application/manifest+json")
    response.cache_control.max_age = 3600
    return response


def _static_version() -> str:
    """A fingerprint of the files the worker caches: a new one makes a new worker and a fresh cache."""
    version: str | None = current_app.extensions.get("hub.static_version")
    if version is None:
        digest = hashlib.sha256()
        static = Path(current_app.static_folder or "")
        for name in OFFLINE_ASSETS:
            path = static / name
            digest.update(path.read_bytes() if path.is_file() else name.encode())
        digest.update(render_template("public/offline.html").encode())
        version = current_app.extensions["hub.static_version"] = digest.hexdigest()[:12]
    return version


@bp.get("/sw.js")
def service_worker() -> Response:
    body = render_template(
        "public/sw.js",
        version=_static_version(),
        offline_url=url_for("webapp.offline"),
        static_prefix=url_for("static", filename=""),
        assets=[url_for("static", filename=name) for name in OFFLINE_ASSETS],
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline() -> Response:
    """The page the service worker shows when a page cannot be loaded. It is cached, so it is the
    same for everyone: nothing about the person signed in."""
    response = current_app.response_class(render_template("public/offline.html"))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
