"""A click's link is held by the database as a foreign key would hold it, once per statement
(hub.sharing.linkcheck): a click of a missing link is refused, deleting a link (or its post)
deletes its clicks, and on PostgreSQL a link cannot be deleted under an uncommitted click."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from hub.db import make_engine
from hub.sharing.clicklog import ClickRecord, insert_clicks
from hub.sharing.models import Click, ShareLink


def _click(uid: str, link: ShareLink) -> dict[str, object]:
    return {"uid": uid, "link_id": link.id, "post_id": link.post_id, "user_id": link.user_id, "platform": link.platform,
            "at": datetime.now(UTC), "is_bot": False, "visitor": "v"}


def _uids(session) -> set[str]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return set(session.scalars(sa.select(Click.uid)))


def test_a_click_of_a_missing_link_is_refused(session, shared):
    _post, _sharer, links = shared
    row = _click("orphan-1", links["x"]) | {"link_id": 999_999}
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.insert(Click), [row])
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):  # several rows in one statement, one of them bad
        session.execute(sa.insert(Click), [_click("fine-1", links["x"]), row])
    session.rollback()
    assert _uids(session) == set()


def test_the_bulk_insert_refuses_a_missing_link_too(app, session, shared):
    """The flush's own path (a COPY on PostgreSQL) meets the same rule when the ownership check
    is passed by: the statement fails as the foreign key made it fail, an IntegrityError."""
    _post, sharer, links = shared
    link = links["x"]
    engine = app.extensions["hub.clicklog"].engine
    good = ClickRecord("bulk-1", link.id, link.post_id, sharer.id, "x", time.time(), False, "v")
    bad = ClickRecord("bulk-2", 999_999, link.post_id, sharer.id, "x", time.time(), False, "v")
    import hub.sharing.clicklog as clicklog

    original = clicklog.of_their_links
    clicklog.of_their_links = lambda _conn, rows: rows  # type: ignore[assignment]
    try:
        with pytest.raises(sa.exc.IntegrityError):
            insert_clicks(engine, [good, bad])
    finally:
        clicklog.of_their_links = original
    assert _uids(session) == set()
    insert_clicks(engine, [good])
    assert _uids(session) == {"bulk-1"}


def test_moving_a_click_to_a_missing_link_is_refused(session, shared):
    _post, _sharer, links = shared
    session.execute(sa.insert(Click), [_click("moved-1", links["x"])])
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.update(Click).where(Click.uid == "moved-1").values(link_id=999_999))
    session.rollback()
    session.execute(sa.update(Click).where(Click.uid == "moved-1").values(link_id=links["linkedin"].id))
    session.commit()
    assert session.scalar(sa.select(Click.link_id).where(Click.uid == "moved-1")) == links["linkedin"].id


def test_deleting_a_link_or_its_post_deletes_their_clicks(session, shared, make_post, make_user):
    post, sharer, links = shared
    session.execute(sa.insert(Click), [_click("x-1", links["x"]), _click("x-2", links["x"]),
                                       _click("li-1", links["linkedin"]), _click("bs-1", links["bluesky"])])
    session.commit()

    session.execute(sa.delete(ShareLink).where(ShareLink.id == links["x"].id))
    session.commit()
    assert _uids(session) == {"li-1", "bs-1"}

    from hub.posts.models import Post

    session.execute(sa.update(Post).where(Post.id == post.id).values(
        current_revision_id=None, live_revision_id=None, taken_down_revision_id=None))
    session.execute(sa.delete(Post).where(Post.id == post.id))  # its links go by their own cascade
    session.commit()
    assert _uids(session) == set()


def test_a_link_cannot_be_deleted_under_an_uncommitted_click(app, session, shared):
    """As the foreign key's check did, inserting clicks locks their links (FOR KEY SHARE): a
    delete of the link waits for the inserting transaction, then takes the click with it."""
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite has one writer at a time: the delete cannot run beside the insert")
    _post, _sharer, links = shared
    link_id = links["x"].id
    engine = make_engine(app.config["DATABASE_URL"])
    try:
        with engine.connect() as inserting, engine.connect() as deleting:
            inserting.begin()
            inserting.execute(sa.insert(Click), [_click("held-1", links["x"])])
            deleting.begin()
            deleting.exec_driver_sql("SET LOCAL lock_timeout = '300ms'")
            with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
                deleting.execute(sa.delete(ShareLink).where(ShareLink.id == link_id))
            deleting.rollback()
            inserting.commit()
            with deleting.begin():
                deleting.execute(sa.delete(ShareLink).where(ShareLink.id == link_id))
    finally:
        engine.dispose()
    assert _uids(session) == set()
