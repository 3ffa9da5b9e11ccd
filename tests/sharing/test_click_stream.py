"""The Redis Streams click sink: several machines, one stream, one database (real Redis)."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from hub import create_app
from hub.db import get_engine
from hub.insights.models import ClickRollup
from hub.sharing.clicklog import ClickIngestError, ClickRecord, insert_clicks
from hub.sharing.clickstream import FIELD, RedisClickSink
from hub.sharing.models import Click

pytestmark = pytest.mark.slow

AGENT = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}
REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({exc}); set HUB_TEST_REDIS_URL")
    yield client
    client.close()


@pytest.fixture
def stream_key(redis_client: redis.Redis) -> Iterator[str]:
    key = f"hub-test:clicks:{uuid.uuid4().hex}"  # one stream per test: parallel runs never meet
    yield key
    redis_client.delete(key)


@pytest.fixture
def app_config(redis_client: redis.Redis, stream_key: str) -> dict[str, Any]:
    return {
        "CLICK_SINK": "redis",
        "CLICK_REDIS_URL": REDIS_URL,
        "CLICK_REDIS_STREAM": stream_key,
        "CLICK_FLUSH_SECONDS": 0.05,
        "CLICK_REDIS_CLAIM_SECONDS": 0.3,
    }


@pytest.fixture
def machine(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """Another machine: its own instance folder (click log), the same database and settings."""
    made: list[Flask] = []

    def build(name: str, **overrides: Any) -> Flask:
        with monkeypatch.context() as m:
            m.setenv("HUB_INSTANCE_PATH", str(tmp_path / name))
            other = create_app(
                {
                    **{
                        k: app.config[k]
                        for k in (
                            "TESTING",
                            "DATABASE_URL",
                            "SECRET_KEY",
                            "BASE_URL",
                            "TRUSTED_HOSTS",
                            "PUBLISH_DUE_ON_REQUEST",
                            "CLICK_SINK",
                            "CLICK_REDIS_URL",
                            "CLICK_REDIS_STREAM",
                            "CLICK_FLUSH_SECONDS",
                            "CLICK_REDIS_CLAIM_SECONDS",
                        )
                    },
                    **overrides,
                }
            )
        made.append(other)
        return other

    yield build
    for other in made:
        other.extensions["hub.clicklog"].stop()
        get_engine(other).dispose()


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        threading.Event().wait(0.05)  # poll a condition until the deadline
    return condition()


def _stored(session, link_id: int) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    session.commit()  # a fresh snapshot on PostgreSQL too
    return session.scalar(sa.select(sa.func.count()).select_from(Click).where(Click.link_id == link_id))


def _site_clicks(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ClickRollup.clicks), 0)).where(
            ClickRollup.scope == "site", ClickRollup.is_bot.is_(False)
        )
    )


def _record(link, user_id: int, uid: str) -> ClickRecord:  # type: ignore[no-untyped-def]
    return ClickRecord(uid, link.id, link.post_id, user_id, link.platform, time.time(), False, f"v-{uid}")


def test_a_redirect_appends_the_click_to_the_stream_and_a_consumer_stores_it(
    app, client, session, shared, redis_client, stream_key
):
    _post, _sharer, links = shared
    sink = app.extensions["hub.clicklog"]
    assert isinstance(sink, RedisClickSink)

    assert client.get(f"/s/{links['x'].code}", headers=AGENT).status_code == 302

    assert _wait_for(lambda: _stored(session, links["x"].id) == 1)  # the consumer thread, no flush
    # acknowledged just after the commit
    assert _wait_for(lambda: redis_client.xinfo_groups(stream_key)[0]["pending"] == 0)
    (group,) = redis_client.xinfo_groups(stream_key)
    assert group["entries-read"] == 1
    assert redis_client.xlen(stream_key) == 0  # acknowledged and deleted after the commit
    assert not any(p.stat().st_size for p in (Path(app.instance_path) / "clicklog").glob("*.log"))
    sink.close()


def test_flush_clicks_moves_the_stream_into_the_database(
    app, runner, session, shared, redis_client, stream_key
):
    _post, sharer, links = shared
    sink = app.extensions["hub.clicklog"]
    for n in range(3):
        sink.append(_record(links["linkedin"], sharer.id, f"cli-{n}"))  # no request: no consumer thread
    assert redis_client.xlen(stream_key) == 3

    result = runner.invoke(args=["flush-clicks"])

    assert result.exit_code == 0 and "Flushed 3 click(s)." in result.output
    assert _stored(session, links["linkedin"].id) == 3 and redis_client.xlen(stream_key) == 0


def test_a_machine_started_with_clicks_waiting_ingests_them_and_still_runs_its_consumer(
    app, session, shared, machine, redis_client, stream_key
):
    """After a full restart the stream's waiting clicks are ingested without a request; the
    start-up pass must not keep the process's consumer thread from starting afterwards."""
    _post, sharer, links = shared
    for n in range(3):
        app.extensions["hub.clicklog"].append(_record(links["x"], sharer.id, f"waiting-{n}"))

    restarted = machine("restarted")  # no request yet
    assert _wait_for(lambda: _stored(session, links["x"].id) == 3)

    assert restarted.test_client().get(f"/s/{links['x'].code}", headers=AGENT).status_code == 302
    assert _wait_for(lambda: _stored(session, links["x"].id) == 4)  # its consumer thread, no flush


