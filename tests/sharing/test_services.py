"""Tracked links, share events, personal texts, the disclosure setting."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from hub import platforms
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.sharing import services
from hub.sharing.models import ShareEvent, ShareLink, ShareText


def test_links_cover_every_platform_and_are_stable(session, shared):
    post, sharer, links = shared
    assert set(links) == set(platforms.PLATFORMS)
    codes = {link.code for link in links.values()}
    assert len(codes) == len(links)
    for code in codes:
        assert re.fullmatch(r"[A-Za-z0-9_-]{8}", code)
    again = services.links_for(session, post, sharer)
    assert {p: l.code for p, l in again.items()} == {p: l.code for p, l in links.items()}


def test_links_differ_per_person(session, shared, make_user):
    post, _sharer, links = shared
    other = services.links_for(session, post, make_user())
    assert not {l.code for l in links.values()} & {l.code for l in other.values()}


def test_links_only_for_published_posts(session, make_post, make_user):
    draft = make_post()
    with pytest.raises(NotFound):
        services.links_for(session, draft, make_user())


def test_concurrent_first_share_creates_one_link_per_platform(app, session, make_post, make_user):
    post = make_post(publish=True)
    user = make_user()

    def create() -> dict[str, str]:
        with app.app_context():
            from hub.auth.models import User
            from hub.db import get_session
            from hub.posts.models import Post

            db = get_session()
            links = services.links_for(db, db.get(Post, post.id), db.get(User, user.id))
            db.commit()
            return {p: l.code for p, l in links.items()}

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: create(), range(4)))
    assert all(r == results[0] for r in results)
    count = session.scalar(sa.select(sa.func.count()).select_from(ShareLink).where(ShareLink.post_id == post.id))
    assert count == len(platforms.PLATFORMS)


def test_share_events(session, shared):
    post, sharer, _links = shared
    services.record_share_event(session, post, sharer, "x", "copy")
    services.record_share_event(session, post, sharer, "linkedin", "intent")
    with pytest.raises(ValidationError):
        services.record_share_event(session, post, sharer, "myspace", "copy")
    with pytest.raises(ValidationError):
        services.record_share_event(session, post, sharer, "x", "teleport")
    kinds = session.scalars(sa.select(ShareEvent.kind).where(ShareEvent.user_id == sharer.id).order_by(ShareEvent.id)).all()
    assert kinds == ["copy", "intent"]


def test_share_text_saved_per_person_and_refused_over_limit(session, shared):
    post, sharer, _links = shared
    row = services.save_share_text(session, post, sharer, "x", "My own take\r\nwith a line")
    assert row.text == "My own take\nwith a line" and row.revision_id == post.live_revision_id
    services.save_share_text(session, post, sharer, "x", "Changed my mind")
    assert session.scalar(sa.select(sa.func.count()).select_from(ShareText)) == 1
    with pytest.raises(ValidationError):
        services.save_share_text(session, post, sharer, "x", "a" * 281)
    assert services.save_share_text(session, post, sharer, "x", "a" * 280).text == "a" * 280


def test_disclosure_only_admins(session, make_user):
    with pytest.raises(PermissionDenied):
        services.set_disclosure(session, make_user(role="comms"), "#IWorkAtAcme")
    services.set_disclosure(session, make_user(role="admin"), "  #IWorkAtAcme  ")
    assert services.get_setting(session, services.DISCLOSURE_KEY) == "#IWorkAtAcme"


def test_visitor_hash_rotates_daily_and_hides_the_address():
    day = datetime(2026, 11, 23, 12, tzinfo=timezone.utc)
    a = services.visitor_hash("s", "203.0.113.9", "UA", day)
    assert a == services.visitor_hash("s", "203.0.113.9", "UA", day + timedelta(hours=5))
    assert a != services.visitor_hash("s", "203.0.113.9", "UA", day + timedelta(days=1))
    assert a != services.visitor_hash("s", "203.0.113.10", "UA", day)
    assert "203" not in a and len(a) == 20


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("Twitterbot/1.0", True),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", True),
        ("TelegramBot (like TwitterBot)", True),
        ("WhatsApp/2.23.20.0", True),
        ("http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", True),
        ("Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", True),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("", True),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36", False),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", False),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", False),
    ],
)
def test_bot_detection(agent, bot):
    from hub.sharing.bots import is_bot

    assert is_bot(agent) is bot
