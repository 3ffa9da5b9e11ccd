"""SQLite's writers queue (hub.db.WriterQueue): a transaction about to write waits its turn, in
this process and across processes, then starts with BEGIN IMMEDIATE; it gives the turn back
however it ends; reads never queue. On SQLite files only (PostgreSQL has row locks, not this)."""

from __future__ import annotations

import fcntl
import gc
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.db import QueuedWriterConnection, WriterQueue, make_engine

SHORT = 0.3  # seconds a writer may wait in these tests before "database is locked"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[sa.Engine, WriterQueue]]:
    path = tmp_path / "writers.sqlite3"
    engine = make_engine(f"sqlite:///{path}", connect_args={"timeout": SHORT})
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    queue = WriterQueue.of(str(path))
    assert queue is not None
    yield engine, queue
    engine.dispose()


def _held(queue: WriterQueue) -> bool:
    """Whether some writer of this process holds the turn."""
    return queue._local.locked()


def _statements(conn: sa.Connection) -> list[str]:
    seen: list[str] = []
    conn.connection.driver_connection.set_trace_callback(seen.append)  # type: ignore[union-attr]
    return seen


def test_a_write_transaction_starts_with_begin_immediate_and_holds_the_turn_until_commit(db) -> None:
    engine, queue = db
    with engine.connect() as conn:
        seen = _statements(conn)
        conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
        assert not _held(queue)  # a read does not queue
        conn.execute(sa.text("INSERT INTO t (v) VALUES ('a')"))
        assert _held(queue)
        conn.execute(sa.text("INSERT INTO t (v) VALUES ('b')"))
        conn.commit()
        assert not _held(queue)
    assert seen == ["SELECT count(*) FROM t", "BEGIN IMMEDIATE", "INSERT INTO t (v) VALUES ('a')",
                    "INSERT INTO t (v) VALUES ('b')", "COMMIT"]


@pytest.mark.parametrize("end", ["rollback", "close", "sqlite rolls back"])
def test_the_turn_is_given_back_however_the_transaction_ends(db, end: str) -> None:
    engine, queue = db
    conn = engine.connect()
    conn.execute(sa.text("INSERT INTO t (v) VALUES ('taken')"))
    assert _held(queue)
    if end == "rollback":
        conn.rollback()
    elif end == "close":
        conn.close()
    else:  # OR ROLLBACK: the failed statement ends the whole transaction, SQLite's own doing
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("INSERT OR ROLLBACK INTO t (v) VALUES ('taken')"))
    assert not _held(queue)
    with engine.begin() as other:  # the next writer gets its turn
        other.execute(sa.text("INSERT INTO t (v) VALUES ('next')"))
    conn.close()
    with engine.connect() as check:  # what the ended transaction wrote is gone
        assert check.execute(sa.text("SELECT v FROM t")).scalars().all() == ["next"]


def test_readers_do_not_wait_for_a_writer_and_writers_wait_their_turn(db) -> None:
    engine, queue = db
    writer = engine.connect()
    writer.execute(sa.text("INSERT INTO t (v) VALUES ('first')"))
    with engine.connect() as reader:  # WAL: reads what was committed, without queueing
        assert reader.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
    with engine.connect() as second, pytest.raises(sa.exc.OperationalError, match="database is locked"):
        second.execute(sa.text("INSERT INTO t (v) VALUES ('second')"))  # waited SHORT, then gave up
    assert _held(queue)  # still the first writer's turn: the one that gave up did not take or drop it
    writer.commit()
    writer.close()
    with engine.begin() as second:
        second.execute(sa.text("INSERT INTO t (v) VALUES ('second')"))
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT v FROM t ORDER BY id")).scalars().all() == ["first", "second"]


