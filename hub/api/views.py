"""The JSON API v1 at ``/api/v1`` and the "Access tokens" page of the profile.

Every API request carries ``Authorization: Bearer <token>``; cookies are never read, so a browser's
session cannot act here (and CSRF has nothing to ride on). Each token has a request budget per
window (``API_RATE_LIMIT`` per ``API_RATE_WINDOW_SECONDS``). Writes go through the same services
and rules as the web; errors are JSON with the status that fits (400, 401, 403, 404, 409, 422, 429).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from hub import platforms, throttle
from hub.api import openapi, queries, services
from hub.api import representations as rep
from hub.api.forms import TokenForm
from hub.api.models import ApiToken, Scope
from hub.db import get_session, utcnow
from hub.errors import TITLES, DomainError, NotFound, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _
from hub.inputs import MAX_PAGE, arg_int, arg_page, json_object, json_strings, json_text
from hub.insights import queries as insights
from hub.posts import queries as posts
from hub.posts import services as post_services
from hub.posts.models import Post
from hub.sharing import queries as sharing
from hub.sharing import services as sharing_services
from hub.topics import queries as topics
from hub.web import client_address, show_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
pages = Blueprint("api_tokens", __name__)

PER_PAGE_MAX = 100
INSIGHTS_POSTS_MAX = 100
FAILED_AUTH_MAX = 30  # unknown or revoked tokens per client address and window, then 429


def init_app(app: Flask) -> None:
    """Register the API (hub.extensions exempts it from CSRF: no cookie is ever accepted there) and the
    tokens page."""
    app.register_blueprint(bp)
    app.register_blueprint(pages)


# --- errors: always JSON ---------------------------------------------------------------------------


def _error(status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"error": TITLES.get(status, "Error"), "message": message}
    if field:
        body["field"] = field
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> Response:
    return _error(exc.status, exc.message, getattr(exc, "field", None))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return _error(exc.code or 500, exc.description or "", headers=headers)


# --- authentication and rate limit -------------------------------------------------------------------


def _unauthorized(message: str, error: str | None = None) -> Response:
    challenge = 'Bearer realm="hub"' + (f', error="{error}"' if error else "")
    return _error(401, message, headers={"WWW-Authenticate": challenge})


@bp.before_request
def _authenticate() -> Response | None:
    """Find the token (never the session cookie), then spend one request of its budget."""
    if request.endpoint == "api.openapi_document":
        return None
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return _unauthorized("Send a personal access token as “Authorization: Bearer <token>” "
                             "(make one under Profile, Access tokens).")
    window = int(current_app.config["API_RATE_WINDOW_SECONDS"])
    token = services.authenticate(get_session(), raw.strip())
    if token is None:
        failed = throttle.hit(f"api-auth:{throttle.client_net(client_address())}", FAILED_AUTH_MAX, window)
        if not failed.allowed:
            return _error(429, "Too many requests with unknown tokens from this address; wait and try again.",
                          headers={"Retry-After": str(failed.retry_after)})
        return _unauthorized("This token is unknown, revoked, or its owner's account is deactivated.",
                             "invalid_token")
    decision = throttle.hit(f"api:{token.id}", int(current_app.config["API_RATE_LIMIT"]), window)
    g.api_limit = decision
    if not decision.allowed:
        return _error(429, f"This token made more than {decision.limit} requests in {window} seconds; "
                           f"try again in {decision.retry_after} seconds.",
                      headers={"Retry-After": str(decision.retry_after)})
    services.note_use(get_session(), token, utcnow())
    g.api_token = token
    return None


@bp.after_request
def _limit_headers(response: Response) -> Response:
    decision = g.get("api_limit")
    if decision is not None:
        response.headers["RateLimit-Limit"] = str(decision.limit)
        response.headers["RateLimit-Remaining"] = str(max(decision.limit - decision.count, 0))
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _token() -> ApiToken:
    return g.api_token


def needs(scope: Scope) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view needs a token with ``scope`` (403 otherwise)."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not _token().allows(scope):
                return _error(403, f"This token does not have the “{scope.value}” scope.")
            return view(*args, **kwargs)
        return wrapped
    return decorate


def _base_url() -> str:
    return str(current_app.config["BASE_URL"])


# --- the document ------------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document() -> Response:
    response = jsonify(openapi.document(_base_url()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/me")
@needs(Scope.READ)
def me() -> Response:
    token = _token()
    return jsonify(rep.me(token.user, token))


# --- posts ---------------------------------------------------------------------------------------------


def _readable(post_id: int) -> tuple[Post, Any]:
    """The post and the revision the token's owner sees: the newest for its author and comms, the
    live one for everyone else; a post they may not see does not exist (404)."""
    user = _token().user
    post = posts.get_post(get_session(), post_id)
    if post_services.can_review(user, post):
        return post, post.current_revision
    if not post.is_public:
        raise NotFound("No such post.")
    return post, post.live_revision


def _page_args() -> tuple[int, int]:
    return arg_page(), arg_int("per_page", 20, min=1, max=PER_PAGE_MAX)


@bp.get("/posts")
@needs(Scope.READ)
def list_posts() -> Response:
    user, db = _token().user, get_session()
    scope = request.args.get("scope", "published")
    page, per_page = _page_args()
    query = request.args.get("q", "")[:200]
    if scope == "mine":
        found = posts.my_posts(db, user, query=query, page=page, per_page=per_page)
    elif scope == "published":
        found = posts.published(db, query=query, page=page, per_page=per_page)
    else:
        abort(400, "“scope” is “published” (everyone's published posts) or “mine” (your own).")
    mine = scope == "mine"
    items = [rep.post(p, p.current_revision if mine else p.live_revision, _base_url()) for p in found.items]
    return jsonify(items=items, page=found.page, per_page=per_page,
                   next_page=found.page + 1 if found.has_next and found.page < MAX_PAGE else None)


@bp.get("/posts/<int:post_id>")
@needs(Scope.READ)
def get_post(post_id: int) -> Response:
    post, revision = _readable(post_id)
    return jsonify(rep.post(post, revision, _base_url()))


POST_FIELDS = ("title", "summary", "body", "tags", "key_point")


def _post_input() -> post_services.PostInput:
    data = json_object(POST_FIELDS)
    tags = json_strings(data, "tags", max_items=post_services.TAGS_MAX, max_length=post_services.TAG_MAX)
    return post_services.PostInput(
        title=json_text(data, "title", max_length=post_services.TITLE_MAX, required=True) or "",
        summary=json_text(data, "summary", max_length=post_services.SUMMARY_MAX) or "",
        body=json_text(data, "body", max_length=post_services.BODY_MAX) or "",
        tags=",".join(t.replace(",", " ") for t in tags),
        key_point=json_text(data, "key_point", max_length=post_services.KEY_POINT_MAX, default=None),
    )


@bp.post("/posts")
@needs(Scope.WRITE)
def create_post() -> tuple[Response, int, dict[str, str]]:
    data = _post_input()
    post = post_services.create_draft(get_session(), _token().user, data)
    body = rep.post(post, post.current_revision, _base_url())
    return jsonify(body), 201, {"Location": url_for("api.get_post", post_id=post.id)}


@bp.post("/posts/<int:post_id>/publish")
@needs(Scope.WRITE)
def publish_post(post_id: int) -> Response:
    post, _revision = _readable(post_id)
    post_services.publish_post(get_session(), post, _token().user)
    return jsonify(rep.post(post, post.live_revision, _base_url()))


@bp.get("/posts/<int:post_id>/share")
@needs(Scope.READ)
def share(post_id: int) -> Response:
    """The token owner's share text for every platform, each with their own tracked link (made on
    first use, as the share page does)."""
    user, db = _token().user, get_session()
    post, _revision = _readable(post_id)
    links = sharing_services.links_for(db, post, user)  # NotFound while the post is not published
    disclosure = sharing_services.get_setting(db, sharing_services.DISCLOSURE_KEY)
    words = sharing.own_words(db, post, user)
    cards = sharing.cards(db, post, user, links, _base_url(), disclosure, words=words)
    return jsonify(post_id=post.id, own_words=words, texts=[rep.share_text(c) for c in cards],
                   links=[{"platform": p, "code": links[p].code, "url": sharing.link_url(_base_url(), links[p].code)}
                          for p in platforms.PLATFORMS if p in links])


# --- topics --------------------------------------------------------------------------------------------


TOPIC_STATES = ("open", "proposed", "closed", "past")


@bp.get("/topics")
@needs(Scope.READ)
def list_topics() -> Response:
    """The board: ``state=open`` (current, closing soon first; the default), ``past`` (on the board
    but past their date), ``proposed`` or ``closed`` (the newest 50)."""
    state = request.args.get("state", "open")
    if state not in TOPIC_STATES:
        abort(400, f"“state” is one of {', '.join(TOPIC_STATES)}.")
    board = topics.board(get_session(), utcnow().date())
    return jsonify(items=[rep.topic(t) for t in getattr(board, state)])


@bp.get("/topics/<int:topic_id>")
@needs(Scope.READ)
def get_topic(topic_id: int) -> Response:
    return jsonify(rep.topic(topics.get_topic(get_session(), topic_id)))


# --- insights ------------------------------------------------------------------------------------------


@bp.get("/insights")
@needs(Scope.READ)
def get_insights() -> Response:
    """The figures of the insights dashboard: ``scope=mine`` (the default) or ``company`` (comms and
    admins), over ``start``..``end`` (YYYY-MM-DD, the last 30 days by default)."""
    scope = request.args.get("scope", "mine")
    if scope not in ("mine", "company"):
        abort(400, "“scope” is “mine” or “company”.")
    limit = arg_int("posts", 20, min=0, max=INSIGHTS_POSTS_MAX)
    rng = insights.parse_range(request.args.get("start"), request.args.get("end"), utcnow().date())
    board = insights.dashboard(get_session(), _token().user, rng, mine=scope == "mine", sparklines=0)
    return jsonify(rep.insights(board, posts_limit=limit))


# --- the "Access tokens" page ---------------------------------------------------------------------------


@pages.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> str | Response:
    db = get_session()
    form, made = TokenForm(), None
    if form.validate_on_submit():
        try:
            token, made = services.create_token(db, current_user, name=form.name.data,
                                                scopes=form.scopes.data.split(","))
        except ValidationError as exc:
            show_error(form, exc)
        else:
            flash(_("Token “%(name)s” made. Copy it now: it is not shown again.", name=token.name), "success")
            form = TokenForm(formdata=None)
    response = make_response(render_template("api/tokens.html", form=form, made=made,
                                             tokens=queries.tokens_of(db, current_user),
                                             api_url=url_for("api.openapi_document")))
    response.headers["Cache-Control"] = "no-store"  # a new token may be on this page
    return response


@pages.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = services.revoke_token(get_session(), current_user, token_id)
    flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("api_tokens.tokens"))