def test_entries_delivered_twice_count_once(app, session, shared, redis_client, stream_key):
    """A consumer that committed but died before XACK: the entries are claimed and ingested again."""
    _post, sharer, links = shared
    sink = app.extensions["hub.clicklog"]
    for n in range(5):
        sink.append(_record(links["x"], sharer.id, f"twice-{n}"))
    sink.consume()  # creates the group
    for n in range(5, 10):
        sink.append(_record(links["x"], sharer.id, f"twice-{n}"))
    ((_key, entries),) = redis_client.xreadgroup(sink.group, "died-after-commit", {stream_key: ">"})
    insert_clicks(get_engine(app), [ClickRecord.parse(f[FIELD.encode()]) for _, f in entries])  # type: ignore[misc]

    assert _wait_for(
        lambda: sink.flush_all() >= 0 and redis_client.xpending(stream_key, sink.group)["pending"] == 0
    )
    assert _stored(session, links["x"].id) == 10
    assert _site_clicks(session) == 10  # rollups did not count the redelivered clicks again


def test_two_machines_one_deleted_mid_load_every_answered_click_lands_once(
    app, session, shared, machine, redis_client, stream_key
):
    """Issue 9.5: two machines with separate instance folders share one stream and one database.
    Machine B is deleted while A serves on: its consumer stopped holding entries it had read but
    not acknowledged, and its folder is gone. A's consumer takes them over (XAUTOCLAIM)."""
    _post, _sharer, links = shared
    code, link_id = links["x"].code, links["x"].id
    machine_b = machine("machine-b")
    answered = {"a": 0, "b": 0}
    b_dead = threading.Event()

    def serve(which: Flask, name: str, n: int) -> None:
        client = which.test_client()
        for i in range(n):
            if client.get(f"/s/{code}", headers=AGENT).status_code == 302:
                answered[name] += 1
            if name == "a" and i == n // 3:
                assert b_dead.wait(60)  # the rest of A's load comes after B was deleted

    load_a = threading.Thread(target=serve, args=(app, "a", 240))
    load_a.start()
    serve(machine_b, "b", 120)

    # B dies: its consumer stops, then (as if it crashed right after XREADGROUP) holds entries it
    # read but never acknowledged.
    sink_b = machine_b.extensions["hub.clicklog"]
    sink_b.stop()
    client_b = machine_b.test_client()
    held: list[Any] = []

    def b_holds_unacknowledged_entries() -> bool:
        for _ in range(5):  # a burst, so that some entries wait for B while A's consumer is busy
            if client_b.get(f"/s/{code}", headers=AGENT).status_code == 302:
                answered["b"] += 1
        response = redis_client.xreadgroup(sink_b.group, sink_b._consumer, {stream_key: ">"}, count=5)
        held.extend(response[0][1] if response else [])
        return len(held) >= 10

    assert _wait_for(b_holds_unacknowledged_entries)
    b_folder = Path(machine_b.instance_path)
    assert not any(
        p.stat().st_size for p in (b_folder / "clicklog").glob("*.log")
    )  # all of B's clicks are in Redis
    shutil.rmtree(b_folder)
    b_dead.set()
    load_a.join(120)

    total = answered["a"] + answered["b"]
    assert answered["a"] == 240 and answered["b"] >= 130
    assert _wait_for(lambda: _stored(session, link_id) >= total, 60)  # A's consumer thread, no flush
    assert _wait_for(lambda: redis_client.xpending(stream_key, "hub")["pending"] == 0)
    assert _stored(session, link_id) == total  # every answered click exactly once
    assert _site_clicks(session) == total
    assert redis_client.xlen(stream_key) == 0


