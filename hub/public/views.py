"""Public pages. Post bodies are served from the sanitized HTML stored at save time."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from hub.auth.services import get_user
from hub.db import get_session, utcnow
from hub.insights import queries as insights_queries
from hub.insights.forms import FeedbackForm
from hub.insights.models import Feedback
from hub.inputs import arg_page
from hub.lib.text import excerpt
from hub.posts import queries, services
from hub.posts.models import PostStatus
from hub.suggestions import queries as suggestion_queries
from hub.topics.queries import home_topics

bp = Blueprint("public", __name__)


@dataclass(frozen=True)
class PostListening:
    """What the public post page shows below the article: the readers' feedback form and the
    public answers ("You said, we did")."""

    form: FeedbackForm
    responses: list[Feedback]

# Characters XML 1.0 cannot carry at all, not even as references (C0 controls, U+FFFE...). A
# post may hold them; one in a feed would make the whole document unreadable to feed readers.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_response(xml: str, mimetype: str) -> Response:
    return Response(_NOT_XML.sub("", xml), mimetype=mimetype)


def absolute(endpoint: str, **values: object) -> str:
    """An absolute URL on BASE_URL (the address readers use, whatever the request said)."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


@bp.get("/")
def home():
    page = queries.published(get_session(), query=request.args.get("q", ""), page=arg_page(),
                             per_page=current_app.config["POSTS_PER_PAGE"])
    today = utcnow().date()
    topics = home_topics(get_session(), today) if current_user.is_authenticated else []  # open topics, for colleagues
    return render_template("public/home.html", page=page, q=request.args.get("q", ""), topics=topics, today=today)


@bp.get("/p/<int:post_id>")
@bp.get("/p/<int:post_id>-<path:slug>")
def post(post_id: int, slug: str | None = None):
    post = queries.get_post(get_session(), post_id)
    preview = False
    if not post.is_public:
        if current_user.is_authenticated and services.can_review(current_user, post):
            preview = True  # the author (or comms) sees the unpublished post, marked as such
        elif post.status == PostStatus.TAKEN_DOWN:
            abort(410, "This post was taken down.")
        else:
            abort(404)
    if not preview and slug != post.slug:
        return redirect(url_for("public.post", post_id=post.id, slug=post.slug), 301)
    revision = post.current_revision if preview else post.live_revision
    # From the stored, sanitized HTML: a post page never parses Markdown.
    description = revision.summary.strip() or excerpt(Markup(revision.body_html).striptags(), 200)
    feedback = suggestion_queries.feedback_summary(get_session(), post, current_user)
    return render_template("public/post.html", post=post, rev=revision, preview=preview, description=description, feedback=feedback,
                           canonical=absolute("public.post", post_id=post.id, slug=post.slug),
                           listening=None if preview else PostListening(
                               FeedbackForm(formdata=None), insights_queries.public_responses(get_session(), post.id)))


@bp.get("/a/<int:user_id>")
@bp.get("/a/<int:user_id>-<path:slug>")
def author(user_id: int, slug: str | None = None):
    person = get_user(get_session(), user_id)
    if slug != person.slug:
        return redirect(url_for("public.author", user_id=person.id, slug=person.slug), 301)
    page = queries.published(get_session(), author_id=person.id, page=arg_page())
    return render_template("public/author.html", person=person, page=page)


@bp.get("/t/<slug>")
def tag(slug: str):
    tag = queries.tag_by_slug(get_session(), slug)
    page = queries.published(get_session(), tag_id=tag.id, page=arg_page())
    return render_template("public/tag.html", tag=tag, page=page)


@bp.get("/feed.xml")
def feed():
    page = queries.published(get_session(), per_page=30)
    xml = render_template("public/feed.xml", posts=page.items, absolute=absolute)
    return _xml_response(xml, "application/atom+xml")


@bp.get("/sitemap.xml")
def sitemap():
    db = get_session()
    xml = render_template("public/sitemap.xml", posts=queries.all_public_for_sitemap(db),
                          authors=queries.public_authors(db), absolute=absolute)
    return _xml_response(xml, "application/xml")


@bp.get("/robots.txt")
def robots():
    body = "\n".join([
        "User-agent: *",
        "Disallow: /posts",
        "Disallow: /write",
        "Disallow: /admin",
        "Disallow: /colleagues",
        "Disallow: /s/",
        "Allow: /",
        f"Sitemap: {absolute('public.sitemap')}",
        "",
    ])
    return Response(body, mimetype="text/plain")
