"""Saves written on one base revision at the same time: exactly one wins, the others get a
Conflict (409), never an IntegrityError (500). Real connections on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from hub.db import get_engine
from hub.errors import Conflict
from hub.posts import services
from hub.posts.models import Post, PostRevision
from hub.posts.services import PostInput


def _sessions(app: Flask) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(app), expire_on_commit=False)


def _revision_bodies(app: Flask, post_id: int) -> list[str]:
    with _sessions(app)() as s:
        return list(
            s.scalars(
                sa.select(PostRevision.body)
                .where(PostRevision.post_id == post_id)
                .order_by(PostRevision.number)
            )
        )


def _read(s: Session, post_id: int) -> Post:
    """The post as this session reads it (the caller keeps the object, as a request does)."""
    post = s.get(Post, post_id)
    assert post is not None and post.current_revision is not None
    return post


def _save(s: Session, post: Post, body: str, base_id: int) -> PostRevision:
    return services.save_revision(
        s, post, post.author, PostInput("Title", "", body), base_revision_id=base_id
    )


def test_two_sessions_interleaved_one_revision_one_conflict(app, make_post):
    post = make_post(title="Title", body="base")
    post_id, base_id = post.id, post.current_revision_id
    Sessions = _sessions(app)
    with Sessions() as a, Sessions() as b:
        # both read the post at the same base revision
        post_a, post_b = _read(a, post_id), _read(b, post_id)
        assert post_a.current_revision.body == post_b.current_revision.body == "base"
        # both write: A first (and commits), then B, whose read is now stale
        _save(a, post_a, "from A", base_id)
        a.commit()
        with pytest.raises(Conflict) as info:
            _save(b, post_b, "from B", base_id)
        assert info.value.current.body == "from A"  # the conflict shows the newer text
        b.rollback()
    assert _revision_bodies(app, post_id) == ["base", "from A"]


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def test_second_writer_waits_for_the_first_then_gets_a_conflict(app, make_post):
    """Both transactions write before either commits: B blocks on A's claim of the post row
    and, once A commits, finds the post moved on. PostgreSQL shows the wait in pg_locks."""
    post = make_post(title="Title", body="base")
    post_id, base_id = post.id, post.current_revision_id
    Sessions = _sessions(app)
    outcome: dict[str, Any] = {}
    with Sessions() as a, Sessions() as b:
        post_a, post_b = _read(a, post_id), _read(b, post_id)  # both read the base
        _save(a, post_a, "from A", base_id)  # A claimed the post and wrote, not committed yet
        b_pid = (
            b.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
            if app.config["HUB_DB_BACKEND"] == "postgresql"
            else None
        )

        def write_b() -> None:
            try:
                outcome["revision"] = _save(b, post_b, "from B", base_id)
            except Exception as exc:  # noqa: BLE001 (the test asserts what it was)
                outcome["error"] = exc

        thread = threading.Thread(target=write_b)
        thread.start()
        if b_pid is not None:
            with get_engine(app).connect() as watcher:
                _wait_until(
                    lambda: (
                        watcher.execute(
                            sa.text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"),
                            {"pid": b_pid},
                        ).scalar()
                        == 1
                    ),
                    "B waits for A's lock",
                )
        a.commit()
        thread.join(30)
        assert not thread.is_alive()
        assert isinstance(outcome.get("error"), Conflict), outcome
        b.rollback()
    assert _revision_bodies(app, post_id) == ["base", "from A"]


def test_a_taken_revision_number_is_a_conflict_not_an_integrity_error(app, make_post):
    """A writer that never claimed the post (an older release mid-deploy, a script) took the next
    number: the save raises Conflict and its session stays usable."""
    post = make_post(title="Title", body="base")
    post_id, base_id = post.id, post.current_revision_id
    Sessions = _sessions(app)
    with Sessions() as other:
        other.add(
            PostRevision(
                post_id=post_id,
                number=2,
                base_number=1,
                title="Title",
                body="unclaimed",
                created_by_id=post.author_id,
            )
        )
        other.commit()
    with Sessions() as s:
        with pytest.raises(Conflict):
            _save(s, _read(s, post_id), "mine", base_id)
        s.commit()  # nothing half-written is left in the transaction
        assert s.get(Post, post_id).current_revision_id == base_id
    assert _revision_bodies(app, post_id) == ["base", "unclaimed"]


def test_fifty_concurrent_saves_from_one_base_one_success_49_conflicts(app, make_post, make_user):
    author = make_user()
    post = make_post(author=author, title="Title", body="base")
    post_id, base_id = post.id, post.current_revision_id
    n = 50
    clients = []
    for _ in range(n):
        c = app.test_client()
        with c.session_transaction() as sess:
            sess["_user_id"] = author.get_id()
            sess["_fresh"] = True
        clients.append(c)
    start = threading.Barrier(n)
    statuses: list[int] = []
    lock = threading.Lock()

    def save(i: int) -> None:
        start.wait()
        response = clients[i].post(
            f"/posts/{post_id}/edit",
            data={
                "title": "Title",
                "body": f"version {i}",
                "base_revision_id": str(base_id),
                "action": "save",
            },
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert Counter(statuses) == {302: 1, 409: n - 1}
    bodies = _revision_bodies(app, post_id)
    assert len(bodies) == 2 and bodies[0] == "base" and bodies[1].startswith("version ")
