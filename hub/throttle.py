"""Rate limits that hold across gunicorn workers and machines, and cannot be raced.

A limit is a counter per (key, fixed window), read as a sliding window: an attempt's number is
its count in the current window plus the previous window's count weighted by how much of that
window still lies within the last ``window`` seconds. So no burst at a window's edge gets twice
the budget (five failures at 14:59:59 and five more at 15:00:00), and a budget comes back
gradually. Recording an attempt and learning its number in the current window is ONE atomic
step: an upsert ``INSERT ... ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`` in
the database (SQLite and PostgreSQL), or ``INCR`` in Redis when RATELIMIT_STORAGE_URL is a
redis:// URL. So 200 simultaneous attempts get the numbers 1..200, and only those numbered up
to the limit (less what the previous window carries) go ahead: there is no check-then-record
gap for them to slip through.

Keys are hashed (SHA-256) before they are stored: any length fits the column, and no e-mail
address or client address is kept in the clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, get_engine, make_engine


class ThrottleCounter(Base):
    """How many times ``key`` (a SHA-256 hex digest) was hit in the window starting at ``window_start``."""

    __tablename__ = "throttle_counter"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    window_start: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[int] = mapped_column(sa.BigInteger, index=True)  # epoch seconds; then it can go


@dataclass(frozen=True)
class Decision:
    """The outcome of one recorded attempt: ``count`` is its number in the window."""

    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until one more attempt would be allowed (0 when allowed): at most two windows


def client_net(address: str) -> str:
    """The unit a client address is limited by: the address itself for IPv4, its /64 for IPv6
    (one machine usually holds a whole /64, so single IPv6 addresses are free to rotate)."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _window(window: int, now: float) -> tuple[int, int]:
    start = int(now // window) * window
    return start, start + window


def _redis() -> Any:
    url = current_app.config.get("RATELIMIT_STORAGE_URL")
    if not url or not str(url).startswith(("redis://", "rediss://", "unix://")):
        return None
    client = current_app.extensions.get("hub.redis")
    if client is None:
        import redis

        # A burst waits for a free connection (up to 10 s) instead of failing.
        pool = redis.BlockingConnectionPool.from_url(url, max_connections=50, timeout=10)
        client = current_app.extensions["hub.redis"] = redis.Redis(connection_pool=pool)
    return client


_ENGINE_LOCK = threading.Lock()


def _engine() -> sa.Engine:
    """The throttle's own engine and pool. A request already holds a connection of the app's
    pool; under a burst, waiting for a second one from that same pool could wait forever. The
    throttle's connections are held for one statement and never wait on anything else, so a
    small pool of its own always comes free (and the server sees a bounded number of them)."""
    engine = current_app.extensions.get("hub.throttle_engine")
    if engine is None:
        with _ENGINE_LOCK:  # a burst of first requests makes one engine, not one each
            engine = current_app.extensions.get("hub.throttle_engine")
            if engine is None:
                url = get_engine().url.render_as_string(hide_password=False)
                engine = current_app.extensions["hub.throttle_engine"] = make_engine(url, pool_size=2, max_overflow=3)
    return engine


def dispose(app: Flask) -> None:
    """Close the throttle's connections (when an app is thrown away, as tests do)."""
    engine = app.extensions.pop("hub.throttle_engine", None)
    if engine is not None:
        engine.dispose()


def _redis_name(digest: str, start: int) -> str:
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX') or 'hub:rl:'}{digest}:{start}"


def _upsert(conn: sa.Connection, digest: str, start: int, expires: int, delta: int) -> int:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        # The dialects' insert() differ only in the Insert class they return; both have the upsert below.
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    else:  # pragma: no cover - hub runs on SQLite and PostgreSQL
        raise RuntimeError(f"throttle: no atomic upsert for {dialect}")
    table = cast(sa.Table, ThrottleCounter.__table__)  # a declarative model's table (typed FromClause)
    stmt = insert(table).values(key=digest, window_start=start, count=max(delta, 0), expires_at=expires)
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c.key, table.c.window_start],
        set_={"count": sa.func.max(table.c.count + delta, 0) if dialect == "sqlite"
              else sa.func.greatest(table.c.count + delta, 0)},
    ).returning(table.c.count)
    return int(conn.execute(upsert).scalar_one())


