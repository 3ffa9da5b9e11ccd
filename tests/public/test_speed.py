"""Public pages cost little more than their templates: no lazy loads, a statement count that does
not grow with the number of posts, cacheable answers with no cookie for anonymous readers,
sitemaps by the protocol, ranked full-text search, list queries read through their indexes."""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session

from hub.db import get_engine
from hub.lib import formtoken
from hub.posts import queries

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Recorder:
    def __init__(self) -> None:
        self.statements: list[str] = []
        self.lazy_loads: list[str] = []


@contextmanager
def recording(app: Any) -> Iterator[Recorder]:
    """Every SQL statement the app runs, and every ORM lazy load (relationship or deferred column)."""
    rec = Recorder()
    engine = get_engine(app)

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        rec.statements.append(statement)

    def on_orm(state: ORMExecuteState) -> None:
        if state.is_select and (state.lazy_loaded_from is not None or state.is_column_load):  # selectin: fine
            rec.lazy_loads.append(str(state.statement)[:200])

    sa.event.listen(engine, "before_cursor_execute", on_execute)
    sa.event.listen(Session, "do_orm_execute", on_orm)
    try:
        yield rec
    finally:
        sa.event.remove(engine, "before_cursor_execute", on_execute)
        sa.event.remove(Session, "do_orm_execute", on_orm)


@pytest.fixture
def site(make_post, make_user):  # type: ignore[no-untyped-def]
    """``site(n)``: n published posts by two authors, tagged, one with a public path for each page."""
    authors = [make_user(name="Ada Author"), make_user(name="Bo Writer")]
    made: list[Any] = []

    def build(n: int) -> dict[str, str]:
        for i in range(len(made), n):
            made.append(make_post(author=authors[i % 2], title=f"Rust notes {i}", summary="A summary",
                                  body=f"Body **{i}** about rust and kafka.", tags="Engineering, Rust", publish=True))
        post, author = made[0], authors[0]
        return {
            "post": f"/p/{post.id}-{post.slug}",
            "home": "/",
            "page 2": "/?page=2",
            "author": f"/a/{author.id}-{author.slug}",
            "tag": "/t/engineering",
            "feed": "/feed.xml",
            "sitemap index": "/sitemap.xml",
            "sitemap file": "/sitemap-1.xml",
            "sitemap people": "/sitemap-people.xml",
            "search": "/?q=rust",
            "search two words": "/?q=rust+kafka",
        }

    return build


def measure(app: Any, client: Any, path: str) -> Recorder:
    with recording(app) as rec:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return rec


@pytest.mark.parametrize("app_config", [{"POSTS_PER_PAGE": 2}])  # so that page 2 has posts with 3 posts too
def test_public_pages_run_no_lazy_load_and_a_constant_number_of_statements(app, client, site, app_config):
    paths = site(3)
    few = {name: measure(app, client, path) for name, path in paths.items()}
    paths = site(30)
    many = {name: measure(app, client, path) for name, path in paths.items()}
    for name in paths:
        assert few[name].lazy_loads == [], f"{name}: lazy loads while rendering: {few[name].lazy_loads}"
        assert many[name].lazy_loads == [], f"{name}: lazy loads while rendering: {many[name].lazy_loads}"
        assert len(many[name].statements) == len(few[name].statements), (name, many[name].statements)
    # and the counts are small: the post page is the post (with author, revision, cover) + tags
    # + public answers to feedback
    assert len(many["post"].statements) <= 3
    assert len(many["feed"].statements) <= 2
    assert len(many["sitemap file"].statements) <= 2


def test_anonymous_readers_get_no_cookie_and_cacheable_pages_with_etags(app, client, site):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the feedback form is on the post page
    for name, path in site(3).items():
        response = client.get(path)
        assert "Set-Cookie" not in response.headers, name
        cache = response.cache_control
        assert cache.public and cache.max_age == app.config["PUBLIC_MAX_AGE"], (name, response.headers["Cache-Control"])
        assert cache.stale_while_revalidate == app.config["PUBLIC_STALE_WHILE_REVALIDATE"]
        # the interface speaks the browser's language: a shared cache keeps one copy per language
        assert "Accept-Language" in response.vary and "Cookie" in response.vary, (name, response.headers["Vary"])
        etag = response.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", name
    assert client.get_cookie("session") is None


def test_signed_in_pages_stay_private(client, auth, site, make_user):
    paths = site(2)
    auth.login(make_user())
    for name in ("post", "home", "feed"):
        response = client.get(paths[name])
        assert response.cache_control.private and response.cache_control.no_store, name
        assert not response.cache_control.public


