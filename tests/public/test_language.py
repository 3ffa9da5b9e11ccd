"""Each post is served in its own language: lang (and dir="rtl" for right-to-left languages) on
its title, summary and body, og:locale and inLanguage on its page, xml:lang in the feed (issue 11)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hub.posts import services

ARABIC = ("فريق الدعم لدينا",
          "أجاب فريق الدعم على ثمانية عشر ألف تذكرة في الربع الأخير، وانخفض عدد التذاكر بمقدار الثلث.")
HEBREW = ("צוות התמיכה שלנו", "צוות התמיכה ענה על שמונה עשר אלף פניות ברבעון האחרון, ומספר הפניות ירד בשליש.")
SWEDISH = ("Vårt supportteam",
           "Supportteamet svarade på artontusen ärenden förra kvartalet och antalet ärenden minskade.")
ENGLISH = ("Our support team", "Our support team answered eighteen thousand tickets last quarter, and tickets dropped.")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tag(html: str, css_class: str) -> str:
    match = re.search(rf'<[a-z0-9]+ class="{css_class}"[^>]*>', html)
    assert match, css_class
    return match.group(0)


def _meta(html: str, prop: str) -> str:
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', html)
    assert match, prop
    return match.group(1)


def _page(client, post) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/p/{post.id}-{post.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_arabic_post_is_served_right_to_left_in_arabic(client, make_post):
    post = make_post(title=ARABIC[0], body=ARABIC[1], summary="ملخص قصير عن فريق الدعم", publish=True)
    assert post.live_revision.language == "ar"
    html = _page(client, post)
    assert html.startswith('<!doctype html>\n<html lang="en">')  # the page around the post stays hub's
    assert _tag(html, "post-body") == '<div class="post-body" lang="ar" dir="rtl">'
    assert _tag(html, "lead") == '<p class="lead" lang="ar" dir="rtl">'
    assert '<h1 lang="ar" dir="rtl">' in html
    assert _meta(html, "og:locale") == "ar_AR"
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["inLanguage"] == "ar"

    home = client.get("/").get_data(as_text=True)
    assert _tag(home, "card-title") == '<h2 class="card-title" lang="ar" dir="rtl">'


def test_left_to_right_posts_get_their_language_and_no_rtl(client, make_post):
    for (title, body), lang, locale in ((ENGLISH, "en", "en_US"), (SWEDISH, "sv", "sv_SE")):
        html = _page(client, make_post(title=title, body=body, publish=True))
        # dir="auto": a left-to-right language, or a text the detector misread, still takes its
        # direction from its first strong character.
        assert _tag(html, "post-body") == f'<div class="post-body" lang="{lang}" dir="auto">'
        assert 'dir="rtl"' not in html
        assert _meta(html, "og:locale") == locale


def test_the_language_follows_the_text_at_every_save(client, session, make_post):
    post = make_post(title=ENGLISH[0], body=ENGLISH[1], publish=True)
    services.save_revision(session, post, post.author, services.PostInput(HEBREW[0], "", HEBREW[1]),
                           base_revision_id=post.current_revision_id)
    services.publish_post(session, post, post.author)
    session.commit()
    html = _page(client, post)
    assert _tag(html, "post-body") == '<div class="post-body" lang="he" dir="rtl">'
    assert _meta(html, "og:locale") == "he_IL"


def test_the_feed_says_each_entry_s_language(client, make_post):
    make_post(title=ARABIC[0], body=ARABIC[1], publish=True)
    make_post(title=SWEDISH[0], body=SWEDISH[1], publish=True)
    feed = ET.fromstring(client.get("/feed.xml").data)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert sorted(e.get(XML_LANG) for e in entries) == ["ar", "sv"]


def test_the_editor_follows_the_direction_of_what_is_typed(client, auth, make_post):
    post = make_post(title=ARABIC[0], body=ARABIC[1])
    auth.login(post.author)
    html = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    for field in ("title", "summary", "body"):
        tag = re.search(rf'<(?:input|textarea)[^>]*\bid="{field}"[^>]*>', html)
        assert tag and 'dir="auto"' in tag.group(0), field
    assert '<div id="preview-body" dir="auto">' in html
