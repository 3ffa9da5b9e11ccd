"""Database plumbing: the declarative base, one engine per app, one session per app context, and
the request's unit of work.

A request commits once, after its view returned a successful response (status below 400), before
the response leaves; an exception or an error response rolls everything back. Views never commit.
CLI commands are not requests: they commit explicitly. Teardown closes the session, rolling back
whatever was not committed.
"""

from __future__ import annotations

import enum
import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from blinker import Namespace
from flask import Flask, Response, current_app, g, request
from flask import session as cookie_session
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, SessionTransaction, sessionmaker

from hub.lib.generation import Generation

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: writers queue within each process only
    fcntl = None  # type: ignore[assignment]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone of its own)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def str_enum(enum_cls: type[enum.Enum], length: int = 16) -> sa.Enum:
    """A portable enum column that stores the members' values (``"draft"``), not their names."""
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
                   validate_strings=True)


T = TypeVar("T")


@contextmanager
def savepoint(session: Session) -> Iterator[SessionTransaction]:
    """``session.begin_nested()``, a savepoint inside the session's transaction on every database.

    pysqlite (legacy transaction control, Python 3.11) opens a transaction only before INSERT,
    UPDATE and DELETE. A SAVEPOINT sent first therefore started a transaction of its own, and its
    RELEASE committed at once: the request's later rollback did not undo it. On SQLite the
    transaction is opened first (BEGIN IMMEDIATE: the write lock, waiting on the busy timeout,
    as the write inside the savepoint would anyway)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    with session.begin_nested() as nested:
        yield nested


def add_or_get(session: Session, row: T, winner: Callable[[], T | None]) -> T:
    """Insert ``row`` in a savepoint; when a concurrent transaction inserted the same unique key
    first, return its row (``winner()``, read again after the savepoint is rolled back) instead
    of failing. Re-raises the IntegrityError when there is no winner (another constraint broke)."""
    try:
        with savepoint(session):
            session.add(row)
        return row
    except sa.exc.IntegrityError:
        found = winner()
        if found is None:
            raise
        return found


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


SQLITE_BUSY_TIMEOUT = 15.0  # seconds a writer waits for SQLite's write lock before "database is locked"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys, a busy timeout and the writers' queue
    (``WriterQueue``)."""
    if url.startswith("sqlite"):
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT, "factory": QueuedWriterConnection,
                        **kwargs.pop("connect_args", {})}
        engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            # A 64 MB page cache per connection (the default is 2 MB): at a million clicks the
            # indexes a flush writes into and the dashboards read stay in memory; allocated as used.
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True, **kwargs)


class _FifoLock:
    """A lock handed to its waiters in the order they came (``threading.Lock`` lets a newcomer
    overtake a waiter that was just woken, so a writer could wait many turns)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=max(timeout, 0)):
            return True  # handed over by release(): still held, now by this thread
        with self._mutex:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
                return False
        return True  # handed over just as the wait ran out: take it

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False

    def locked(self) -> bool:
        return self._held


class WriterQueue:
    """The writers of one SQLite file, queued: a transaction that is about to write waits here
    (a lock in this process, then an ``flock`` on ``<file>-writers`` shared with the other
    processes) before it takes SQLite's write lock with ``BEGIN IMMEDIATE``, and leaves when it
    ends. SQLite's own busy handler polls a held write lock in growing sleeps, up to 100 ms
    apart, and lets whoever asks at the right moment go first: under 8 concurrent editors a
    writer waited over a second behind transactions of 10 ms. Here the next writer goes as
    soon as the lock is free. Readers never queue (WAL: they do not wait for writers)."""

    _queues: dict[str, WriterQueue] = {}
    _queues_lock = threading.Lock()

    def __init__(self, path: str) -> None:
        self.lock_path = path + "-writers"
        self._pid = 0
        self._local = _FifoLock()
        self._fd = -1

    @classmethod
    def of(cls, database: str) -> WriterQueue | None:
        """The queue of the SQLite file ``database``; None for an in-memory or URI database."""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = os.path.realpath(database)
        with cls._queues_lock:
            queue = cls._queues.get(path)
            if queue is None:
                queue = cls._queues[path] = cls(path)
            return queue

    def _fork_safe(self) -> None:
        """A forked worker (gunicorn) starts with a fresh lock and its own open lock file: a
        file lock held through a descriptor shared with the parent would be the parent's too."""
        pid = os.getpid()
        if self._pid != pid:
            with self._queues_lock:
                if self._pid != pid:
                    self._local = _FifoLock()
                    self._fd = -1
                    self._pid = pid

    def enter(self, timeout: float) -> None:
        """Wait for this writer's turn, at most ``timeout`` seconds, then "database is locked"."""
        self._fork_safe()
        deadline = time.monotonic() + timeout
        if not self._local.acquire(timeout):
            raise sqlite3.OperationalError("database is locked")
        if fcntl is None:  # pragma: no cover
            return
        try:
            if self._fd < 0:
                self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            pause = 0.0002
            while True:  # the other processes: at most one waiter per process polls, finely
                try:
                    fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(pause)
                    pause = min(pause * 2, 0.002)
        except BaseException:
            self._local.release()
            raise

    def leave(self) -> None:
        try:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._local.release()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")  # the statements pysqlite opens a transaction for
