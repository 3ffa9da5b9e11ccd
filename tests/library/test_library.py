"""The library's services and pages: adding by URL (with the fetched preview, or a typed title),
feeds, picking, the sharing studio on an item, and its tracked link to the outside page."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from hub.auth.models import Role
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.library import feeds, queries, services
from hub.library.models import ItemState, LibraryItem
from hub.sharing import services as sharing
from hub.sharing.models import Click, ShareEvent, ShareLink


def add(session, user, url="https://news.example/a", title="An article", **extra):  # type: ignore[no-untyped-def]
    item = services.add_item(session, user, services.ItemInput(url=url, title=title, **extra))
    session.commit()
    return item


def test_preview_reads_open_graph_and_the_page_language(app, web):
    found = services.preview(f"{web}/page", services.FetchSettings.from_config(app.config))
    assert found.title == "Why four-day weeks work for small teams"
    assert found.description == "A study of 60 small companies & what changed."
    assert found.image == f"{web}/images/cover.jpg"  # made absolute against the page
    assert (found.language, found.site_name) == ("en", "Work Review")


def test_preview_of_a_page_that_cannot_be_read_says_why(app, web):
    settings = services.FetchSettings.from_config(app.config)
    with pytest.raises(ValidationError, match="larger than 2 MB.*title you type"):
        services.preview(f"{web}/huge", settings)
    with pytest.raises(ValidationError, match="not a web page"):
        services.preview(f"{web}/image.png", settings)
    closed = services.FetchSettings(timeout=1.0, allow_loopback=False)  # production: loopback refused
    with pytest.raises(ValidationError, match="loopback"):
        services.preview(f"{web}/page", closed)


def test_anyone_signed_in_adds_an_article_once_with_their_comment(session, make_user):
    maria = make_user(name="Maria")
    item = add(session, maria, url="HTTPS://News.Example/a#section", comment="  Worth ten minutes.  ")
    assert (item.url, item.state, item.comment, item.use_utm) == ("https://news.example/a", ItemState.ACTIVE,
                                                                   "Worth ten minutes.", False)
    with pytest.raises(ValidationError, match="already in the library"):
        add(session, make_user(), url="https://news.example/a")
    session.rollback()
    for bad, why in [("javascript:alert(1)", "Only http"), ("ftp://x.example/", "Only http"),
                     ("https://u:p@x.example/", "user name"), ("", "Paste")]:
        with pytest.raises(ValidationError, match=why):
            add(session, maria, url=bad)
        session.rollback()
    with pytest.raises(ValidationError, match="title"):
        add(session, maria, url="https://x.example/b", title="  ")


def test_only_the_adder_or_comms_change_or_remove_an_item(session, make_user):
    maria, jonas, comms = make_user(), make_user(), make_user(Role.COMMS)
    item = add(session, maria)
    with pytest.raises(PermissionDenied):
        services.update_item(session, jonas, item, title="X", comment="", topic_id=None, use_utm=True)
    services.update_item(session, comms, item, title="Better title", comment="Read it", topic_id=None, use_utm=True)
    assert (item.title, item.use_utm) == ("Better title", True)
    with pytest.raises(PermissionDenied):
        services.remove_item(session, jonas, item)
    services.remove_item(session, maria, item)
    assert item.state == ItemState.REMOVED
    with pytest.raises(NotFound):
        services.links_for(session, item, jonas)


def _follow(client, code):  # type: ignore[no-untyped-def]
    return client.get(f"/s/{code}", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"})


def test_a_tracked_link_redirects_to_the_outside_url_without_utm_unless_asked(app, session, client, make_user,
                                                                               clicks_of_items):
    maria = make_user()
    item = add(session, maria, url="https://news.example/a?ref=feed")
    links = services.links_for(session, item, maria)
    session.commit()
    response = _follow(client, links["linkedin"].code)
    assert response.status_code == 302
    assert response.headers["Location"] == "https://news.example/a?ref=feed"  # exactly the registered URL

    services.update_item(session, maria, item, title=item.title, comment="", topic_id=None, use_utm=True)
    session.commit()
    app.extensions["hub.linkcache"].forget(links["x"].code)
    location = _follow(client, links["x"].code).headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith("https://news.example/a?")
    assert query["ref"] == ["feed"] and query["utm_source"] == ["x"] and query["utm_campaign"] == ["library"]

    rows = clicks_of_items()
    assert [(c.post_id, c.link_id) for c in rows] == [(None, links["linkedin"].id), (None, links["x"].id)]

    services.remove_item(session, maria, item)
    session.commit()
    app.extensions["hub.linkcache"].forget(links["email"].code)
    assert _follow(client, links["email"].code).status_code == 404  # removed: the link leads nowhere


def test_links_exist_only_for_registered_items_no_open_redirect(session, client, make_user, make_post):
    # a code that is not a link, and a share link row can never be made for an arbitrary URL:
    # it needs a post or a library item (the check constraint), and an item's URL was registered
    assert client.get("/s/https%3A%2F%2Fevil.example").status_code == 404
    user = make_user()
    session.add(ShareLink(code="orphan01", user_id=user.id, platform="x"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()
    post = make_post(publish=True)
    item = add(session, user)
    session.add(ShareLink(code="both0001", user_id=user.id, platform="x", post_id=post.id, item_id=item.id))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()
    session.rollback()


def test_feeds_bring_waiting_items_comms_pick_and_their_source_is_named(app, session, make_user, web):
    comms, maria = make_user(Role.COMMS), make_user()
    with pytest.raises(PermissionDenied):
        services.add_feed(session, maria, f"{web}/feed.xml")
    feed = services.add_feed(session, comms, f"{web}/feed.xml")
    broken = services.add_feed(session, comms, f"{web}/not-a-feed")
    session.commit()
    settings = services.FetchSettings.from_config(app.config)
    results = {r.feed_id: r for r in feeds.poll_feeds(session, settings)}
    session.commit()
    assert results[feed.id].added == 2 and results[broken.id].error == "This is not an RSS or Atom feed."
    waiting = queries.items(session, ItemState.SUGGESTED)
    assert sorted(i.title for i in waiting) == ["Mentoring at scale", "Remote onboarding that works"]
    onboarding = next(i for i in waiting if i.title.startswith("Remote"))
    assert onboarding.description == "How teams welcome new people." and onboarding.feed.name == "Industry News"
    assert onboarding.language == "en" and onboarding.published_at is not None
    assert feeds.poll_feeds(session, settings)[0].added == 0  # nothing new the second time
    with pytest.raises(NotFound):  # waiting items have no links
        services.links_for(session, onboarding, maria)
    with pytest.raises(PermissionDenied):
        services.pick_item(session, maria, onboarding)
    services.pick_item(session, comms, onboarding, "Good read for managers.")
    assert onboarding.state == ItemState.ACTIVE and onboarding.comment == "Good read for managers."
    assert services.links_for(session, onboarding, maria)


def test_share_texts_are_built_on_the_sharers_words_never_the_articles(session, make_user):
    maria, jonas = make_user(name="Maria"), make_user(name="Jonas")
    item = add(session, maria, title="Why four-day weeks work", description="SECRET DESCRIPTION of the article",
               comment="We tried it last spring.")
    links = services.links_for(session, item, jonas)
    cards = queries.cards(session, item, jonas, links, "http://hub.test", "#IWorkAtAcme",
                          words="This changed how I plan my week.")
    by = {c.platform: c for c in cards}
    for card in cards:
        assert "SECRET" not in card.text
        if card.platform not in ("instagram", "reddit"):
            assert card.link in card.text and card.link.startswith("http://hub.test/s/")
        assert "This changed how I plan my week." in card.text
        assert card.count <= card.limit
    assert by["x"].source == "words"
    # the adder starts from their own comment
    assert queries.own_words(session, item, maria) == "We tried it last spring."
    assert queries.own_words(session, item, jonas) == ""


def test_the_studio_endpoints_keep_words_texts_and_events_and_warn_on_sameness(session, client, auth, make_user):
    maria, jonas = make_user(name="Maria"), make_user(name="Jonas")
    item = add(session, maria)
    auth.login(jonas)
    page = client.get(f"/library/{item.id}")
    assert page.status_code == 200 and b"Share it in your own words" in page.data
    code = re.search(rb'data-link="http://hub.test/s/([^"]+)"', page.data).group(1).decode()
    link = f"http://hub.test/s/{code}"
    words = client.post(f"/library/{item.id}/share/words", data={"words": "My own take."}).get_json()
    assert words["saved"] and "My own take." in words["cards"]["linkedin"]["text"]
    text = f"Read this one. {link}"
    first = client.post(f"/library/{item.id}/share/text", data={"platform": "x", "text": text})
    assert first.get_json() == {"saved": True}
    missing = client.post(f"/library/{item.id}/share/text", data={"platform": "bluesky", "text": "no link"})
    assert missing.status_code == 422 and "tracked link" in missing.get_json()["message"]
    event = client.post(f"/library/{item.id}/share/event", data={"platform": "x", "kind": "copy", "text": text})
    assert event.get_json() == {"recorded": True, "kept": True}
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareEvent).where(ShareEvent.item_id == item.id)) == 1

    auth.login(maria)  # a colleague writing almost the same is warned
    mine = client.get(f"/library/{item.id}")
    maria_link = re.search(rb'id="card-x"[^>]*data-link="([^"]+)"', mine.data).group(1).decode()
    measured = client.post(f"/library/{item.id}/share/measure",
                           data={"text-x": f"Read this one. {maria_link}"}).get_json()
    assert measured["platforms"]["x"]["ok"] is True
    assert [w["kind"] for w in measured["warnings"]] == ["colleague"] and "Jonas" in measured["warnings"][0]["message"]


def test_adding_through_the_page_keeps_what_was_typed_when_the_preview_fails(client, auth, make_user, web, session):
    auth.login(make_user())
    failed = client.post("/library/new", data={"url": f"{web}/slow", "action": "preview", "title": ""})
    assert failed.status_code == 200
    assert b"longer than 1 seconds" in failed.data and f'value="{web}/slow"'.encode() in failed.data
    # the link is still usable with a title typed by hand
    added = client.post("/library/new", data={"url": f"{web}/slow", "title": "Typed by hand", "action": "add"})
    assert added.status_code == 302
    item = session.scalar(sa.select(LibraryItem))
    assert (item.title, item.fetched) == ("Typed by hand", False)

    preview = client.post("/library/new", data={"url": f"{web}/articles/x", "action": "preview"})
    assert b'id="preview-card"' in preview.data and b"/articles/x" in preview.data


def test_bookmarklet_opens_the_add_page_with_the_page_address_and_title(client, auth, make_user):
    auth.login(make_user())
    page = client.get("/library/bookmarklet")
    code = re.search(r'<textarea id="bookmarklet-code"[^>]*>([^<]+)</textarea>', page.get_data(as_text=True)).group(1)
    assert html.unescape(code).startswith('javascript:(function(){window.open("http://hub.test/library/new"+\'?url=\'+')
    assert "encodeURIComponent(location.href)" in code and "encodeURIComponent(document.title)" in code
    assert 'href="javascript:' not in page.get_data(as_text=True)  # hub's pages carry no script links
    form = client.get("/library/new?url=https%3A%2F%2Fblog.example%2Fpost&title=A%20good%20post")
    assert b'value="https://blog.example/post"' in form.data and b'value="A good post"' in form.data


def test_feeds_pages_are_for_comms(client, auth, make_user):
    auth.login(make_user())
    assert client.get("/library/feeds").status_code == 403
    assert client.get("/library/waiting").status_code == 403
    auth.login(make_user(Role.COMMS))
    assert client.get("/library/feeds").status_code == 200


@pytest.fixture
def clicks_of_items(app, session):  # type: ignore[no-untyped-def]
    def read():  # type: ignore[no-untyped-def]
        app.extensions["hub.clicklog"].flush_all()
        session.expire_all()
        return session.scalars(sa.select(Click).where(Click.post_id.is_(None)).order_by(Click.id)).all()

    yield read
    app.extensions["hub.clicklog"].close()


def test_sharing_links_of_posts_still_work(session, make_user, make_post, client):
    post = make_post(publish=True)
    links = sharing.links_for(session, post, make_user())
    session.commit()
    location = _follow(client, links["x"].code).headers["Location"]
    assert location.startswith(f"http://hub.test/p/{post.id}-") and "utm_source=x" in location


def test_insights_show_outside_articles_beside_own_posts_and_the_bigger_picture(app, session, client, make_user,
                                                                                make_post, clicks_of_items):
    from datetime import timedelta

    from hub.db import get_engine, utcnow
    from hub.insights import queries as insights
    from hub.insights.rollups import rebuild
    from hub.strategy import services as strategy
    from hub.strategy.queries import kpi_progress

    comms, maria = make_user(Role.COMMS), make_user(name="Maria")
    post = make_post(publish=True)
    item = add(session, maria, title="Outside read")
    item_links = services.links_for(session, item, maria)
    post_links = sharing.links_for(session, post, maria)
    for kind in ("copy", "intent", "copy"):
        sharing.record_share_event(session, post, maria, "linkedin", kind)
    services.record_share_event(session, item, maria, "linkedin", "copy")
    strategy.set_kpi_target(session, comms, platform="all", metric="outside_share", target=20)
    session.commit()
    for _ in range(2):
        _follow(client, item_links["linkedin"].code)
    client.get(f"/s/{item_links['x'].code}", headers={"User-Agent": "facebookexternalhit/1.1"})  # a preview bot
    _follow(client, post_links["linkedin"].code)
    assert len(clicks_of_items()) == 3

    today = utcnow().date()
    rng = insights.DateRange(today - timedelta(days=1), today)
    d = insights.dashboard(session, comms, rng, mine=False)
    assert [(r.title, r.counts.shares, r.counts.clicks, r.counts.previews) for r in d.outside] == [
        ("Outside read", 1, 2, 1)]
    assert (d.totals.shares, d.totals.clicks) == (4, 3)  # everything shared counts in the totals
    assert [(r.post_id, r.counts.shares, r.counts.clicks) for r in d.posts] == [(post.id, 3, 1)]  # posts: their own
    picture = d.bigger_picture
    assert (picture.own_shares, picture.outside_shares, picture.own_clicks, picture.outside_clicks) == (3, 1, 1, 2)
    assert picture.outside_share == 0.25
    [progress] = kpi_progress(session, d)
    assert (progress.actual, progress.expected, progress.met) == (25.0, 20, True)
    mine = insights.dashboard(session, maria, rng, mine=True)
    assert [r.item_id for r in mine.outside] == [item.id]
    # rebuilding the rollups from the clicks gives the same totals (items stay out of per-post cells)
    rebuild(get_engine(app))
    session.expire_all()
    again = insights.dashboard(session, comms, rng, mine=False)
    assert (again.totals.clicks, [(r.post_id, r.counts.clicks) for r in again.posts]) == (3, [(post.id, 1)])

    client_comms = app.test_client()
    with client_comms.session_transaction() as sess:
        sess["_user_id"] = comms.get_id()
    page = client_comms.get("/insights/")
    assert b'id="bigger-picture"' in page.data and b"25% outside articles" in page.data
    assert b"Outside read" in page.data
    csv = client_comms.get("/insights/export/outside.csv")
    assert csv.status_code == 200 and b"Outside read" in csv.data


def test_platform_sameness_flags_what_the_person_wrote_twice_not_hubs_bare_proposals(session, client, auth,
                                                                                     make_user):
    maria = make_user(name="Maria")
    item = add(session, maria, title="Why four-day weeks work")
    auth.login(maria)
    words = client.post(f"/library/{item.id}/share/words", data={"words": "It changed how we plan."}).get_json()
    assert [w for w in words["warnings"] if w["kind"] == "platform"] == []  # own words + title everywhere: by design
    same = "Our team tried this for a whole quarter and nobody wants to go back to five days."
    measured = client.post(f"/library/{item.id}/share/measure",
                           data={"text-x": f"{same} {words['cards']['x']['text'][-30:]}",
                                 "text-linkedin": f"{same} {words['cards']['linkedin']['text'][-30:]}"}).get_json()
    assert [(w["platform"], w["other"], w["kind"]) for w in measured["warnings"]] == [("x", "linkedin", "platform")]


def test_poll_feeds_command_reads_the_feeds_and_reports(app, session, make_user, runner, web):
    comms = make_user(Role.COMMS)
    services.add_feed(session, comms, f"{web}/feed.xml")
    services.add_feed(session, comms, f"{web}/missing")
    session.commit()
    result = runner.invoke(args=["library", "poll-feeds"])
    assert result.exit_code == 0, result.output
    assert "Read 1 feed(s); 2 new article(s) waiting." in result.output
    assert "404" in result.output
    session.expire_all()
    assert queries.waiting_count(session) == 2


def test_previews_are_limited_per_person(app, client, auth, make_user, web):
    app.config["LIBRARY_PREVIEWS_PER_HOUR"] = 2
    auth.login(make_user())
    for _ in range(2):
        ok = client.post("/library/new", data={"url": f"{web}/page", "action": "preview"})
        assert b'id="preview-card"' in ok.data
    refused = client.post("/library/new", data={"url": f"{web}/page", "action": "preview"})
    assert b"many previews in the last hour" in refused.data and b'id="preview-card"' not in refused.data
    auth.login(make_user())  # someone else still can
    assert b'id="preview-card"' in client.post("/library/new", data={"url": f"{web}/page", "action": "preview"}).data


def test_an_item_attached_to_a_topic_uses_its_hashtags_and_campaign_and_is_listed_under_it(app, session, client,
                                                                                           auth, make_user):
    from hub.topics.services import TopicInput, create_topic

    comms, maria = make_user(Role.COMMS), make_user()
    topic = create_topic(session, comms, TopicInput("Hybrid work", hashtags="#hybridwork"))
    item = add(session, maria, title="Offices people want to come to", topic_id=topic.id, use_utm=True)
    other = add(session, maria, url="https://news.example/other", title="Something else")
    links = services.links_for(session, item, maria)
    session.commit()
    cards = {c.platform: c for c in queries.cards(session, item, maria, links, "http://hub.test", None)}
    assert "#hybridwork" in cards["linkedin"].text.lower()
    location = _follow(client, links["x"].code).headers["Location"]
    assert parse_qs(urlsplit(location).query)["utm_campaign"] == [topic.slug]
    with pytest.raises(ValidationError, match="topic"):
        add(session, maria, url="https://news.example/c", topic_id=999_999)
    session.rollback()
    auth.login(maria)
    listed = client.get(f"/library?topic={topic.id}").get_data(as_text=True)
    assert item.title in listed and other.title not in listed and 'id="topic-filter"' in listed
    assert client.get("/library?topic=999999").status_code == 404
    assert client.get("/library?topic=abc").status_code == 400


def test_an_item_page_starts_with_the_persons_networks_and_a_share_without_the_link_is_not_counted(
        session, client, auth, make_user):
    maria, jonas = make_user(name="Maria"), make_user(name="Jonas")
    item = add(session, maria)
    sharing.set_networks(session, jonas, ["mastodon", "linkedin"])
    session.commit()
    auth.login(jonas)
    page = client.get(f"/library/{item.id}").get_data(as_text=True)
    mine, _, folded = page.partition('id="other-networks"')
    assert re.findall(r'id="card-(\w+)"', mine) == ["mastodon", "linkedin"]
    assert "x" in re.findall(r'id="card-(\w+)"', folded) and "Other networks (" in folded
    assert 'href="/share/networks" id="change-networks"' in page and "Share on Mastodon" in page
    refused = client.post(f"/library/{item.id}/share/event",
                          data={"platform": "x", "kind": "copy", "text": "Worth a read, no link here."})
    assert refused.status_code == 422 and "tracked link" in refused.get_json()["message"]
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareEvent).where(ShareEvent.item_id == item.id)) == 0
