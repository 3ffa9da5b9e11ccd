"""The share page, its JSON endpoints, and following tracked links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from hub import platforms
from hub.posts import services as posts
from hub.sharing import services
from hub.sharing.models import ShareEvent, ShareText

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def test_follow_redirects_with_utm_and_records_a_human_click(client, shared, clicks):
    post, sharer, links = shared
    code = links["linkedin"].code
    response = client.get(f"/s/{code}", headers={"User-Agent": BROWSER})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"http://hub.test/p/{post.id}-{post.slug}"
    query = parse_qs(target.query)
    assert query == {"utm_source": ["linkedin"], "utm_medium": ["social"], "utm_campaign": [post.slug], "utm_content": [code]}
    # the exact query above leaves no room for the sharer's identity; nor does the path
    assert sharer.email not in response.headers["Location"] and "Sam" not in response.headers["Location"]
    recorded = clicks()
    assert len(recorded) == 1
    click = recorded[0]
    assert (click.post_id, click.user_id, click.platform, click.is_bot) == (post.id, sharer.id, "linkedin", False)
    assert click.visitor and "127.0.0.1" not in click.visitor


def test_preview_bots_are_redirected_but_counted_apart(client, shared, clicks):
    _post, _sharer, links = shared
    response = client.get(f"/s/{links['x'].code}", headers={"User-Agent": "Twitterbot/1.0"})
    assert response.status_code == 302
    assert [c.is_bot for c in clicks()] == [True]


def test_head_requests_are_not_clicks(client, shared, clicks):
    _post, _sharer, links = shared
    assert client.head(f"/s/{links['x'].code}").status_code == 302
    assert clicks() == []


def test_unknown_code_is_a_friendly_404(client, clicks):
    response = client.get("/s/nope1234")
    assert response.status_code == 404
    assert "share link does not exist" in response.get_data(as_text=True)
    assert clicks() == []


def test_taken_down_post_answers_410(app, client, session, shared, make_user, clicks):
    post, _sharer, links = shared
    posts.take_down(session, post, make_user(role="comms"), "Confidential")
    session.commit()
    app.extensions["hub.linkcache"].forget(links["x"].code)
    assert client.get(f"/s/{links['x'].code}").status_code == 410
    assert clicks() == []


def test_share_page_shows_a_card_per_platform_with_own_link(client, auth, shared):
    post, sharer, links = shared
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    for pid, spec in platforms.PLATFORMS.items():
        assert f'id="card-{pid}"' in html and spec.name in html
        assert f"http://hub.test/s/{links[pid].code}" in html
    assert 'id="open-instagram"' not in html  # no share screen for Instagram
    assert "copy the text first" in html.lower() or "copy" in html.lower()


def test_share_page_needs_sign_in_and_a_published_post(client, auth, make_post, make_user):
    draft = make_post()
    assert client.get(f"/p/{draft.id}/share").status_code == 302
    auth.login(make_user())
    assert client.get(f"/p/{draft.id}/share").status_code == 404


def test_measure_counts_like_the_platform(client, auth, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    data = client.post(f"/p/{post.id}/share/measure", data={"text-x": "日本" * 70, "text-bluesky": "👍🏽" * 300}).get_json()
    assert data["platforms"]["x"] == {**data["platforms"]["x"], "count": 280, "limit": 280, "ok": True}
    assert data["platforms"]["bluesky"]["count"] == 300 and data["platforms"]["bluesky"]["ok"]
    over = client.post(f"/p/{post.id}/share/measure", data={"text-x": "日本" * 70 + "a"}).get_json()
    assert over["platforms"]["x"]["count"] == 281 and not over["platforms"]["x"]["ok"]
    intent = urlsplit(data["platforms"]["x"]["intent"])
    assert intent.netloc in {"x.com", "twitter.com"}


def test_measure_warns_about_identical_texts(client, auth, shared):
    post, sharer, _links = shared
    auth.login(sharer)
    same = "We cut review time in half by keeping pull requests small. Here is how."
    data = client.post(f"/p/{post.id}/share/measure", data={"text-x": same, "text-bluesky": same + " #dev"}).get_json()
    assert any({w["platform"], w["other"]} == {"x", "bluesky"} for w in data["warnings"])


def test_event_records_and_keeps_the_text(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    text = f"My words http://hub.test/s/{links['mastodon'].code}"
    response = client.post(f"/p/{post.id}/share/event", data={"platform": "mastodon", "kind": "intent", "text": text})
    assert response.status_code == 200 and response.get_json()["kept"] is True
    assert session.scalar(sa.select(ShareEvent.kind).where(ShareEvent.user_id == sharer.id)) == "intent"
    assert session.scalar(sa.select(ShareText.text).where(ShareText.user_id == sharer.id)) == text
    # a text without the tracked link is refused: not counted, not kept, and the card says why
    response = client.post(f"/p/{post.id}/share/event", data={"platform": "bluesky", "kind": "copy", "text": "No link"})
    assert response.status_code == 422 and "tracked link" in response.get_json()["message"]
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareEvent).where(ShareEvent.platform == "bluesky")) == 0
    assert session.scalar(sa.select(ShareText.text).where(ShareText.platform == "bluesky")) is None
    assert client.post(f"/p/{post.id}/share/event", data={"platform": "x", "kind": "nope"}).status_code == 422


def test_colleague_starts_from_the_authors_wording_with_own_link(client, auth, session, shared, make_user):
    post, _sharer, _links = shared
    author_links = services.links_for(session, post, post.author)
    services.save_share_text(session, post, post.author, "x", f"Author words http://hub.test/s/{author_links['x'].code}")
    session.commit()
    colleague = auth.login(make_user())
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    mine = services.links_for(session, post, colleague)["x"].code
    assert f"Author words http://hub.test/s/{mine}" in html
    assert f"/s/{author_links['x'].code}" not in html


def test_colleague_copy_warning(client, auth, session, shared, make_user):
    post, sharer, _links = shared
    services.save_share_text(session, post, sharer, "linkedin", "Small pull requests changed how our whole team works together.")
    session.commit()
    auth.login(make_user())
    data = client.post(f"/p/{post.id}/share/measure",
                       data={"text-linkedin": "Small pull requests changed how our whole team works together!"}).get_json()
    assert any(w["kind"] == "colleague" and w["other"] == "Sam Sharer" for w in data["warnings"])


def test_disclosure_setting_page(client, auth, make_user, session):
    auth.login(make_user(role="employee"))
    assert client.get("/admin/sharing").status_code == 403
    auth.login(make_user(role="admin"))
    assert client.post("/admin/sharing", data={"disclosure": "#IWorkAtAcme"}).status_code == 302
    assert services.get_setting(session, services.DISCLOSURE_KEY) == "#IWorkAtAcme"


def test_disclosure_appears_in_proposals(client, auth, session, shared, make_user):
    post, sharer, _links = shared
    services.set_disclosure(session, make_user(role="admin"), "#IWorkAtAcme")
    session.commit()
    auth.login(sharer)
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert html.count("#IWorkAtAcme") >= 5


def test_topic_hashtags_and_slug_flow_into_sharing(client, auth, session, make_user, make_post):
    from hub.topics import services as topics

    comms = make_user(role="comms")
    topic = topics.create_topic(session, comms, topics.TopicInput("Open source week", hashtags="OpenSourceWeek", audience="Developers"))
    post = make_post(title="Our first upstream patch", body="We fixed a bug upstream. It took a week.", publish=True)
    post.topic_id = topic.id
    session.commit()
    sharer = auth.login(make_user())
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert "#OpenSourceWeek" in html
    code = services.links_for(session, post, sharer)["x"].code
    location = client.get(f"/s/{code}", headers={"User-Agent": BROWSER}).headers["Location"]
    assert parse_qs(urlsplit(location).query)["utm_campaign"] == [topic.slug]


def test_keep_as_my_version_and_mastodon_server_limit(client, auth, session, shared):
    post, sharer, links = shared
    auth.login(sharer)
    x_link = f"http://hub.test/s/{links['x'].code}"
    assert client.post(f"/p/{post.id}/share/text", data={"platform": "x", "text": "a" * 281}).status_code == 422
    assert client.post(f"/p/{post.id}/share/text", data={"platform": "x", "text": f"Mine, in my words {x_link}"}).status_code == 200
    assert f"Mine, in my words {x_link}" in client.get(f"/p/{post.id}/share").get_data(as_text=True)
    # a person's own Mastodon server may allow more than 500
    from hub.auth import services as auth_services

    auth_services.update_profile(session, sharer, sharer, auth_services.Profile(
        sharer.display_name, "", "", {"mastodon": "@sam@big.example"}, mastodon_limit=1000))
    session.commit()
    data = client.post(f"/p/{post.id}/share/measure", data={"text-mastodon": "b" * 800}).get_json()
    assert data["platforms"]["mastodon"]["limit"] == 1000 and data["platforms"]["mastodon"]["ok"]
    assert data["platforms"]["mastodon"]["intent"].startswith("https://big.example/share?")
    mastodon = f"{'b' * 800} http://hub.test/s/{links['mastodon'].code}"
    assert client.post(f"/p/{post.id}/share/text", data={"platform": "mastodon", "text": mastodon}).status_code == 200


def _statements(app):  # type: ignore[no-untyped-def]
    from hub.db import get_engine

    seen: list[str] = []
    sa.event.listen(get_engine(app), "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_cached_link_is_followed_without_the_database_and_still_recorded(app, client, shared, clicks):
    _post, _sharer, links = shared
    code = links["linkedin"].code
    first = client.get(f"/s/{code}", headers={"User-Agent": BROWSER})  # loads the link into the cache
    seen = _statements(app)
    again = client.get(f"/s/{code}", headers={"User-Agent": BROWSER})
    assert seen == []  # answered from the link cache, before Flask: no session, no statement
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in again.headers
    assert client.head(f"/s/{code}").status_code == 302  # HEAD: answered, not counted
    assert [c.platform for c in clicks()] == ["linkedin", "linkedin"]


def test_a_takedown_or_withdrawal_is_seen_at_once_by_a_cached_link(client, session, shared, make_user, clicks):
    post, _sharer, links = shared
    for link in (links["x"], links["email"]):
        assert client.get(f"/s/{link.code}").status_code == 302  # cached now
    assert client.get(f"/s/{links['x'].code}").status_code == 302  # served from the cache
    posts.take_down(session, post, make_user(role="comms"), "Confidential")
    session.commit()  # no forget(): the commit moves the machine's content counter
    assert client.get(f"/s/{links['x'].code}").status_code == 410
    assert client.get(f"/s/{links['email'].code}").status_code == 410
    assert len(clicks()) == 3  # the three answered redirects, nothing after the takedown


def test_a_withdrawn_post_is_a_404_at_once_and_a_republished_one_redirects_again(client, session, shared, clicks):
    post, _sharer, links = shared
    code = links["x"].code
    assert client.get(f"/s/{code}").status_code == 302
    posts.unpublish_post(session, post, post.author)
    session.commit()
    assert client.get(f"/s/{code}").status_code == 404
    posts.publish_post(session, post, post.author)
    session.commit()
    assert client.get(f"/s/{code}").status_code == 302
    assert len(clicks()) == 2


def test_writes_no_public_page_shows_leave_the_link_cache_alone(app, session, shared):
    from hub.sharing.models import ShareEvent

    _post, sharer, links = shared
    generation = app.extensions["hub.generation"]
    before = generation.value()
    session.add(ShareEvent(post_id=links["x"].post_id, user_id=sharer.id, platform="x", kind="copy"))
    session.commit()
    assert generation.value() == before  # a share event is not content
    posts.unpublish_post(session, _post, _post.author)
    session.commit()
    assert generation.value() == before + 1  # a withdrawal is