_BEGINS_TO_WRITE = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE")


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions queue in the file's ``WriterQueue`` and
    start with ``BEGIN IMMEDIATE`` (pysqlite would send a deferred ``BEGIN`` before the first
    write). Reads and read-only transactions are untouched. The turn is given back as soon as
    the transaction ends: commit, rollback, close, or SQLite rolling back on its own."""

    def __init__(self, database: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer_queue = WriterQueue.of(os.fsdecode(database)) if isinstance(database, str | bytes | os.PathLike) \
            else None
        self._busy_timeout = float(kwargs.get("timeout", args[0] if args else 5.0))
        self._queued = False

    def cursor(self, factory: Any = None) -> Any:  # noqa: ANN401 - sqlite3's own signature
        return super().cursor(factory or QueuedWriterCursor)

    def before_statement(self, sql: str) -> None:
        """Before ``sql`` runs: a write outside the queue waits for its turn first."""
        if self._writer_queue is None or self._queued:
            return
        head = sql.lstrip()[:16].upper()
        begins = head.startswith(_BEGINS_TO_WRITE)
        if not begins and not head.startswith(_WRITES):
            return
        self._writer_queue.enter(self._busy_timeout)
        self._queued = True
        try:
            # Not in autocommit mode (isolation_level None), where each statement is its own transaction.
            if not begins and not self.in_transaction and self.isolation_level is not None:
                super().execute("BEGIN IMMEDIATE")
        except BaseException:
            self.after_statement()
            raise

    def after_statement(self) -> None:
        """Give the turn back once no transaction is open."""
        if self._queued and not self.in_transaction:
            self._queued = False
            assert self._writer_queue is not None
            self._writer_queue.leave()

    def execute(self, sql: str, *args: Any) -> Any:  # noqa: ANN401
        return self.cursor().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:  # noqa: ANN401
        return self.cursor().executemany(sql, *args)

    def executescript(self, script: str) -> Any:  # noqa: ANN401
        return self.cursor().executescript(script)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.after_statement()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.after_statement()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()

    def __del__(self) -> None:  # a connection dropped without close() must not keep the turn
        try:
            if getattr(self, "_queued", False):
                # nor SQLite's write lock: Python 3.12 may leave a dropped connection's database
                # open after this (sqlite3_close_v2 waits for its statements), its transaction too
                super().close()
        except Exception:  # noqa: BLE001 - finalizing: another thread's connection, already closed...
            pass
        finally:
            self._leave_queue()

    def _leave_queue(self) -> None:
        if getattr(self, "_queued", False):
            self._queued = False
            assert self._writer_queue is not None
            self._writer_queue.leave()


class QueuedWriterCursor(sqlite3.Cursor):
    """A cursor of a ``QueuedWriterConnection``: every statement passes its queue."""

    connection: QueuedWriterConnection

    def execute(self, sql: str, *args: Any) -> Any:  # noqa: ANN401
        self.connection.before_statement(sql)
        try:
            return super().execute(sql, *args)
        finally:
            self.connection.after_statement()

    def executemany(self, sql: str, *args: Any) -> Any:  # noqa: ANN401
        self.connection.before_statement(sql)
        try:
            return super().executemany(sql, *args)
        finally:
            self.connection.after_statement()

    def executescript(self, script: str) -> Any:  # noqa: ANN401 - commits first, then runs outside the queue
        try:
            return super().executescript(script)
        finally:
            self.connection.after_statement()


# Sent with the app as sender and ``session=`` after a request's unit of work committed.
request_committed = Namespace().signal("request-committed")

# Tables whose rows no public page and no tracked redirect shows: writing only these leaves the
# machine's "content changed" counter alone (clicks flow in every second; a share page visit
# writes texts and events). Any other table written through a session bumps it after the commit.
QUIET_TABLES = frozenset({
    "click", "click_rollup", "share_event", "share_text", "share_own_words", "share_network",
    "share_proposal_cache", "post_working_copy", "throttle_counter", "notification", "outbox_message",
})
_CHANGED = "hub_content_changed"


def init_app(app: Flask) -> None:
    """Build this app's engine and sessionmaker, close the app context's session on teardown, and
    bump the machine's content counter (``app.extensions["hub.generation"]``) after every commit
    that wrote a table outside QUIET_TABLES."""
    engine = make_engine(app.config["DATABASE_URL"], **app.config.get("DATABASE_ENGINE_OPTIONS", {}))
    maker = sessionmaker(bind=engine, expire_on_commit=False)
    app.extensions["hub.db"] = maker
    generation = Generation(Path(app.instance_path) / "content.generation")
    app.extensions["hub.generation"] = generation
    sa.event.listen(maker, "after_flush", _note_flush)
    sa.event.listen(maker, "do_orm_execute", _note_statement)

    @sa.event.listens_for(maker, "after_commit")
    def _bump(session: Session) -> None:
        if session.info.pop(_CHANGED, False):
            generation.bump()

    app.teardown_appcontext(_close_session)


def _note_flush(session: Session, _context: Any) -> None:
    if _CHANGED in session.info:
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        if table is None or table.name not in QUIET_TABLES:
            session.info[_CHANGED] = True
            return


def _note_statement(state: ORMExecuteState) -> None:
    if _CHANGED in state.session.info or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in QUIET_TABLES:
        state.session.info[_CHANGED] = True


def get_engine(app: Flask | None = None) -> Engine:
    """The engine of ``app`` (default: the current app)."""
    return (app or current_app).extensions["hub.db"].kw["bind"]


def get_session() -> Session:
    """The session of the current app context, created on first use."""
    if "hub_session" not in g:
        g.hub_session = current_app.extensions["hub.db"]()
    return g.hub_session


def init_unit_of_work(app: Flask) -> None:
    """Commit each request once, after its view. Register it last: after-request functions run in
    reverse order, so it runs first and an error page that replaces a failed commit still gets the
    security headers and cookies the other hooks add."""
    app.after_request(_end_unit_of_work)


def _end_unit_of_work(response: Response) -> Response:
    session: Session | None = g.get("hub_session")
    if session is None:
        return response
    if response.status_code >= 400:
        session.rollback()
        return response
    try:
        session.commit()
    except Exception as exc:  # the write was not saved: say so, never answer 200 or a redirect
        session.rollback()
        current_app.logger.warning("commit failed: %s", exc)
        error = current_app.make_response(current_app.handle_user_exception(exc))
        _restore_cookie_session()
        return error
    request_committed.send(current_app._get_current_object(), session=session)  # type: ignore[attr-defined]  # LocalProxy method, untyped
    return response


def _restore_cookie_session() -> None:
    """Put the signed-cookie session back as the browser sent it: after a failed commit nothing the
    view put there (a sign-in as a user whose row was never saved) may reach the browser."""
    sent: Mapping[str, Any] = current_app.session_interface.open_session(current_app, request) or {}
    cookie_session.clear()
    cookie_session.update(sent)
    cookie_session.modified = False


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("hub_session", None)
    if session is not None:
        session.close()  # rolls back anything not committed


# --- bulk writes on PostgreSQL -----------------------------------------------------------------


def copy_rows(conn: sa.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
              *, temporary: str | None = None) -> None:
    """Write ``rows`` (tuples in ``columns`` order) into ``table`` with one PostgreSQL ``COPY``, in
    ``conn``'s transaction. With ``temporary`` (its column definitions, SQL), ``table`` is this
    connection's temporary table, created on first use and emptied when the transaction ends
    (``ON COMMIT DELETE ROWS``): a bulk statement then reads it, e.g. an ``INSERT ... SELECT ...
    ON CONFLICT``, which COPY itself cannot do. A failure raises SQLAlchemy's exception for it
    (``sa.exc.IntegrityError`` for a broken constraint), as ``conn.execute`` would."""
    if temporary is not None:
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} ({temporary}) ON COMMIT DELETE ROWS")
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]  # the pool's psycopg connection
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi_error as exc:  # as SQLAlchemy's own statements raise it (sa.exc.IntegrityError, ...)
        raise sa.exc.DBAPIError.instance(statement, None, exc, dbapi_error) from exc
    finally:
        cursor.close()


def serialize(conn: sa.Connection, key: int) -> None:
    """Make the transactions that call this with ``key`` run one after the other, each seeing what
    the previous one committed: PostgreSQL takes a transaction-level advisory lock on ``key``;
    SQLite takes its write lock now (``BEGIN IMMEDIATE``, one lock for every key) rather than at the
    first write, since pysqlite would otherwise run the reads before it outside the transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
