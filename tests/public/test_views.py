"""Public pages: home, post pages with canonical slugs, authors, tags, feed, sitemap, robots."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from hub.posts import services


def test_home_lists_published_posts_only(client, make_post):
    make_post(title="Live one", publish=True)
    make_post(title="Secret draft")
    page = client.get("/").get_data(as_text=True)
    assert "Live one" in page
    assert "Secret draft" not in page


def test_post_page_redirects_to_canonical_slug(client, make_post):
    post = make_post(title="Hello World", publish=True)
    for path in (f"/p/{post.id}", f"/p/{post.id}-wrong-slug"):
        response = client.get(path)
        assert response.status_code == 301
        assert response.headers["Location"] == f"/p/{post.id}-hello-world"
    assert client.get(f"/p/{post.id}-hello-world").status_code == 200


def test_renamed_post_keeps_old_links_working(client, session, make_post):
    post = make_post(title="Old title", publish=True)
    services.save_revision(session, post, post.author, services.PostInput("New title", "", "b"), base_revision_id=post.current_revision_id)
    services.publish_post(session, post, post.author)
    session.commit()
    response = client.get(f"/p/{post.id}-old-title")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/p/{post.id}-new-title"


def test_draft_is_not_public_but_author_sees_preview(client, auth, make_post):
    post = make_post(title="Draft")
    assert client.get(f"/p/{post.id}-draft").status_code == 404
    auth.login(post.author)
    response = client.get(f"/p/{post.id}-draft")
    assert response.status_code == 200
    assert "noindex" in response.get_data(as_text=True)


def test_taken_down_post_answers_410(client, session, make_post, make_user):
    post = make_post(title="Oops", publish=True)
    services.take_down(session, post, make_user(role="comms"), "Shares a customer's name")
    session.commit()
    assert client.get(f"/p/{post.id}-oops").status_code == 410


def test_post_page_has_open_graph_twitter_and_json_ld(client, make_post):
    post = make_post(title="Sharing <well>", summary="A summary & more", body="Body text", publish=True, tags="One, Two")
    html = client.get(f"/p/{post.id}-sharing-well").get_data(as_text=True)
    canonical = f"http://hub.test/p/{post.id}-sharing-well"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert '<meta property="og:title" content="Sharing &lt;well&gt;">' in html
    assert '<meta property="og:description" content="A summary &amp; more">' in html
    assert f'<meta property="og:url" content="{canonical}">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Article"
    assert data["headline"] == "Sharing <well>"
    assert data["url"] == canonical
    assert data["author"]["name"] == post.author.display_name


def test_description_falls_back_to_body_excerpt(client, make_post):
    post = make_post(title="T", body="First **bold** sentence. " * 30, publish=True)
    html = client.get(f"/p/{post.id}-t").get_data(as_text=True)
    description = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
    assert description.startswith("First bold sentence.")
    assert len(description) <= 201


def test_author_and_tag_pages(client, make_post, make_user):
    author = make_user(name="Åsa Öberg")
    make_post(author=author, title="Tagged", tags="Employee Advocacy", publish=True)
    response = client.get(f"/a/{author.id}")
    assert response.status_code == 301
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Åsa Öberg" in page and "Tagged" in page
    tag_page = client.get("/t/employee-advocacy")
    assert tag_page.status_code == 200 and "Tagged" in tag_page.get_data(as_text=True)
    assert client.get("/t/nothing-here").status_code == 404


def test_atom_feed_is_valid_and_escapes_html(client, make_post):
    make_post(title="Feed <item>", body="<script>x</script> **hi**", publish=True)
    response = client.get("/feed.xml")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Feed <item>"
    content = entry.find("a:content", ns).text
    assert "<strong>hi</strong>" in content and "<script>" not in content


def test_sitemap_and_robots(client, make_post):
    post = make_post(title="Mapped", publish=True)
    make_post(title="Hidden")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(client.get("/sitemap.xml").data)
    assert index.tag == f"{ns}sitemapindex"
    locs = []
    for file_url in [el.text for el in index.iter(f"{ns}loc")]:
        locs += [el.text for el in ET.fromstring(client.get(file_url.removeprefix("http://hub.test")).data).iter(f"{ns}loc")]
    assert f"http://hub.test/p/{post.id}-mapped" in locs
    assert f"http://hub.test/a/{post.author.id}-{post.author.slug}" in locs
    assert not any("hidden" in loc for loc in locs)
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://hub.test/sitemap.xml" in robots
    assert "Disallow: /s/" in robots


def test_public_search(client, make_post):
    make_post(title="Kubernetes at scale", publish=True)
    make_post(title="Baking bread", publish=True)
    page = client.get("/?q=kubern").get_data(as_text=True)
    assert "Kubernetes at scale" in page and "Baking bread" not in page


@pytest.mark.parametrize("path", ["/nope", "/p/999999", "/a/999999", "/p/abc"])
def test_unknown_pages_are_friendly_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_post_page_serves_stored_html_without_markdown(client, make_post, monkeypatch):
    post = make_post(title="Stored", body="Some **stored** text. " * 20, publish=True)

    def refuse(*_args, **_kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("a post page parsed Markdown")

    monkeypatch.setattr("markdown_it.MarkdownIt.parse", refuse)
    monkeypatch.setattr("markdown_it.MarkdownIt.render", refuse)
    html = client.get(f"/p/{post.id}-stored").get_data(as_text=True)
    assert "<strong>stored</strong>" in html
    assert '<meta name="description" content="Some stored text. Some stored text.' in html
