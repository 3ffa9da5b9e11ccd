"""The share page, its JSON helpers, and the tracked redirect ``/s/<code>``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import Session

from hub import platforms, security
from hub.db import get_engine, get_session, utcnow
from hub.errors import PermissionDenied, ValidationError
from hub.i18n import _
from hub.posts.models import Post, PostStatus
from hub.posts.queries import get_post
from hub.sharing import endpoints, proposals, queries, services, writer
from hub.sharing.clicklog import ClickLog, ClickSink
from hub.sharing.forms import (
    DisclosureForm,
    NetworksForm,
    OwnWordsForm,
    ShareTextForm,
    WriterForm,
)
from hub.sharing.models import OwnWords, ShareLink
from hub.web import WSGIApp, client_address, fast_lane, show_error

bp = Blueprint("sharing", __name__)


def init_app(app: Flask) -> None:
    """The click sink (this machine's file log, or a Redis stream) and the link cache."""
    app.extensions["hub.clicklog"] = sink = _click_sink(app)
    sink.recover_at_start()  # clicks of workers that died before a restart need no request to move
    app.extensions["hub.linkcache"] = services.LinkCache(float(app.config["LINK_CACHE_SECONDS"]),
                                                         generation=app.extensions["hub.generation"].value)
    app.extensions["hub.written"] = writer.WrittenCache()
    app.extensions["hub.sharecache"] = proposals.Memories()  # hub's texts and similarity warnings
    app.register_blueprint(bp)
    fast_lane(app).add(lambda next_app: _fast_follow(app, next_app))


def _fast_follow(app: Flask, next_app: WSGIApp) -> WSGIApp:
    """``/s/<code>`` of a link in the link cache, answered before Flask: no request context, no
    session, no hooks; the same click record, written to the sink before the 302 as in ``follow``.
    Anything else (a miss, a stale entry, a link that no longer leads anywhere) goes to Flask."""
    links: services.LinkCache = app.extensions["hub.linkcache"]
    sink: ClickSink = app.extensions["hub.clicklog"]
    secret = app.config["SECRET_KEY"]
    plain, secure = security.headers(False), security.headers(True)

    def follow_fast(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        hit = links.peek(path[3:]) if path.startswith("/s/") and method in ("GET", "HEAD") else None
        if hit is None:
            return next_app(environ, start_response)
        target, location = hit
        if method == "GET":
            agent = environ.get("HTTP_USER_AGENT", "")
            visitor = services.visitor_hash(secret, environ.get("REMOTE_ADDR") or "unknown", agent, utcnow())
            services.record_click(sink, target, user_agent=agent, visitor=visitor)
        start_response("302 FOUND", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", "0"), ("Location", location),
            ("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex"),
            *(secure if environ.get("wsgi.url_scheme") == "https" else plain)])
        return [b""]

    return follow_fast


def _click_sink(app: Flask) -> ClickSink:
    """``CLICK_SINK``: "file" (the default: one log per machine) or "redis" (one stream for all)."""
    flush = float(app.config["CLICK_FLUSH_SECONDS"])
    log = ClickLog(Path(app.instance_path) / "clicklog", get_engine(app), flush)
    kind = str(app.config.get("CLICK_SINK") or "file").strip().lower()
    if kind == "file":
        return log
    if kind != "redis":
        raise RuntimeError(f'CLICK_SINK must be "file" or "redis", not {kind!r}')
    if not app.config.get("CLICK_REDIS_URL"):
        raise RuntimeError('CLICK_SINK is "redis" but CLICK_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)')
    from hub.sharing.clickstream import RedisClickSink

    return RedisClickSink(str(app.config["CLICK_REDIS_URL"]), str(app.config["CLICK_REDIS_STREAM"]),
                          str(app.config["CLICK_REDIS_GROUP"]), get_engine(app), log, flush,
                          float(app.config["CLICK_REDIS_CLAIM_SECONDS"]))


def _clicklog() -> ClickSink:
    return current_app.extensions["hub.clicklog"]


@bp.get("/s/<code>")
def follow(code: str):
    """Record the click durably, then redirect to the post with UTM parameters.

    The hot path is a dictionary look-up (LinkCache), a hash of the visitor, and one append to
    the click log; the database is touched only on a cache miss. Bots are redirected too, and
    counted apart. HEAD requests are answered without counting."""
    target, location = current_app.extensions["hub.linkcache"].get(get_session, code, current_app.config["BASE_URL"])
    if target is None:
        abort(404, _("This share link does not exist. Check that it was copied completely."))
    if target.item_id is not None:
        if not target.available:
            abort(404, _("This article is no longer in the library of the company that shared it."))
    elif target.status == PostStatus.TAKEN_DOWN:
        abort(410, _("This post was taken down by its company."))
    elif target.status != PostStatus.PUBLISHED:
        abort(404, _("This post is not available any more."))
    if request.method == "GET":
        agent = request.headers.get("User-Agent", "")
        visitor = services.visitor_hash(current_app.config["SECRET_KEY"], client_address(), agent, utcnow())
        services.record_click(_clicklog(), target, user_agent=agent, visitor=visitor)
    return Response("", 302, {"Location": location, "Cache-Control": "no-store", "X-Robots-Tag": "noindex"})


def _load(post_id: int) -> Post:
    post = get_post(get_session(), post_id)
    if not post.is_public:
        abort(404)
    return post


def _cards(post: Post, words: str) -> tuple[list[queries.Card], list[queries.Warning]]:
    """The person's cards (their own words applied) and the similarity warnings on them."""
    db = get_session()
    links = services.links_for(db, post, current_user)
    disclosure = services.get_setting(db, services.DISCLOSURE_KEY)
    cards = queries.cards(db, post, current_user, links, current_app.config["BASE_URL"], disclosure, words=words)
    return cards, queries.networks(db, current_user).relevant(queries.similarity_warnings(
        db, post, current_user, {c.platform: c.text for c in cards}, words=words, disclosure=disclosure))


@dataclass(frozen=True)
class _PostStudio:
    """A published post in the share studio, for the signed-in person (hub.sharing.endpoints)."""

    post: Post

    def links(self, session: Session) -> dict[str, ShareLink]:
        return services.links_for(session, self.post, current_user)

    def own_words(self, session: Session) -> str:
        return queries.own_words(session, self.post, current_user)

    def save_own_words(self, session: Session, words: str) -> OwnWords:
        return services.save_own_words(session, self.post, current_user, words)

    def save_text(self, session: Session, platform: str, text: str, subject: str | None, link: str | None) -> object:
        return services.save_share_text(session, self.post, current_user, platform, text, subject, link=link)

    def reset_text(self, session: Session, platform: str) -> None:
        services.reset_share_text(session, self.post, current_user, platform)

    def record_event(self, session: Session, platform: str, kind: str) -> object:
        return services.record_share_event(session, self.post, current_user, platform, kind)

    def cards(self, session: Session, words: str) -> tuple[list[queries.Card], list[queries.Warning]]:
        return _cards(self.post, words)

    def warnings(self, session: Session, texts: dict[str, str], words: str) -> list[queries.Warning]:
        return queries.networks(session, current_user).relevant(queries.similarity_warnings(
            session, self.post, current_user, texts, words=words,
            disclosure=services.get_setting(session, services.DISCLOSURE_KEY)))


@bp.get("/p/<int:post_id>/share")
@login_required
def share(post_id: int):
    post = _load(post_id)
    db = get_session()
    words = queries.own_words(db, post, current_user)
    cards, warnings = _cards(post, words)  # makes the person's tracked links on their first visit
    studio = queries.studio(db, current_user, cards, warnings)
    networks = studio.networks
    return render_template(
        "sharing/share.html",
        post=post,
        networks_form=NetworksForm(networks=list(networks.first) if networks.chosen else [], post_id=post.id),
        preview=queries.link_preview(post, current_app.config["BASE_URL"]),
        **studio.context(),
        platforms=platforms.PLATFORMS,
        form=ShareTextForm(),
        words_form=OwnWordsForm(words=words),
        words_max=services.OWN_WORDS_MAX,
        is_author=post.author_id == current_user.id,
    )


@bp.route("/share/networks", methods=["GET", "POST"])
@login_required
def networks():
    """The networks the person shares to (a profile setting): their share pages start with them."""
    db = get_session()
    chosen = queries.chosen_networks(db, current_user)
    form = NetworksForm(networks=chosen)
    if form.validate_on_submit():
        try:
            ticked = form.networks.data or []  # in the form's order: networks kept from before keep their place
            kept = services.set_networks(db, current_user, [p for p in chosen if p in ticked] + ticked)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            names = ", ".join(platforms.PLATFORMS[p].name for p in kept)
            flash(_("Your networks: %(names)s. Share pages start with them.", names=names) if kept else
                  _("No networks chosen: share pages start with the ones you share to most."), "success")
            back = db.get(Post, form.post_id.data) if form.post_id.data else None
            if back is not None and back.is_public:
                return redirect(url_for("sharing.share", post_id=back.id))
            return redirect(url_for("sharing.networks"))
    return render_template("sharing/networks.html", form=form, platforms=platforms.PLATFORMS,
                           chosen=form.networks.data or [])


@bp.post("/p/<int:post_id>/share/words")
@login_required
def save_words(post_id: int):
    return endpoints.save_words(_PostStudio(_load(post_id)))


@bp.post("/p/<int:post_id>/share/measure")
@login_required
def measure(post_id: int):
    return endpoints.measure(_PostStudio(_load(post_id)))


@bp.post("/p/<int:post_id>/share/text")
@login_required
def save_text(post_id: int):
    return endpoints.save_text(_PostStudio(_load(post_id)))


@bp.post("/p/<int:post_id>/share/text/reset")
@login_required
def reset_text(post_id: int):
    return endpoints.reset_text(_PostStudio(_load(post_id)))


@bp.post("/p/<int:post_id>/share/event")
@login_required
def event(post_id: int):
    return endpoints.record_event(_PostStudio(_load(post_id)))


@bp.post("/p/<int:post_id>/share/written")
@login_required
def written(post_id: int):
    """The language model's texts for this person, each marked "model" or "rules" (where the model
    failed): JSON for share-writer.js. 404 while no model is configured."""
    settings = writer.WriterSettings.from_config(current_app.config)
    post = _load(post_id)
    if not settings.enabled:
        abort(404)
    form = WriterForm()
    if not form.validate():
        return jsonify(error="invalid", fields=form.errors), 422
    db = get_session()
    links = services.links_for(db, post, current_user)
    texts = writer.written_texts(db, post, current_user, links, base_url=current_app.config["BASE_URL"],
                                 disclosure=services.get_setting(db, services.DISCLOSURE_KEY),
                                 own_words=form.own_words.data or "", settings=settings,
                                 cache=current_app.extensions["hub.written"])
    return jsonify(model=settings.label, platforms={t.platform: t.__dict__ for t in texts})


@bp.route("/admin/sharing", methods=["GET", "POST"])
@login_required
def settings():
    if not current_user.is_admin:
        raise PermissionDenied(_("Only admins can change sharing settings."))
    db = get_session()
    form = DisclosureForm(disclosure=services.get_setting(db, services.DISCLOSURE_KEY))
    if form.validate_on_submit():
        try:
            services.set_disclosure(db, current_user, form.disclosure.data or "")
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Sharing settings saved."), "success")
            return redirect(url_for("sharing.settings"))
    return render_template("sharing/settings.html", form=form,
                           writer=writer.WriterSettings.from_config(current_app.config))


@bp.before_app_request
def _start_click_flusher() -> None:
    """Make sure this process's click flusher runs (it also ingests dead workers' logs)."""
    log = current_app.extensions.get("hub.clicklog")
    if log is not None and request.endpoint != "static":
        log.ensure_started()
