"""Writes racing for one unique key end as a success or a conflict, never a 500 (issue 14).

Each test sends 50 simultaneous requests through the app, from 50 threads, each with its own test
client, app context, database session and connection, released together by a barrier; on SQLite
and PostgreSQL. Keys: a strategy section's next revision number, a topic's slug (one title), a
new tag's slug, a person's share text for one post and platform.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from hub.auth.models import Role, User
from hub.posts.models import Post, Tag
from hub.sharing.models import ShareText
from hub.strategy.models import StrategyRevision, StrategySection
from hub.topics.models import Topic
from tests.conftest import HubClient

N = 50


@pytest.fixture
def app_config() -> dict[str, Any]:
    # Enough connections that the requests really run together (and few enough for a shared server).
    return {"DATABASE_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 20}}


def race(app: Flask, users: list[User], request: Callable[[Any, int], Any]) -> Counter[int]:
    """Run ``request(client, i)`` for i in 0..N-1 at the same moment, as ``users[i % len(users)]``;
    the count of each status code."""
    app.test_client_class = HubClient
    clients = []
    for i in range(N):
        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = users[i % len(users)].get_id()
            sess["_fresh"] = True
        clients.append(client)
    barrier = threading.Barrier(N)
    bodies: list[str] = []

    def one(i: int) -> int:
        barrier.wait(timeout=60)
        response = request(clients[i], i)
        if response.status_code >= 500:
            bodies.append(response.get_data(as_text=True)[:300])
        return response.status_code

    with ThreadPoolExecutor(max_workers=N) as pool:
        statuses = Counter(pool.map(one, range(N)))
    assert not any(code >= 500 for code in statuses), (statuses, bodies[:3])
    return statuses


def test_a_strategy_section_saved_by_50_at_once_keeps_one_and_reports_conflicts(app, session, make_user):
    editors = [make_user(role=Role.COMMS) for _ in range(5)]
    statuses = race(app, editors, lambda c, i: c.post("/strategy/tone/edit", data={"body": f"Version {i}", "base_revision_id": ""}))
    assert statuses[302] >= 1 and statuses[302] + statuses[409] == N, statuses
    section = session.query(StrategySection).filter_by(key="tone").one()
    assert session.query(StrategySection).count() == 1
    assert session.query(StrategyRevision).filter_by(section_id=section.id).count() == statuses[302]

    # And again from one base revision: one more revision wins, the rest are told, nothing is lost silently.
    base = section.current_revision_id
    before = session.query(StrategyRevision).count()
    statuses = race(app, editors, lambda c, i: c.post("/strategy/tone/edit", data={"body": f"Again {i}", "base_revision_id": base}))
    assert statuses[302] == 1 and statuses[409] == N - 1, statuses
    session.expire_all()
    assert session.query(StrategyRevision).count() == before + 1


def test_50_topics_with_one_title_are_all_created(app, session, make_user):
    comms = make_user(role=Role.COMMS)
    statuses = race(app, [comms], lambda c, i: c.post("/topics/new", data={"title": "Our summer party", "brief": f"#{i}"}))
    assert statuses == Counter({302: N}), statuses
    slugs = [t.slug for t in session.query(Topic).all()]
    assert len(slugs) == N and len(set(slugs)) == N


def test_one_new_tag_published_on_50_posts_at_once_is_one_tag(app, session, make_user, make_post):
    people = [make_user() for _ in range(N)]
    drafts = [make_post(author=p, title=f"Post {i}", tags="Brand new tag") for i, p in enumerate(people)]
    ids = [d.id for d in drafts]
    statuses = race(app, people, lambda c, i: c.post(f"/posts/{ids[i]}/publish"))
    assert statuses == Counter({302: N}), statuses
    assert session.query(Tag).filter_by(slug="brand-new-tag").count() == 1
    session.expire_all()
    assert all(p.is_public and [t.slug for t in p.tags] == ["brand-new-tag"] for p in session.query(Post).all())


def test_one_share_text_saved_50_times_at_once_is_one_row(app, session, make_user, make_post):
    from hub.sharing import queries as sharing_queries
    from hub.sharing import services as sharing

    person = make_user()
    post = make_post(publish=True)
    code = sharing.links_for(session, post, person)["linkedin"].code
    session.commit()
    link = sharing_queries.link_url(app.config["BASE_URL"], code)  # a saved text must carry the person's link
    statuses = race(app, [person], lambda c, i: c.post(f"/p/{post.id}/share/text",
                                                       data={"platform": "linkedin", "text": f"My words {i} {link}"}))
    assert statuses == Counter({200: N}), statuses
    rows = session.query(ShareText).filter_by(post_id=post.id, user_id=person.id, platform="linkedin").all()
    assert len(rows) == 1 and rows[0].text.startswith("My words ")
