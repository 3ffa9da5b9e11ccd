"""Clicks for several machines: a Redis Stream between the redirect and the database.

The file log (``hub.sharing.clicklog``) keeps each machine's clicks on that machine until its
own workers ingest them: a machine that is deleted takes its unflushed clicks with it. With
``CLICK_SINK = "redis"`` the redirect instead appends each click to one Redis Stream shared by
every machine (one ``XADD``, one round trip, before the 302), and consumers move them into the
database:

1. Every web process runs a consumer thread in one consumer group (``XREADGROUP``); so does
   ``hub flush-clicks``. A batch is inserted in one transaction with the same unique click id,
   ``ON CONFLICT DO NOTHING`` and rollups as the file log's, and only after the commit is it
   acknowledged (``XACK``) and deleted from the stream (``XDEL``), which keeps the stream short.
2. Entries a consumer read but never acknowledged (its process or machine died, or the
   database failed) stay pending under its name; any consumer takes them over with
   ``XAUTOCLAIM`` once they have been idle ``CLICK_REDIS_CLAIM_SECONDS``. Delivered twice, a
   click still counts once: its id is unique in ``click``.
3. When Redis cannot be reached, the redirect falls back to this machine's file log (so the
   answered click is still durable, and is ingested by this machine's file flusher), logs a
   warning on ``hub.clicks``, and tries Redis again after ``RETRY_SECONDS``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.engine import Engine

from hub.sharing.clicklog import ClickIngestError, ClickLog, ClickRecord, join_recovery, store_clicks

logger = logging.getLogger("hub.clicks")

FIELD = "c"  # each entry holds one field: the click's line, as in the file log
BATCH = 1000
RETRY_SECONDS = 2.0  # after Redis failed, the redirect writes to the file log this long before retrying
REQUEST_TIMEOUT = 0.5  # seconds an XADD may take before the click goes to the file log instead
BLOCK_SECONDS = 2.0  # the longest a consumer waits on XREADGROUP (shorter with a short flush interval)
READ_TIMEOUT = BLOCK_SECONDS + 3  # a consumer's read from a Redis that hangs fails after this
IDLE_CONSUMER_MS = 3600 * 1000  # consumers of the group idle this long, with nothing pending, are removed

Entry = tuple[Any, dict[bytes, bytes] | None]


class RedisClickSink:
    """Clicks appended to a Redis Stream and consumed into the database; see the module docstring."""

    def __init__(
        self,
        url: str,
        stream: str,
        group: str,
        engine: Engine,
        fallback: ClickLog,
        flush_seconds: float = 1.0,
        claim_seconds: float = 30.0,
    ) -> None:
        self.url, self.stream, self.group = url, stream, group
        self.engine = engine
        self.fallback = fallback
        self.flush_seconds = flush_seconds
        self.claim_ms = max(1, int(claim_seconds * 1000))
        self.memory: dict[str, Any] = {}  # what clicks_ingesting's receivers keep between flushes
        # Short timeouts in the request path; the consumer blocks on XREADGROUP, so it waits longer.
        self._writer = redis.Redis.from_url(
            url, socket_timeout=REQUEST_TIMEOUT, socket_connect_timeout=REQUEST_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        self._reader = redis.Redis.from_url(url, socket_timeout=READ_TIMEOUT,
                                            socket_connect_timeout=READ_TIMEOUT)
        self._down_until = 0.0
        self._pid = 0  # the process the consumer name belongs to
        self._thread_pid = 0  # the process whose consumer thread runs
        self._consumer = ""
        self._backlog = True  # read our own pending entries before new ones (at start, after a failure)
        self._group_ready = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._recovery: threading.Thread | None = None

    # -- the redirect ----------------------------------------------------------------------------
    def append(self, record: ClickRecord) -> None:
        """One XADD; when Redis fails, the click goes to the local file log instead (never lost)."""
        if time.monotonic() >= self._down_until:
            try:
                self._writer.xadd(self.stream, {FIELD: record.line()})
                return
            except redis.RedisError as exc:
                self._down_until = time.monotonic() + RETRY_SECONDS
                logger.warning(
                    "Redis is unreachable for clicks (%s); they go to the local click log for %.0f s",
                    exc,
                    RETRY_SECONDS,
                )
        self.fallback.append(record)

    # -- consuming -------------------------------------------------------------------------------
    def ensure_started(self) -> None:
        """Start this process's consumer thread (and the file log's flusher, for fallen-back clicks)."""
        self.fallback.ensure_started()
        if self._thread_pid != os.getpid():
            with self._lock:
                if self._thread_pid != os.getpid():
                    self._start_in_this_process()

    def _start_in_this_process(self) -> None:
        self._thread_pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-click-consumer", daemon=True)
        self._thread.start()

    def _consumer_name(self) -> str:
        if self._pid != os.getpid():  # first use in this process (a fork gets its own name)
            with self._lock:
                if self._pid != os.getpid():
                    self._pid = os.getpid()
                    self._consumer = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
                    self._backlog = True
        return self._consumer

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._reader.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def consume(self, block_ms: int | None = None) -> int:
        """Ingest one batch: this consumer's unacknowledged entries first, else new ones.
        Returns how many entries were handled (0: nothing waiting)."""
        self._ensure_group()
        name = self._consumer_name()
        if self._backlog:
            entries = _entries(self._reader.xreadgroup(self.group, name, {self.stream: "0"}, count=BATCH))
            if entries:
                return self._ingest(entries)
            self._backlog = False
        fresh = self._reader.xreadgroup(self.group, name, {self.stream: ">"}, count=BATCH, block=block_ms)
        return self._ingest(_entries(fresh))

    def claim_stale(self) -> int:
        """Take over the entries other consumers read but did not acknowledge in time, and ingest them."""
        self._ensure_group()
        name, total, start = self._consumer_name(), 0, "0-0"
        while True:
            next_start, entries, *_deleted = self._reader.xautoclaim(
                self.stream, self.group, name, min_idle_time=self.claim_ms, start_id=start, count=BATCH
            )
            total += self._ingest(entries)
            start = next_start.decode() if isinstance(next_start, bytes) else next_start
            if start == "0-0":
                break
        self._forget_idle_consumers(name)
        return total

    def _forget_idle_consumers(self, name: str) -> None:
        for consumer in self._reader.xinfo_consumers(self.stream, self.group):
            other = consumer["name"].decode() if isinstance(consumer["name"], bytes) else consumer["name"]
            if other != name and consumer["pending"] == 0 and consumer["idle"] > IDLE_CONSUMER_MS:
                self._reader.xgroup_delconsumer(self.stream, self.group, other)

    def _ingest(self, entries: list[Entry]) -> int:
        if not entries:
            return 0
        ids = [entry_id for entry_id, _ in entries]
        records = []
        for entry_id, fields in entries:
            if not fields:
                continue  # deleted: another consumer ingested it after it was claimed; just acknowledge
            raw = fields.get(FIELD.encode())
            record = ClickRecord.parse(raw) if raw else None
            if record is None:  # not a click of ours: acknowledged and dropped, said aloud
                logger.warning("Skipped unreadable click entry %s in stream %s", entry_id, self.stream)
            else:
                records.append(record)
        try:
            store_clicks(self.engine, records, memory=self.memory)
        except Exception as exc:
            self._backlog = True
            logger.exception(
                "Could not ingest %d click(s) from Redis stream %s; they stay pending and are retried",
                len(records),
                self.stream,
            )
            raise ClickIngestError(
                f"{len(records)} click(s) from {self.stream} could not be ingested"
            ) from exc
        pipe = self._reader.pipeline(transaction=False)
        pipe.xack(self.stream, self.group, *ids)
        pipe.xdel(self.stream, *ids)
        pipe.execute()
        return len(entries)

    def _run(self) -> None:
        block_ms = max(1, int(min(self.flush_seconds, BLOCK_SECONDS) * 1000))
        last_claim = 0.0
        while not self._stop.is_set():
            try:
                handled = self.consume(block_ms)
                if time.monotonic() - last_claim >= self.claim_ms / 2000:
                    last_claim = time.monotonic()
                    handled += self.claim_stale()
                if 0 < handled < BATCH:
                    # Like the file flusher: one transaction per interval, not one per trickle
                    # of clicks (small batches would cost the web workers' CPU); a full batch
                    # means a backlog, read on at once.
                    self._stop.wait(self.flush_seconds)
                elif handled == 0 and block_ms < 5:
                    self._stop.wait(0.005)  # a very short block: do not spin on an empty stream
                continue
            except ClickIngestError:
                pass  # logged with its cause; the entries stay pending
            except redis.RedisError as exc:
                self._group_ready = False
                logger.warning("Click consumer cannot read Redis stream %s (%s); retrying", self.stream, exc)
            except Exception:
                logger.exception("Click consumer failed; the entries stay pending and are retried")
            self._stop.wait(min(max(self.flush_seconds, 0.5), BLOCK_SECONDS))

    # -- operations ------------------------------------------------------------------------------
    def flush_all(self) -> int:
        """Ingest this machine's file log, everything waiting in the stream, and stale pending entries."""
        count = self.fallback.flush_all()
        join_recovery(self._recovery)
        try:
            while handled := self.consume():
                count += handled
            count += self.claim_stale()
        except redis.RedisError as exc:
            self._group_ready = False
            logger.error("Cannot read clicks from Redis stream %s: %s", self.stream, exc)
            raise ClickIngestError(f"Redis stream {self.stream} cannot be read: {exc}") from exc
        return count

    def recover_at_start(self) -> None:
        """As the app starts: the file log's orphans, and whatever waits in the stream, in the background."""
        self.fallback.recover_at_start()
        try:
            waiting = self._writer.xlen(self.stream)
        except redis.RedisError as exc:
            logger.warning("Redis is unreachable for clicks at start-up (%s)", exc)
            return
        if waiting:
            self._recovery = threading.Thread(
                target=self._recover, name="hub-click-recovery-redis", daemon=True
            )
            self._recovery.start()

    def _recover(self) -> None:
        try:
            while self.consume():
                pass
            self.claim_stale()
        except ClickIngestError:
            pass  # logged; the consumer threads retry
        except Exception:
            logger.exception(
                "Could not ingest the clicks waiting in Redis stream %s at start-up", self.stream
            )

    def stop(self) -> None:
        """Stop the consumer thread without flushing (what a crash leaves: entries may stay pending)."""
        self._stop.set()
        for thread in (self._thread, self._recovery):
            if thread is not None and thread.is_alive():
                thread.join(READ_TIMEOUT + 5)
        self.fallback.stop()

    def close(self) -> None:
        """Stop consuming, and flush what this process can (used at shutdown and in tests)."""
        self.stop()
        self.fallback.close()  # stopped above; flushes this process's own file
        if self._pid == os.getpid():
            self.flush_all()
        self._writer.close()
        self._reader.close()


def _entries(response: Any) -> list[Entry]:
    """The entries of an XREADGROUP reply on one stream (a list with RESP2, a dict with RESP3)."""
    if not response:
        return []
    if isinstance(response, dict):
        (batches,) = response.values()
        return list(batches[0]) if batches and isinstance(batches[0], list) else list(batches)
    return list(response[0][1])