def _request_holding_the_sqlite_write_lock() -> sa.Connection | None:
    """The current request's connection when it is SQLite's and its transaction has written."""
    session = g.get("hub_session") if has_app_context() else None
    if session is None or not session.in_transaction():
        return None
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return None
    raw = conn.connection.driver_connection
    # pysqlite opens a transaction only to write (or hub.db.savepoint opens one to write).
    return conn if raw is not None and raw.in_transaction else None


def _add(key: str, window: int, delta: int) -> tuple[int, int]:
    """Add ``delta`` to the current window of ``key`` in one atomic step; (new count, window end).
    Written on its own connection and committed at once, so it counts even when the request
    that made it rolls back (on SQLite, once the request has written, in the request's own
    transaction: see below)."""
    now = _now()
    start, end = _window(window, now)
    digest = _digest(key)
    client = _redis()
    if client is not None:
        name = _redis_name(digest, start)
        pipe = client.pipeline(transaction=True)
        pipe.incrby(name, delta)
        pipe.expire(name, 2 * window + 60)  # the next window still weighs it
        count, _ = pipe.execute()
        if count < 0:  # a refund after the window was forgotten
            client.set(name, 0, ex=2 * window + 60)
            count = 0
        return int(count), end
    holder = _request_holding_the_sqlite_write_lock()
    if holder is not None:
        # SQLite has one writer, and this request's transaction holds the lock: a connection of
        # our own would wait for it until the request ends (15 s, then "database is locked"). The
        # count joins the request's transaction, which already writes, and stands when it commits.
        return _upsert(holder, digest, start, end + window + 60, delta), end
    with _engine().begin() as conn:
        count = _upsert(conn, digest, start, end + window + 60, delta)  # kept: the next window weighs it
        if random.random() < 0.02:  # now and then, sweep windows that are over
            conn.execute(sa.delete(ThrottleCounter).where(ThrottleCounter.expires_at < int(now)))
    return count, end


def _now() -> float:
    return time.time()


def hit(key: str, limit: int, window: int) -> Decision:
    """Record one attempt of ``key`` and say whether it is within ``limit`` per ``window`` seconds
    (sliding). Atomic: of any number of simultaneous attempts, at most ``limit`` are allowed."""
    count, end = _add(key, window, 1)
    now = _now()
    previous = _count(_digest(key), end - 2 * window)  # a closed window: only refunds change it
    carried = previous * max(0.0, min(1.0, (end - now) / window))
    allowed = count + carried <= limit
    return Decision(allowed, count + math.ceil(carried), limit,
                    0 if allowed else _retry_after(count, previous, limit, window, end, now))


def _retry_after(count: int, previous: int, limit: int, window: int, end: float, now: float) -> int:
    """Seconds until one more attempt would be allowed, if none is made meanwhile."""
    if count < limit and previous > 0:  # the previous window's share is in the way: it fades in this one
        at = end - window * (limit - count - 1) / previous
    else:  # this window's own count is: it fades during the next window
        at = end + window * (1 - (limit - 1) / max(count, 1))
    return max(1, math.ceil(at - now))


def _count(digest: str, start: int) -> int:
    """The count of ``digest`` in the window starting at ``start`` (records nothing)."""
    client = _redis()
    if client is not None:
        return int(client.get(_redis_name(digest, start)) or 0)
    stmt = sa.select(ThrottleCounter.count).where(ThrottleCounter.key == digest, ThrottleCounter.window_start == start)
    holder = _request_holding_the_sqlite_write_lock()
    if holder is not None:
        return int(holder.scalar(stmt) or 0)
    with _engine().connect() as conn:
        return int(conn.scalar(stmt) or 0)


def refund(key: str, window: int) -> None:
    """Give back one attempt of ``key`` in the current window (an attempt that turned out fine)."""
    _add(key, window, -1)


def peek(key: str, window: int) -> int:
    """How many attempts ``key`` has recorded in the last ``window`` seconds (records nothing)."""
    now = _now()
    start, end = _window(window, now)
    digest = _digest(key)
    return _count(digest, start) + math.floor(_count(digest, start - window) * (end - now) / window)


def forget(key: str, window: int) -> None:
    """Drop the counts of ``key`` that the sliding window still sees (after a successful sign-in)."""
    start, _end = _window(window, _now())
    digest = _digest(key)
    client = _redis()
    if client is not None:
        client.delete(_redis_name(digest, start), _redis_name(digest, start - window))
        return
    with _engine().begin() as conn:
        conn.execute(sa.delete(ThrottleCounter).where(ThrottleCounter.key == digest,
                                                      ThrottleCounter.window_start >= start - window))