@pytest.fixture(params=["refused", "silent"])
def dead_port(request: pytest.FixtureRequest) -> Iterator[int]:
    """A port where Redis is down: nothing listens ("refused"), or a socket accepts and never
    answers ("silent", as a hung server or a dropped route)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        if request.param == "silent":
            s.listen(64)
            yield s.getsockname()[1]
            return
        port = s.getsockname()[1]
    yield port  # closed: connections are refused


def test_redis_down_while_redirecting_falls_back_to_the_local_click_log(
    app, session, shared, machine, runner, caplog, dead_port
):
    """Decision: the click goes to this machine's file log (durable, ingested by its own flusher),
    a warning is logged, and the redirect is answered; `hub flush-clicks` says Redis is down."""
    _post, _sharer, links = shared
    with caplog.at_level(logging.WARNING, logger="hub.clicks"):
        down = machine(
            "no-redis", CLICK_REDIS_URL=f"redis://127.0.0.1:{dead_port}/0", CLICK_FLUSH_SECONDS=3600
        )
        sink = down.extensions["hub.clicklog"]
        client = down.test_client()
        statuses = [client.get(f"/s/{links['x'].code}", headers=AGENT).status_code for _ in range(3)]

    assert statuses == [302, 302, 302]
    assert "they go to the local click log" in caplog.text
    assert sum(p.stat().st_size for p in (Path(down.instance_path) / "clicklog").glob("*.log")) > 0
    with pytest.raises(ClickIngestError, match="cannot be read"):
        sink.flush_all()  # the file log is flushed first, then the stream cannot be read
    assert _stored(session, links["x"].id) == 3

    with down.app_context():  # the test's session holds the first machine's context
        result = down.test_cli_runner().invoke(args=["flush-clicks"])
    assert result.exit_code == 1 and "cannot be read" in result.output, result.output


def test_a_machine_killed_mid_load_under_gunicorn_loses_no_answered_click(app, session, shared, redis_client,
                                                                          stream_key, tmp_path):
    """The same with real processes: two gunicorn machines, and one of them (master and workers)
    killed with SIGKILL in the middle of its load, its folder removed."""
    from tests.sharing.test_click_durability import Gunicorn, _hammer

    _post, _sharer, links = shared
    settings = {"CLICK_SINK": "redis", "CLICK_REDIS_URL": REDIS_URL, "CLICK_REDIS_STREAM": stream_key,
                "CLICK_REDIS_CLAIM_SECONDS": "0.5"}
    machine_a = Gunicorn(app, str(tmp_path / "gunicorn-a"), **settings)
    machine_b = Gunicorn(app, str(tmp_path / "gunicorn-b"), **settings)
    path = f"/s/{links['x'].code}"
    results: dict[str, tuple[int, int]] = {}

    def delete_b() -> None:
        machine_b.kill()
        shutil.rmtree(tmp_path / "gunicorn-b")

    try:
        load_a = threading.Thread(target=lambda: results.update(a=_hammer(machine_a.port, path, 400, 8)))
        load_a.start()
        results["b"] = _hammer(machine_b.port, path, 400, 8, during=delete_b)
        load_a.join()
        sent = results["a"][0] + results["b"][0]
        answered = results["a"][1] + results["b"][1]
        assert results["a"][1] == 400 and results["b"][1] >= 150  # B served about half its load

        # Machine A's consumers alone (no flush) store everything, B's unacknowledged entries included.
        assert _wait_for(lambda: _stored(session, links["x"].id) >= answered, 60)
        assert _wait_for(lambda: redis_client.xpending(stream_key, "hub")["pending"] == 0
                         and redis_client.xlen(stream_key) == 0)
        recorded = _stored(session, links["x"].id)
        assert answered <= recorded <= sent  # a request cut by the kill may have been recorded
        assert _site_clicks(session) == recorded  # each stored click rolled up once
    finally:
        machine_a.stop()
        machine_b.stop()