def test_a_reader_with_a_flashed_message_is_not_served_from_a_shared_cache(client, site):
    path = site(1)["post"]
    post_id = int(re.search(r"/p/(\d+)-", path).group(1))
    response = client.post(f"/p/{post_id}/feedback", data={"message": "Nice"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "your feedback went to the author" in page.get_data(as_text=True)
    assert not page.cache_control.public and page.cache_control.no_store


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_feedback_form_token_is_cookie_free_and_bound_to_the_post(app, client, session, make_post, app_config):
    post, other = make_post(title="One", publish=True), make_post(title="Two", publish=True)
    html = client.get(f"/p/{post.id}-one").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/p/%d/feedback".*?</form>' % post.id, html, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    assert client.get_cookie("session") is None
    # a token for another post, a forged one, an expired one: refused, nothing stored
    other_token = formtoken.issue(app.config["SECRET_KEY"], f"feedback:{other.id}", time.time())
    old_token = formtoken.issue(app.config["SECRET_KEY"], f"feedback:{post.id}", time.time() - 3 * 86400)
    for bad in (other_token, old_token, token[:-1] + ("0" if token[-1] != "0" else "1"), "", "x.y"):
        assert client.post(f"/p/{post.id}/feedback", data={"message": "Hi", "csrf_token": bad}).status_code == 400
    # the honeypot still catches robots that carry a valid token
    assert client.post(f"/p/{post.id}/feedback", data={"message": "Hi", "website": "x", "csrf_token": token}).status_code == 422
    response = client.post(f"/p/{post.id}/feedback", data={"message": "Thanks", "csrf_token": token})
    assert response.status_code == 302
    from hub.insights.models import Feedback

    assert [f.message for f in session.scalars(sa.select(Feedback))] == ["Thanks"]


@pytest.mark.parametrize("app_config", [{"SITEMAP_POSTS_PER_FILE": 2}])
def test_sitemap_index_splits_posts_into_files_by_id_range(client, make_post, app_config):
    posts = [make_post(title=f"Post {i}", publish=i != 2) for i in range(5)]
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{NS}sitemapindex"
    files = [el.text.removeprefix("http://hub.test") for el in index.iter(f"{NS}loc")]
    last = -(-posts[-1].id // 2)  # files cover ids 1-2, 3-4, ...: up to the highest id
    assert files == ["/sitemap-people.xml"] + [f"/sitemap-{n}.xml" for n in range(1, last + 1)]
    seen: list[str] = []
    for path in files[1:]:
        root = ET.fromstring(client.get(path).data)
        urls = [u.find(f"{NS}loc").text for u in root.iter(f"{NS}url")]
        assert len(urls) <= 2
        assert all(u.find(f"{NS}lastmod").text.endswith("Z") for u in root.iter(f"{NS}url"))
        seen += urls
    assert seen == [f"http://hub.test/p/{p.id}-{p.slug}" for i, p in enumerate(posts) if i != 2]
    assert client.get(f"/sitemap-{last + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404
    assert "Sitemap: http://hub.test/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


def test_a_sitemap_file_is_built_once_and_rebuilt_when_its_posts_change(client, session, make_post, monkeypatch):
    from hub.posts import services
    from hub.public import views

    built: list[int] = []
    real = views._sitemap_file
    monkeypatch.setattr(views, "_sitemap_file", lambda *args: built.append(1) or real(*args))
    first, second = make_post(title="First post", publish=True), make_post(title="Second post", publish=True)

    def locs() -> list[str]:
        root = ET.fromstring(client.get("/sitemap-1.xml").data)
        return [u.find(f"{NS}loc").text for u in root.iter(f"{NS}url")]

    assert locs() == [f"http://hub.test/p/{first.id}-first-post", f"http://hub.test/p/{second.id}-second-post"]
    assert locs() and len(built) == 1  # the second request reads the built file
    services.save_revision(session, first, first.author, services.PostInput("First post, renamed", "", "Body."),
                           base_revision_id=first.current_revision_id)
    services.publish_post(session, first, first.author)
    session.commit()
    assert locs()[0] == f"http://hub.test/p/{first.id}-first-post-renamed" and len(built) == 2
    services.unpublish_post(session, second, second.author)
    session.commit()
    assert locs() == [f"http://hub.test/p/{first.id}-first-post-renamed"] and len(built) == 3
    third = make_post(title="Third post", publish=True)
    assert locs()[-1] == f"http://hub.test/p/{third.id}-third-post" and len(built) == 4


@pytest.mark.parametrize("app_config", [{"SITEMAP_POSTS_PER_FILE": 1_000_000}])  # one file (PostgreSQL's ids go on)
def test_a_sitemap_rebuild_formats_only_the_posts_whose_live_revision_changed(client, session, make_post, monkeypatch,
                                                                              app_config):
    from hub.posts import services
    from hub.public import views

    posts = [make_post(title=f"Post number {i}", publish=True) for i in range(6)]
    slugged: list[str] = []
    real = views.slugify
    monkeypatch.setattr(views, "slugify", lambda title, n: slugged.append(title) or real(title, n))
    assert client.get("/sitemap-1.xml").status_code == 200
    assert len(slugged) == 6
    slugged.clear()
    services.save_revision(session, posts[2], posts[2].author, services.PostInput("Post number two, renamed", "", "Body."),
                           base_revision_id=posts[2].current_revision_id)
    services.publish_post(session, posts[2], posts[2].author)
    session.commit()
    newest = make_post(title="Newest post", publish=True)
    root = ET.fromstring(client.get("/sitemap-1.xml").data)
    assert slugged == ["Post number two, renamed", "Newest post"]  # the other five lines were kept
    locs = [u.find(f"{NS}loc").text for u in root.iter(f"{NS}url")]
    assert locs == [f"http://hub.test/p/{p.id}-{p.slug}" for p in [*posts, newest]]
    assert locs[2].endswith("-post-number-two-renamed")
    assert all(u.find(f"{NS}lastmod").text.endswith("Z") for u in root.iter(f"{NS}url"))


def test_search_ranks_title_matches_first_and_needs_every_word(session, make_post):
    body_only = make_post(title="Weekly notes", body="We tried kafka once.", publish=True)
    in_title = make_post(title="Kafka in production", body="Streams.", publish=True)
    make_post(title="Kafka draft", body="unpublished")
    both = make_post(title="Kafka and Postgres", body="postgres", publish=True)
    assert [p.id for p in queries.published(session, query="kafka").items][-1] == body_only.id
    assert {p.id for p in queries.published(session, query="kafka").items} == {body_only.id, in_title.id, both.id}
    assert [p.id for p in queries.published(session, query="kaf postgr").items] == [both.id]
    assert queries.published(session, query="kafka nosuchword").items == []


@pytest.mark.parametrize("query", ['"', 'kafka"', "OR", "kafka OR", "NEAR(a b)", "a* -b", "col:title", "'", "\\", "&|!():*",
                                   "x" * 500, "東京 東"])
def test_search_never_fails_on_what_a_reader_types(client, make_post, query):
    make_post(title="Kafka in 東京", publish=True)
    response = client.get("/", query_string={"q": query})
    assert response.status_code == 200


def test_common_words_are_ranked_among_their_newest_matches(session, make_post, monkeypatch):
    monkeypatch.setattr("hub.posts.search.RANK_WINDOW", 3)
    posts = [make_post(title="Common word", publish=True) for _ in range(5)]
    found = {p.id for p in queries.published(session, query="common").items}
    assert found == {p.id for p in posts[-3:]}


def _sqlite_plan(session: Session, stmt: sa.Select) -> str:
    compiled = stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    return "\n".join(row[-1] for row in session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))


def test_public_lists_read_their_index_in_order_without_sorting(app, session, make_post, monkeypatch):
    if app.config["HUB_DB_BACKEND"] != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; bench/public_pages.py prints PostgreSQL's plans at 100,000 posts")
    post = make_post(title="Planned", tags="Engineering", publish=True)
    captured: list[sa.Select] = []
    monkeypatch.setattr(queries, "_paged", lambda _s, stmt, page, per_page: captured.append(stmt))
    queries.published(session)
    queries.published(session, author_id=post.author_id)
    queries.published(session, tag_id=post.tags[0].id)
    for stmt, index in zip(captured, ["ix_post_status_published_at", "ix_post_author_id_status_published_at",
                                      "ix_post_status_published_at"], strict=True):
        plan = _sqlite_plan(session, stmt.limit(21))
        assert "TEMP B-TREE" not in plan, plan
        assert index in plan, plan


def test_a_whole_word_is_found_even_when_this_process_remembers_an_older_vocabulary(session, make_post, app):
    from hub.posts import search

    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the vocabulary look-up is SQLite's")
    assert queries.published(session, query="zebra").items == []
    post = make_post(title="Zebra crossings", publish=True)  # as another worker would: this process's answer stays
    key = (str(session.get_bind().engine.url), "live", "zebra")
    search._expansions[key] = (search.time.monotonic(), [])  # the answer from before the post
    assert [p.id for p in queries.published(session, query="zebra").items] == [post.id]
    assert [p.id for p in queries.published(session, query="zebr").items] == [post.id]  # a new look-up: put() forgot
