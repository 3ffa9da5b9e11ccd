"""Insights fixtures: clicks ingested through the click log's insert path (rollups included),
share events and feedback at chosen times, and a small known data set."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

from hub.db import get_engine
from hub.insights.models import Feedback, FeedbackStatus
from hub.sharing import services as sharing
from hub.sharing.clicklog import ClickRecord, insert_clicks
from hub.sharing.models import ShareEvent, ShareLink
from tests.sharing.conftest import clicks, shared  # noqa: F401  (the sharing domain's fixtures)


def at(text: str) -> datetime:
    """``"2026-03-01 23:59:59"`` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


class Activity:
    """Write clicks (through ``insert_clicks``, as the click log does), share events and feedback."""

    def __init__(self, app: Any, session: Any) -> None:
        self.app, self.session = app, session

    def records(self, link: ShareLink, when: str, visitor: str = "v", bot: bool = False, n: int = 1) -> list[ClickRecord]:
        return [ClickRecord(secrets.token_hex(16), link.id, link.post_id, link.user_id, link.platform, at(when).timestamp(), bot, visitor)
                for _ in range(n)]

    def ingest(self, records: list[ClickRecord]) -> None:
        self.session.commit()
        insert_clicks(get_engine(self.app), records)
        self.session.expire_all()

    def click(self, link: ShareLink, when: str, visitor: str = "v", bot: bool = False, n: int = 1) -> None:
        self.ingest(self.records(link, when, visitor, bot, n))

    def share(self, post: Any, user: Any, platform: str, kind: str, when: str) -> None:
        self.session.add(ShareEvent(post_id=post.id, user_id=user.id, platform=platform, kind=kind, at=at(when)))
        self.session.commit()

    def feedback(self, post: Any, when: str, status: FeedbackStatus = FeedbackStatus.NEW, first_response: str | None = None,
                 message: str = "Nice post") -> Feedback:
        row = Feedback(post_id=post.id, message=message, status=status, created_at=at(when), updated_at=at(when),
                       first_response_at=at(first_response) if first_response else None)
        self.session.add(row)
        self.session.commit()
        return row


@pytest.fixture
def activity(app, session) -> Activity:
    return Activity(app, session)


@dataclass
class Known:
    comms: Any
    alice: Any  # author of p1 and p2, shares p1
    bob: Any  # author of p3, shares p1 and p2
    eve: Any  # shares only outside the range
    p1: Any
    p2: Any
    p3: Any
    topic: Any


@pytest.fixture
def known(session, make_user, make_post, activity) -> Known:
    """The data set of test_queries: 2026-03-01 to 2026-03-03, with activity on both edges."""
    from hub.topics.models import Topic, TopicState

    comms = make_user(role="comms", name="Cleo Comms")
    alice = make_user(name="Alice Author")
    bob = make_user(name="Bob Builder")
    eve = make_user(name="Eve Early")
    p1 = make_post(author=alice, title="Why we moved to Postgres", publish=True)
    p2 = make_post(author=alice, title="On-call without burnout", publish=True)
    p3 = make_post(author=bob, title="Three onboarding questions", publish=True)
    topic = Topic(slug="engineering-culture", title="Engineering culture", created_by_id=comms.id, state=TopicState.OPEN)
    session.add(topic)
    session.flush()
    p1.topic_id = topic.id
    p1.first_published_at = at("2026-03-01 05:00:00")
    p2.first_published_at = at("2026-03-03 23:59:59")
    p3.first_published_at = at("2026-03-04 00:00:00")
    session.commit()

    a1 = sharing.links_for(session, p1, alice)
    b1 = sharing.links_for(session, p1, bob)
    b2 = sharing.links_for(session, p2, bob)
    session.commit()

    activity.click(a1["linkedin"], "2026-02-28 23:59:59", "r0")  # the day before: out
    activity.click(a1["linkedin"], "2026-03-01 00:00:00", "r1")  # first instant: in
    activity.click(a1["linkedin"], "2026-03-01 10:00:00", "r1")  # same reader again
    activity.click(a1["x"], "2026-03-01 11:00:00", "r1")  # same reader, another platform
    activity.click(b1["linkedin"], "2026-03-01 12:00:00", "r2")
    activity.click(a1["linkedin"], "2026-03-02 09:00:00", "b1", bot=True)  # a link preview
    activity.click(b2["x"], "2026-03-02 09:30:00", "r1")  # a new day: a new visitor
    activity.click(b2["x"], "2026-03-03 23:59:59", "r3")  # last second: in
    activity.click(b2["x"], "2026-03-04 00:00:00", "r4")  # the day after: out

    activity.share(p1, alice, "linkedin", "copy", "2026-03-01 08:00:00")
    activity.share(p1, alice, "x", "intent", "2026-03-01 08:05:00")
    activity.share(p1, bob, "linkedin", "copy", "2026-03-01 09:00:00")
    activity.share(p2, bob, "x", "intent", "2026-03-02 09:00:00")
    activity.share(p2, bob, "x", "webshare", "2026-03-03 23:59:59")
    activity.share(p1, eve, "linkedin", "copy", "2026-03-04 00:00:00")  # out
    activity.share(p1, eve, "linkedin", "copy", "2026-02-28 23:59:59")  # out

    activity.feedback(p1, "2026-03-01 10:00:00", FeedbackStatus.DONE, "2026-03-01 12:00:00")  # 2 h
    activity.feedback(p1, "2026-03-02 10:00:00", FeedbackStatus.DECLINED, "2026-03-03 10:00:00")  # 24 h
    activity.feedback(p2, "2026-03-03 23:59:59")  # waiting
    activity.feedback(p3, "2026-03-02 00:00:00", FeedbackStatus.ACTING, "2026-03-02 04:00:00")  # 4 h
    activity.feedback(p3, "2026-03-04 00:00:00")  # out
    return Known(comms, alice, bob, eve, p1, p2, p3, topic)
