"""Rate limits that hold across gunicorn workers and machines.

Each hit is a row in the database (or a sorted-set member in Redis when RATELIMIT_STORAGE_URL is
a redis:// URL), so every process sees the same count. Counting is a sliding window.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, Session, mapped_column

from hub.db import Base, get_engine, utcnow


class ThrottleHit(Base):
    __tablename__ = "throttle_hit"
    __table_args__ = (sa.Index("ix_throttle_hit_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200))
    at: Mapped[datetime]


def _redis():  # type: ignore[no-untyped-def]
    url = current_app.config.get("RATELIMIT_STORAGE_URL")
    if not url or not str(url).startswith(("redis://", "rediss://", "unix://")):
        return None
    client = current_app.extensions.get("hub.redis")
    if client is None:
        import redis

        client = current_app.extensions["hub.redis"] = redis.Redis.from_url(url)
    return client


def count(session: Session, key: str, window: int) -> int:
    """How many hits ``key`` had in the last ``window`` seconds."""
    client = _redis()
    if client is not None:
        now = time.time()
        client.zremrangebyscore(f"hub:rl:{key}", 0, now - window)
        return int(client.zcard(f"hub:rl:{key}"))
    since = utcnow() - timedelta(seconds=window)
    return session.scalar(
        sa.select(sa.func.count()).select_from(ThrottleHit).where(ThrottleHit.key == key, ThrottleHit.at > since)
    ) or 0


def hit(session: Session, key: str, window: int) -> None:
    """Record one hit of ``key``. In the database it is written and committed on its own
    connection, so a failed sign-in is counted even though the request rolls back."""
    client = _redis()
    if client is not None:
        now = time.time()
        name = f"hub:rl:{key}"
        pipe = client.pipeline()
        pipe.zadd(name, {f"{now}:{secrets.token_hex(4)}": now})
        pipe.expire(name, window)
        pipe.execute()
        return
    with get_engine().begin() as conn:
        conn.execute(sa.insert(ThrottleHit).values(key=key, at=utcnow()))
        conn.execute(sa.delete(ThrottleHit).where(ThrottleHit.at < utcnow() - timedelta(days=1)))


def clear(session: Session, key: str) -> None:
    """Forget the hits of ``key`` (after a successful sign-in)."""
    client = _redis()
    if client is not None:
        client.delete(f"hub:rl:{key}")
        return
    session.execute(sa.delete(ThrottleHit).where(ThrottleHit.key == key))


def blocked(session: Session, key: str, limit: int, window: int) -> bool:
    """True when ``key`` has used up its ``limit`` hits in the window."""
    return count(session, key, window) >= limit
