"""The installable web app: manifest, service worker, offline page, and the share target that a
phone's share sheet opens (tests/browser/test_phone_and_a11y.py looks at the pages themselves)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from PIL import Image

from hub.posts import share_target
from tests.conftest import TEST_PASSWORD

STATIC = Path(__file__).resolve().parents[2] / "static"
HOSTS = {"hub.example.com", "localhost"}


# --- service level ------------------------------------------------------------------------------

def test_own_post_links_are_recognised_on_our_hosts_only() -> None:
    assert share_target.own_post_id("https://hub.example.com/p/12-a-slug", HOSTS) == 12
    assert share_target.own_post_id("http://hub.example.com/p/12", HOSTS) == 12
    assert share_target.own_post_id("https://HUB.example.com/p/12/share", HOSTS) == 12
    assert share_target.own_post_id("https://elsewhere.example/p/12-a-slug", HOSTS) is None
    assert share_target.own_post_id("https://hub.example.com/t/12", HOSTS) is None
    assert share_target.own_post_id("javascript:alert(1)//hub.example.com/p/1", HOSTS) is None
    assert share_target.own_post_id("https://hub.example.com/p/99999999999999999999999", HOSTS) is None
    assert share_target.own_post_id("http://[::1/p/1", HOSTS) is None  # a broken address is no error


def test_a_shared_article_becomes_a_draft_with_the_link(session) -> None:
    item = share_target.interpret_share(
        session, title="Why onboarding matters", text="Worth a read for every team lead",
        url="https://news.example.org/onboarding", hosts=HOSTS)
    assert item.post is None
    assert item.title == "Why onboarding matters"
    assert item.body == "Worth a read for every team lead\n\nhttps://news.example.org/onboarding"


def test_a_link_inside_the_text_is_kept_once_and_a_repeated_title_dropped(session) -> None:
    text = "Look at this https://news.example.org/a"
    item = share_target.interpret_share(session, title=text, text=text, url="https://news.example.org/a", hosts=HOSTS)
    assert item.body == text
    assert item.title == ""


def test_odd_input_is_cleaned_and_cut_not_refused(session) -> None:
    item = share_target.interpret_share(
        session, title="Line\none\x00" + "x" * 1000, text="\x00" * 3 + "y" * 50_000, url=None, hosts=HOSTS)
    assert "\n" not in item.title and "\x00" not in item.title
    assert len(item.title) == share_target.TITLE_MAX
    assert "\x00" not in item.body and len(item.body) == share_target.TEXT_MAX


def test_a_link_to_one_of_our_published_posts_opens_its_share_page(session, make_post) -> None:
    post = make_post(publish=True)
    item = share_target.interpret_share(
        session, title="", text=f"Read this: https://hub.example.com/p/{post.id}-a-post-title", url="", hosts=HOSTS)
    assert item.post is not None and item.post.id == post.id


def test_a_link_to_a_draft_or_a_missing_post_is_an_ordinary_link(session, make_post) -> None:
    draft = make_post()
    for link in (f"https://hub.example.com/p/{draft.id}", "https://hub.example.com/p/424242"):
        item = share_target.interpret_share(session, title="", text="", url=link, hosts=HOSTS)
        assert item.post is None and item.body == link


# --- HTTP ---------------------------------------------------------------------------------------

def test_the_manifest_makes_hub_installable_with_a_share_target(client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200 and served.mimetype == "image/png"
        path = STATIC / icon["src"].removeprefix("/static/")
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
    target = manifest["share_target"]
    assert target["action"] == "/share-target" and target["method"] == "GET"
    assert target["params"] == {"title": "title", "text": "text", "url": "url"}


def test_every_page_links_the_manifest_and_the_worker(client) -> None:
    html = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert 'data-service-worker="/sw.js"' in html


def test_the_service_worker_is_served_from_the_root_and_caches_no_page_but_the_offline_one(client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    precache = json.loads(body.split("const PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert precache[0] == "/offline"
    assert all(url.startswith("/static/") for url in precache[1:])
    assert 'request.mode === "navigate"' in body and "fetch(request).catch(() => caches.match(OFFLINE_URL))" in body
    assert client.get("/offline").status_code == 200


def test_the_offline_page_is_the_same_for_everyone(client, auth, make_user) -> None:
    anonymous = client.get("/offline").get_data(as_text=True)
    user = auth.login(make_user(name="Zelda Signed-In"))
    signed_in = client.get("/offline").get_data(as_text=True)
    assert signed_in == anonymous
    assert "Zelda" not in signed_in and "csrf" not in signed_in.lower() and user.email not in signed_in


def test_sharing_while_signed_out_asks_to_sign_in_and_returns_to_the_share(client, make_user) -> None:
    user = make_user()
    response = client.get("/share-target?title=Hi&text=Some+news&url=https%3A%2F%2Fnews.example.org%2Fx")
    assert response.status_code == 302
    login = urlsplit(response.headers["Location"])
    assert login.path == "/login"
    back = parse_qs(login.query)["next"][0]
    assert back.startswith("/share-target?")
    response = client.post("/login?next=" + quote(back, safe=""),
                           data={"email": user.email, "password": TEST_PASSWORD, "next": back})
    assert response.status_code == 302 and response.headers["Location"] == back
    page = client.get(back).get_data(as_text=True)
    assert 'value="Hi"' in page and "Some news\n\nhttps://news.example.org/x</textarea>" in page


def test_sign_in_never_sends_a_share_to_another_site(client, make_user) -> None:
    user = make_user()
    for evil in ("https://evil.example/share-target", "//evil.example/share-target", "/\\evil.example"):
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "next": evil})
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")
        assert response.headers["Location"] == "/posts"
        client.post("/logout", data={})
        client.delete_cookie("session")


def test_the_share_target_opens_the_editor_prefilled_without_saving(client, auth, make_user, session) -> None:
    from hub.posts.models import Post

    auth.login(make_user())
    response = client.get("/share-target", query_string={"title": "Our new office", "text": "Photos inside",
                                                         "url": "https://news.example.org/office"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'action="/write"' in html and 'value="Our new office"' in html
    assert "Photos inside\n\nhttps://news.example.org/office</textarea>" in html
    assert session.query(Post).count() == 0  # nothing saved until the author saves (or autosave does)


def test_sharing_one_of_our_own_posts_goes_to_its_share_page(client, auth, make_user, make_post) -> None:
    post = make_post(publish=True)
    auth.login(make_user())
    response = client.get("/share-target", query_string={"text": f"http://localhost/p/{post.id}-a-post-title"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{post.id}/share"


def test_junk_in_the_share_target_is_never_an_error(client, auth, make_user) -> None:
    auth.login(make_user())
    for query in ("url=http://[::1", "text=%E2%80%AE" + "y" * 30_000, "url=" + "x" * 5000, "title=&text=&url=", ""):
        assert client.get("/share-target?" + query).status_code == 200
    # NUL and broken UTF-8 are refused for every page before any view runs (hub.inputs): a clear 400
    assert client.get("/share-target?title=%00&text=%ff%fe").status_code == 400
