"""Public pages. Post bodies are served from the sanitized HTML stored at save time."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from hub.db import get_session, utcnow
from hub.i18n import _
from hub.inputs import SEARCH_MAX, arg_page, arg_search
from hub.insights import queries as insights_queries
from hub.insights.forms import FeedbackForm, feedback_token
from hub.insights.models import Feedback
from hub.lib.text import excerpt, slugify
from hub.lib.timeutil import iso
from hub.posts import queries, services
from hub.posts.models import Post, PostStatus
from hub.suggestions import queries as suggestion_queries
from hub.topics.queries import home_topics

bp = Blueprint("public", __name__)


@dataclass(frozen=True)
class PostListening:
    """What the public post page shows below the article: the blank feedback form (HTML) and
    the public answers ("You said, we did")."""

    form_html: Markup
    responses: list[Feedback]


FORM_CACHE_SIZE = 512


def _blank_form_html(post: Post) -> Markup:
    """The blank feedback form of ``post``: the same for every reader within the token's hour, so
    it is rendered once per post and hour and kept in a small per-process cache (building and
    rendering the WTForms fields was a third of the post page's template time)."""
    token = feedback_token(post.id)
    cache: OrderedDict[tuple[int, str, str], Markup] = current_app.extensions.setdefault(
        "hub.feedback_form_html", OrderedDict()
    )
    key = (post.id, token, str(get_locale()))  # its labels are in the reader's language
    html = cache.get(key)
    if html is None:
        blank = FeedbackForm(formdata=None)
        html = Markup(render_template("insights/_feedback_fields.html", form=blank, post=post))
        cache[key] = html
        if len(cache) > FORM_CACHE_SIZE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return html


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_CACHE_FILES = 32  # built sitemap files kept per process (10,000 URLs: ~1 MB each)
XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all, not even as references (C0 controls, U+FFFE...). A
# post may hold them; one in a feed would make the whole document unreadable to feed readers.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_response(xml: str, mimetype: str) -> Response:
    return Response(_NOT_XML.sub("", xml), mimetype=mimetype)


def absolute(endpoint: str, **values: Any) -> str:
    """An absolute URL on BASE_URL (the address readers use, whatever the request said)."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def reader_is_anonymous() -> bool:
    """Whether this request comes from a reader with no session at all (not signed in, no
    flashed message waiting): only then may a shared cache keep the answer."""
    has_session = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
    return not current_user.is_authenticated and not has_session


@bp.after_request
def _cache_headers(response: Response) -> Response:
    """Public pages, feed and sitemaps: cacheable by browsers, proxies and CDNs for anonymous
    readers (short max-age, served stale while revalidating), with an ETag of the body so that a
    revalidation costs a 304 and no bytes. Anything personal stays private and unstored."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if reader_is_anonymous() and not session.modified:
        response.cache_control.public = True
        response.cache_control.max_age = int(current_app.config["PUBLIC_MAX_AGE"])
        stale = int(current_app.config["PUBLIC_STALE_WHILE_REVALIDATE"])
        response.cache_control.stale_while_revalidate = stale
        response.vary.add("Cookie")  # a signed-in person's cookie gets their own page, never this one
        response.vary.add("Accept-Language")  # the interface speaks the browser's language
        response.add_etag()
        response.make_conditional(request)
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


@bp.get("/")
def home():
    q, q_notice = arg_search()
    page = queries.published(get_session(), query=q, page=arg_page(), per_page=current_app.config["POSTS_PER_PAGE"])
    today = utcnow().date()
    topics = home_topics(get_session(), today) if current_user.is_authenticated else []  # open topics, for colleagues
    return render_template("public/home.html", page=page, q=q, q_notice=q_notice, q_max=SEARCH_MAX, topics=topics,
                           today=today)


@bp.get("/p/<int:post_id>")
@bp.get("/p/<int:post_id>-<path:slug>")
def post(post_id: int, slug: str | None = None):
    post = queries.public_post(get_session(), post_id)
    preview = False
    if not post.is_public:
        if current_user.is_authenticated and services.can_review(current_user, post):
            preview = True  # the author (or comms) sees the unpublished post, marked as such
        elif post.status == PostStatus.TAKEN_DOWN:
            abort(410, _("This post was taken down."))
        else:
            abort(404)
    if not preview and slug != post.slug:
        return redirect(url_for("public.post", post_id=post.id, slug=post.slug), 301)
    revision = post.current_revision if preview else post.live_revision
    assert revision is not None  # a public post has a live revision; every post has a current one
    # From the stored, sanitized HTML: a post page never parses Markdown.
    description = revision.summary.strip() or excerpt(Markup(revision.body_html).striptags(), 200)
    db = get_session()
    feedback = suggestion_queries.feedback_summary(db, post, current_user)
    listening = (
        None if preview else PostListening(_blank_form_html(post), insights_queries.public_responses(db, post.id))
    )
    return render_template(
        "public/post.html",
        post=post,
        rev=revision,
        preview=preview,
        description=description,
        feedback=feedback,
        canonical=absolute("public.post", post_id=post.id, slug=post.slug),
        listening=listening,
    )


@bp.get("/a/<int:user_id>")
@bp.get("/a/<int:user_id>-<path:slug>")
def author(user_id: int, slug: str | None = None):
    person = queries.author_profile(get_session(), user_id)
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
    page = queries.published(get_session(), per_page=30, with_body=True)
    xml = render_template("public/feed.xml", posts=page.items, absolute=absolute)
    return _xml_response(xml, "application/atom+xml")


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap index (sitemaps.org): the people's file, then one file per fixed range of
    post ids, so a post stays in the same file forever and each file holds at most
    SITEMAP_POSTS_PER_FILE URLs, far below the protocol's 50,000."""
    per_file = int(current_app.config["SITEMAP_POSTS_PER_FILE"])
    files = max(1, -(-queries.last_post_id(get_session()) // per_file))
    urls = [absolute("public.sitemap_people")] + [absolute("public.sitemap_posts", n=n) for n in range(1, files + 1)]
    body = "".join(f"<sitemap><loc>{escape(url)}</loc></sitemap>\n" for url in urls)
    xml = f'{XML_HEAD}<sitemapindex xmlns="{SITEMAP_NS}">\n{body}</sitemapindex>\n'
    return _xml_response(xml, "application/xml")


@bp.get("/sitemap-people.xml")
def sitemap_people():
    """The home page and every author with a published post."""
    urls = [absolute("public.home")] + [
        absolute("public.author", user_id=p.id, slug=p.slug) for p in queries.public_authors(get_session())
    ]
    return _xml_response(_urlset((url, None) for url in urls), "application/xml")


@bp.get("/sitemap-<int:n>.xml")
def sitemap_posts(n: int):
    """Published posts with ids in the ``n``-th range: built from plain columns over a
    primary-key range, in time independent of the total number of posts."""
    per_file = int(current_app.config["SITEMAP_POSTS_PER_FILE"])
    first, last = (n - 1) * per_file + 1, n * per_file
    highest, *state = queries.sitemap_fingerprint(get_session(), first, last) if n >= 1 else (0, 0, 0)
    if n < 1 or (n - 1) * per_file >= max(1, highest):
        abort(404)
    base = absolute("public.home").rstrip("/")
    # Built once per process and state of its range: (published posts, sum of their live revision
    # ids) changes whenever a post of the range is published, republished or withdrawn, since a
    # revision id is never reused. A kept file costs one aggregate over the id range; a rebuild
    # reuses the line of every post whose live revision is the same as in the file it replaces.
    key = (n, per_file, base, *state)
    cache: OrderedDict[tuple[Any, ...], SitemapFile] = current_app.extensions.setdefault(
        "hub.sitemap_files", OrderedDict())
    built = cache.get(key)
    if built is None:
        previous = next((cache.pop(k) for k in [k for k in cache if k[:3] == key[:3]]), None)
        built = _sitemap_file(queries.sitemap_entries(get_session(), first, last), base, previous)
        cache[key] = built
        while len(cache) > SITEMAP_CACHE_FILES:
            cache.popitem(last=False)
    else:
        cache.move_to_end(key)
    return _xml_response(built.xml, "application/xml")


@dataclass(frozen=True)
class SitemapFile:
    xml: str
    lines: dict[tuple[int, int], str]  # (post id, live revision id) -> its <url> line


def _sitemap_file(entries: list[queries.SitemapEntry], base: str, previous: SitemapFile | None) -> SitemapFile:
    """The file for ``entries``: a line per post (its URL: base, id and slug; its lastmod), taken
    from ``previous`` when the post's live revision is the same. The slug is ASCII letters,
    digits and hyphens (quoted when it keeps other scripts' letters), so only the base needs
    escaping."""
    old = previous.lines if previous is not None else {}
    prefix = f"<url><loc>{escape(base)}/p/"
    lines: dict[tuple[int, int], str] = {}
    for e in entries:
        key = (e.id, e.revision_id)
        line = old.get(key)
        if line is None:
            slug = slugify(e.title, 80)
            slug = slug if slug.isascii() else str(escape(quote(slug)))
            line = f"{prefix}{e.id}-{slug}</loc><lastmod>{_iso_utc(e.modified)}</lastmod></url>\n"
        lines[key] = line
    xml = f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">\n{"".join(lines.values())}</urlset>\n'
    return SitemapFile(xml, lines)


def _iso_utc(moment: datetime) -> str:
    """``iso()`` for an aware UTC datetime (as UTCDateTime reads them), without strftime."""
    if moment.utcoffset():
        return iso(moment)
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _urlset(urls: Iterable[tuple[str, str | None]]) -> str:
    parts = [f'{XML_HEAD}<urlset xmlns="{SITEMAP_NS}">\n']
    for loc, lastmod in urls:
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        parts.append(f"<url><loc>{escape(loc)}</loc>{modified}</url>\n")
    parts.append("</urlset>\n")
    return "".join(parts)


@bp.get("/robots.txt")
def robots():
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /posts",
            "Disallow: /write",
            "Disallow: /admin",
            "Disallow: /colleagues",
            "Disallow: /s/",
            "Allow: /",
            f"Sitemap: {absolute('public.sitemap')}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")