def test_a_waiting_writer_goes_when_the_turn_is_free(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")  # the default wait (15 s) as a bound only
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    queue = WriterQueue.of(str(tmp_path / "w.sqlite3"))
    assert queue is not None
    first = engine.connect()
    first.execute(sa.text("INSERT INTO t (v) VALUES ('first')"))
    outcome: list[object] = []

    def second() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t (v) VALUES ('second')"))
            outcome.append("ok")
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    thread = threading.Thread(target=second)
    thread.start()
    first.commit()
    first.close()
    thread.join(timeout=30)
    assert outcome == ["ok"]
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT v FROM t ORDER BY id")).scalars().all() == ["first", "second"]
    engine.dispose()


def test_writers_of_other_processes_queue_too(db) -> None:
    """Another process's turn is an flock on ``<file>-writers`` (here taken through a descriptor of
    its own, as another process would): a writer waits for it even though SQLite's own write lock
    is free, and writes once it is released."""
    engine, queue = db
    fd = os.open(queue.lock_path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="database is locked"):
            conn.execute(sa.text("INSERT INTO t (v) VALUES ('waited')"))
        assert not _held(queue)
        fcntl.flock(fd, fcntl.LOCK_UN)
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (v) VALUES ('went')"))
    finally:
        os.close(fd)
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT v FROM t")).scalars().all() == ["went"]


def _child_writes(path: str, result: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    try:
        queue = WriterQueue.of(path)
        assert queue is not None
        queue.enter(timeout=15)
        queue.leave()
        result.put("ok")
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        result.put(repr(exc))


def test_a_forked_worker_gets_a_queue_of_its_own(db) -> None:
    """gunicorn forks its workers: a child of a process whose writer held the turn at the fork
    must not inherit that turn (a locked lock, the parent's lock file descriptor); it waits for the
    parent's writer through the file lock, then goes."""
    engine, queue = db
    path = engine.url.database
    assert path is not None
    conn = engine.connect()
    conn.execute(sa.text("INSERT INTO t (v) VALUES ('parent')"))
    assert _held(queue)
    context = multiprocessing.get_context("fork")
    result = context.Queue()
    child = context.Process(target=_child_writes, args=(path, result))
    child.start()
    conn.commit()
    conn.close()
    child.join(timeout=30)
    assert result.get(timeout=5) == "ok"


def test_in_memory_databases_have_no_queue() -> None:
    assert WriterQueue.of(":memory:") is None
    assert WriterQueue.of("") is None
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        conn.execute(sa.text("INSERT INTO t VALUES ('x')"))
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection) and raw.in_transaction
    engine.dispose()


def test_autocommit_statements_queue_and_stay_their_own_transaction(db) -> None:
    engine, queue = db
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("INSERT INTO t (v) VALUES ('auto')"))
        assert not conn.connection.driver_connection.in_transaction  # type: ignore[union-attr]
        assert not _held(queue)
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT v FROM t")).scalars().all() == ["auto"]


def test_a_connection_dropped_without_close_gives_the_turn_back(db) -> None:
    engine, queue = db
    raw = sqlite3.connect(engine.url.database, timeout=SHORT, factory=QueuedWriterConnection)  # type: ignore[arg-type]
    raw.execute("INSERT INTO t (v) VALUES ('dropped')")
    assert _held(queue)
    del raw  # no close()
    gc.collect()
    assert not _held(queue)
    with engine.begin() as conn:  # and SQLite's own lock went with it
        conn.execute(sa.text("INSERT INTO t (v) VALUES ('next')"))


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 15
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.001)


def test_waiting_writers_go_in_the_order_they_came(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fifo.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    queue = WriterQueue.of(str(tmp_path / "fifo.sqlite3"))
    assert queue is not None
    first = engine.connect()
    first.execute(sa.text("INSERT INTO t (v) VALUES ('holder')"))

    def write(name: str) -> None:
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO t (v) VALUES (:v)"), {"v": name})

    threads = []
    for n, name in enumerate(["came first", "came second", "came third"], start=1):
        threads.append(threading.Thread(target=write, args=(name,)))
        threads[-1].start()
        _until(lambda n=n: len(queue._local._waiters) == n)  # queued before the next one comes
    first.commit()
    first.close()
    for thread in threads:
        thread.join(timeout=30)
    with engine.connect() as check:
        assert check.execute(sa.text("SELECT v FROM t ORDER BY id")).scalars().all() == [
            "holder", "came first", "came second", "came third"]
    engine.dispose()
