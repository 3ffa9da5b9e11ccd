"""Public pages kept whole for anonymous readers (hub.public.cache): served without Flask or the
database while nothing changed, rebuilt at once after a commit that changes public content."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from hub.db import get_engine
from hub.posts import services

pytestmark = pytest.mark.parametrize("app_config", [{"PUBLIC_PAGE_CACHE": True}])


def statements(app: Any, client: Any, path: str, **kwargs: Any) -> tuple[Any, list[str]]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa.event.listen(get_engine(app), "before_cursor_execute", on_execute)
    try:
        response = client.get(path, **kwargs)
    finally:
        sa.event.remove(get_engine(app), "before_cursor_execute", on_execute)
    return response, seen


def test_an_anonymous_page_is_answered_again_without_the_database(app, client, make_post, app_config):
    post = make_post(title="Cached words", body="The body.", publish=True)
    path = f"/p/{post.id}-{post.slug}"
    for page in (path, "/", "/feed.xml", "/sitemap.xml", "/sitemap-1.xml", "/?q=words"):
        first, ran = statements(app, client, page)
        assert first.status_code == 200 and ran, page
        again, ran = statements(app, client, page)
        assert ran == [], page  # answered from the page cache
        assert again.data == first.data, page
        for header in ("ETag", "Cache-Control", "Content-Type", "Content-Security-Policy", "X-Frame-Options", "Vary"):
            assert again.headers.get(header) == first.headers.get(header), (page, header)
        assert "Set-Cookie" not in again.headers
        not_modified, ran = statements(app, client, page, headers={"If-None-Match": first.headers["ETag"]})
        assert not_modified.status_code == 304 and not_modified.data == b"" and ran == [], page
        assert not_modified.headers["ETag"] == first.headers["ETag"]
        assert client.head(page).status_code == 200


def test_a_takedown_is_a_410_at_once(app, client, session, make_post, make_user, app_config):
    post = make_post(title="Soon gone", publish=True)
    path = f"/p/{post.id}-{post.slug}"
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # kept
    assert "Soon gone" in client.get("/").get_data(as_text=True)
    services.take_down(session, post, make_user(role="comms"), "Confidential")
    session.commit()
    assert client.get(path).status_code == 410
    assert "Soon gone" not in client.get("/").get_data(as_text=True)
    assert client.get("/feed.xml").status_code == 200 and b"Soon gone" not in client.get("/feed.xml").data


def test_a_new_live_revision_is_a_new_page_at_once(app, client, session, make_post, app_config):
    post = make_post(title="First words", body="Old body.", publish=True)
    path = f"/p/{post.id}-{post.slug}"
    old = client.get(path)
    assert "Old body." in old.get_data(as_text=True) and client.get(path).data == old.data
    services.save_revision(session, post, post.author, services.PostInput("First words", "", "New body."),
                           base_revision_id=post.current_revision_id)
    services.publish_post(session, post, post.author)
    session.commit()
    new = client.get(path)
    assert "New body." in new.get_data(as_text=True) and "Old body." not in new.get_data(as_text=True)
    assert new.headers["ETag"] != old.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": old.headers["ETag"]}).status_code == 200


def test_readers_with_a_cookie_or_another_language_are_not_given_the_kept_page(app, client, auth, make_post,
                                                                                 make_user, app_config):
    post = make_post(title="Shared words", publish=True)
    path = f"/p/{post.id}-{post.slug}"
    client.get(path)
    _, ran = statements(app, client, path, headers={"Accept-Language": "de"})
    assert ran  # another Accept-Language is another entry
    _, ran = statements(app, client, path, headers={"Accept-Language": "de"})
    assert ran == []
    auth.login(make_user())  # the session cookie: Flask answers, privately
    signed_in, ran = statements(app, client, path)
    assert ran and signed_in.cache_control.private and not signed_in.cache_control.public


def test_writes_no_public_page_shows_keep_the_pages(app, client, session, make_post, make_user, app_config):
    from hub.sharing import services as sharing
    from hub.sharing.models import ShareEvent

    post = make_post(title="Quiet", publish=True)
    sharer = make_user()
    sharing.links_for(session, post, sharer)
    session.commit()
    client.get("/")
    session.add(ShareEvent(post_id=post.id, user_id=sharer.id, platform="x", kind="copy"))
    session.commit()
    _, ran = statements(app, client, "/")
    assert ran == []
