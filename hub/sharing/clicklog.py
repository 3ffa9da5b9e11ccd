"""A durable, cheap write path for clicks.

Following a tracked link must be fast (it sits between a reader and the post) and must never
lose a click, even when a worker is killed with SIGKILL, yet SQLite allows one writer at a time.
So the redirect does not write to the database. Instead:

1. Each worker process appends one line per click to its own log file with a single
   ``os.write`` on an ``O_APPEND`` descriptor *before* the 302 is sent. Once that call returns,
   the bytes are in the kernel's page cache: killing the process cannot lose them.
2. A flusher thread in each worker rotates its log every ``CLICK_FLUSH_SECONDS`` and inserts the
   closed file's clicks into the database in one transaction, then deletes the file.
3. Each click carries a random ``uid`` that is unique in the ``click`` table and inserted with
   ``ON CONFLICT DO NOTHING``, so ingesting a file twice (a crash between commit and delete)
   never counts a click twice.
4. Files of dead workers (their ``flock`` is released by the kernel when the process dies) are
   picked up by any live worker, and at start-up (``recover_at_start``); ``flush_all()`` does
   it on demand.

A file is locked *before* its name matches ``*.log``: it is created as ``*.new``, locked, then
renamed, so an orphan scan can never take a live worker's brand-new file. The scan takes a file
only when it gets its lock and the path still names the inode it locked; it reads through the
locked descriptor. A writer reads its own file back through its descriptor too, so even a file
unlinked behind its back loses nothing. A file whose ingestion fails is kept, and the error is
logged on the ``hub.clicks`` logger.

Clicks therefore reach the database within about a second. The log lives in
``instance/clicklog/``: on several machines each machine flushes its own.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from hub.db import copy_rows, serialize
from hub.sharing.models import Click, ShareLink

logger = logging.getLogger("hub.clicks")
STALE_NEW_FILE_SECONDS = 60.0  # a ``*.new`` file this old and unlocked belongs to a process that died


class ClickIngestError(RuntimeError):
    """Some clicks could not be moved into the database; they were kept and the cause logged."""


class ClickSink(Protocol):
    """Where the redirect puts a click before answering: the file log, or a Redis stream."""

    def append(self, record: ClickRecord) -> None: ...

    def ensure_started(self) -> None: ...

    def recover_at_start(self) -> None: ...

    def flush_all(self) -> int: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ClickRecord:
    uid: str
    link_id: int
    post_id: int | None  # None: a library item's link (written as 0)
    user_id: int
    platform: str
    at: float  # unix time
    is_bot: bool
    visitor: str

    def line(self) -> bytes:
        return (
            f"{self.uid}\t{self.link_id}\t{self.post_id or 0}\t{self.user_id}\t{self.platform}\t{self.at:.6f}\t"
            f"{int(self.is_bot)}\t{self.visitor}\n"
        ).encode()

    @classmethod
    def parse(cls, line: bytes) -> ClickRecord | None:
        parts = line.decode("utf-8", "replace").rstrip("\n").split("\t")
        if len(parts) != 8:
            return None  # a torn or foreign line: never crash ingestion on it
        try:
            return cls(parts[0], int(parts[1]), int(parts[2]) or None, int(parts[3]), parts[4], float(parts[5]),
                       parts[6] == "1", parts[7])
        except ValueError:
            return None


class ClickLog:
    """One process's click log; see the module docstring."""

    def __init__(self, directory: Path, engine: Engine, flush_seconds: float = 1.0) -> None:
        self.directory = directory
        self.engine = engine
        self.memory: dict[str, Any] = {}  # what clicks_ingesting's receivers keep between flushes
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        # One flush at a time in this process: a flush_all() returns only once every click logged
        # before it is stored, even when the flusher thread had just taken them (its file rotated,
        # their transaction not yet committed).
        self._flushing = threading.RLock()
        self._pid = 0
        self._fd = -1
        self._path: Path | None = None
        self._seq = 0
        self._thread: threading.Thread | None = None
        self._recovery: threading.Thread | None = None
        self._stop = threading.Event()
        directory.mkdir(parents=True, exist_ok=True)

    # -- writing ---------------------------------------------------------------------------------
    def append(self, record: ClickRecord) -> None:
        """Make ``record`` durable against process death (one write to the page cache)."""
        data = record.line()
        with self._lock:
            if self._pid != os.getpid():
                self._start_in_this_process()
            os.write(self._fd, data)

    def ensure_started(self) -> None:
        """Start this process's log file and flusher thread if they are not running yet."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._start_in_this_process()

    def _open_new_file(self) -> None:
        """Create a file, lock it, and only then give it the ``*.log`` name the orphan scan looks for."""
        for _attempt in range(5):
            self._seq += 1
            stem = f"{os.getpid()}-{time.time_ns()}-{self._seq}"
            temp, path = self.directory / f"{stem}.new", self.directory / f"{stem}.log"
            fd = os.open(temp, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # held while this process lives: marks the file as active
                os.rename(temp, path)
                if _same_file(fd, path):
                    self._fd, self._path = fd, path
                    return
            except OSError:
                logger.warning("Click log %s vanished while it was being created; creating another", temp)
            os.close(fd)
        raise ClickIngestError(f"could not create a click log file in {self.directory}")

    def _start_in_this_process(self) -> None:
        # After a fork (gunicorn workers) the parent's descriptor and thread are not ours; closing
        # our copy of the descriptor leaves the parent's lock alone.
        if self._fd >= 0:
            os.close(self._fd)
            self._fd, self._path = -1, None
        self._pid = os.getpid()
        self._open_new_file()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hub-click-flusher", daemon=True)
        self._thread.start()
        atexit.register(self._flush_at_exit)

    def _flush_at_exit(self) -> None:
        # A clean exit (gunicorn's SIGTERM) flushes now; after SIGKILL the file waits for a live
        # process to pick it up as an orphan.
        if self._pid == os.getpid():
            try:
                self.flush_own()
            except ClickIngestError:
                pass  # logged already; the file is kept for the next process
            except Exception:
                logger.exception("Could not flush the click log at exit; the file is kept")

    # -- flushing --------------------------------------------------------------------------------
    def _rotate(self) -> tuple[int, Path] | None:
        with self._lock:
            if self._pid != os.getpid() or self._path is None:
                return None
            if os.fstat(self._fd).st_size == 0:
                if not _same_file(self._fd, self._path):  # removed behind our back: make a visible one
                    old_fd = self._fd
                    self._open_new_file()
                    os.close(old_fd)
                return None
            old = (self._fd, self._path)
            self._open_new_file()
            return old

    def flush_own(self) -> int:
        """Move this process's logged clicks into the database; returns how many lines were read."""
        with self._flushing:
            return self._flush_own()

    def _flush_own(self) -> int:
        rotated = self._rotate()
        if rotated is None:
            return 0
        fd, path = rotated
        try:
            data = _read_all(fd)  # through the descriptor: right even if the name was taken away
            if not _same_file(fd, path):
                # Someone removed or replaced the file: keep its clicks in our current, visible file.
                logger.error("Click log %s was removed behind its writer; its clicks are carried over", path)
                with self._lock:
                    if self._pid == os.getpid() and self._fd >= 0:
                        os.write(self._fd, data)
                return 0
            try:
                count = self._ingest(data)
            except Exception as exc:
                logger.exception("Could not ingest click log %s; it is kept and retried", path)
                raise ClickIngestError(f"click log {path} could not be ingested and was kept") from exc
            path.unlink(missing_ok=True)
            return count
        finally:
            os.close(fd)  # releases the lock; if ingest failed, the file is picked up as an orphan

    def flush_orphans(self) -> int:
        """Ingest the files of processes that are gone (their lock is free)."""
        with self._flushing:
            return self._flush_orphans()

    def _flush_orphans(self) -> int:
        total, failed = 0, 0
        self._publish_stale_new_files()
        for path in sorted(self.directory.glob("*.log")):
            if path == self._path:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer (or another flusher) holds it
                if not _same_file(fd, path):
                    continue  # ingested and removed by another flusher between our open and lock
                try:
                    total += self._ingest(_read_all(fd))
                except Exception:
                    logger.exception("Could not ingest stopped worker's click log %s; kept, retried", path)
                    failed += 1
                    continue
                path.unlink(missing_ok=True)
            finally:
                os.close(fd)
        if failed:
            raise ClickIngestError(f"{failed} click log file(s) could not be ingested and were kept")
        return total

    def _publish_stale_new_files(self) -> None:
        """A process killed between creating and renaming its file leaves a ``*.new``: rename a
        stale one (unlocked, old) so its clicks, if any, are ingested like any other log."""
        now = time.time()
        for temp in self.directory.glob("*.new"):
            try:
                if now - temp.stat().st_mtime < STALE_NEW_FILE_SECONDS:
                    continue
                fd = os.open(temp, os.O_RDONLY | os.O_CLOEXEC)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(fd, temp):
                    os.rename(temp, temp.with_suffix(".log"))
            except OSError:
                pass  # locked by its (live) writer, or gone: nothing to do
            finally:
                os.close(fd)

    def flush_all(self) -> int:
        """Flush this process's clicks and every orphaned file."""
        join_recovery(self._recovery)  # its files would be skipped: flush-clicks incomplete
        with self._flushing:
            return self.flush_own() + self.flush_orphans()

    def recover_at_start(self) -> None:
        """Ingest the logs of workers that are gone, in the background, as the app starts: after
        a full restart they would otherwise wait for the first request."""
        if not any(self.directory.glob("*.log")) and not any(self.directory.glob("*.new")):
            return
        self._recovery = threading.Thread(target=self._recover, name="hub-click-recovery", daemon=True)
        self._recovery.start()

    def _recover(self) -> None:
        try:
            self.flush_orphans()
        except ClickIngestError:
            pass  # each file's error is logged; the flusher retries them
        except Exception:
            logger.exception("Could not ingest the click logs left by stopped workers; they are kept")

    def _ingest(self, data: bytes) -> int:
        lines = data.splitlines(keepends=True)
        records = [r for r in (ClickRecord.parse(line) for line in lines) if r]
        if len(records) != len(lines):
            logger.warning("Skipped %d unreadable line(s) in a click log", len(lines) - len(records))
        store_clicks(self.engine, records, memory=self.memory)
        return len(records)

    def _run(self) -> None:
        last_orphan_scan = 0.0
        while not self._stop.wait(self.flush_seconds):
            try:
                self.flush_own()
                if time.monotonic() - last_orphan_scan > 10 * self.flush_seconds:
                    last_orphan_scan = time.monotonic()
                    self.flush_orphans()
            except ClickIngestError:
                pass  # logged with its cause; the files wait for the next round
            except Exception:
                logger.exception("Click flush failed; the click logs are kept and retried")

    def stop(self) -> None:
        """Stop the flusher thread without flushing (what a crash leaves behind)."""
        self._stop.set()
        atexit.unregister(self._flush_at_exit)
        for thread in (self._thread, self._recovery):
            if thread is not None and thread.is_alive():
                thread.join(5)

    def close(self) -> None:
        """Stop the flusher, flush what is left and release this process's file (used at shutdown
        and in tests). A later click starts a new file and flusher."""
        self.stop()
        if self._pid != os.getpid():
            return
        self.flush_all()
        with self._lock:
            if self._fd >= 0:
                empty = os.fstat(self._fd).st_size == 0
                if empty and self._path is not None and _same_file(self._fd, self._path):
                    self._path.unlink(missing_ok=True)
                os.close(self._fd)  # also releases the lock: a non-empty file is picked up as an orphan
            self._fd, self._path, self._pid = -1, None, 0


def join_recovery(thread: threading.Thread | None) -> None:
    """Wait for a start-up recovery pass (it holds the locks of the files it is ingesting)."""
    if thread is not None and thread is not threading.current_thread():
        thread.join()


def _same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _read_all(fd: int) -> bytes:
    chunks, offset = [], 0
    while chunk := os.pread(fd, 1 << 20, offset):
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def store_clicks(engine: Engine, records: list[ClickRecord], memory: dict[str, Any] | None = None) -> int:
    """``insert_clicks``, except that clicks of links deleted since they were followed (a deleted
    post takes its links and their clicks with it) are dropped, with a warning, rather than
    holding back every other click of their batch forever. Returns how many were stored."""
    try:
        insert_clicks(engine, records, memory=memory)
        return len(records)
    except sa.exc.IntegrityError:
        links = {r.link_id for r in records}
        with engine.connect() as conn:
            alive = {tuple(row) for row in conn.execute(
                sa.select(ShareLink.id, ShareLink.post_id, ShareLink.user_id).where(ShareLink.id.in_(links)))}
        kept = [r for r in records if (r.link_id, r.post_id, r.user_id) in alive]
        if len(kept) == len(records):
            raise  # not a deleted link: a real error, for the caller to log and retry
    logger.warning("Dropped %d click(s) of share links deleted since they were followed",
                   len(records) - len(kept))
    insert_clicks(engine, kept, memory=memory)
    return len(kept)


_signals = Namespace()
clicks_ingesting = _signals.signal("hub.sharing.clicks-ingesting")
"""Sent as ``clicks_ingesting.send(conn, rows=[...], memory={...})`` in the transaction that
inserts clicks, before the insert, holding ``INGEST_LOCK``: ``rows`` are shaped like ``click``
rows and are only the clicks new to the table (uids already stored, and repeats within the
batch, are left out). hub.insights rolls them up (connected in hub/events.py). A receiver may
return a callable, called once the transaction has committed; ``memory`` is a dict the caller
keeps between flushes (one per process) for what receivers learn."""

# The lock every click ingestion takes (hub.insights' rollup rebuild too): a PostgreSQL advisory
# lock key, an arbitrary constant ("hub_roll"); on SQLite the write lock (hub.db.serialize).
INGEST_LOCK = 0x6875625F726F6C6C


def insert_clicks(engine: Engine, records: Iterable[ClickRecord], chunk: int = 500,
                  memory: dict[str, Any] | None = None) -> None:
    """Insert clicks, skipping any ``uid`` already stored, in one transaction with what
    ``clicks_ingesting``'s receivers add (the rollups). ``memory`` (one per process) lets them
    remember between flushes (the visitors already counted).

    Ingestions run one after the other (``INGEST_LOCK``), so the uids found new by one indexed
    look-up stay new until the insert: the rows then go straight in as one bulk statement, below
    the ORM: on SQLite one ``executemany`` of a prepared ``INSERT`` (still ``ON CONFLICT (uid) DO
    NOTHING``); on PostgreSQL one ``COPY`` into ``click``. ``chunk`` bounds the other dialects'
    statements (the ORM path)."""
    rows = [
        {"uid": r.uid, "link_id": r.link_id, "post_id": r.post_id, "user_id": r.user_id,
         "platform": r.platform, "at": datetime.fromtimestamp(r.at, UTC), "is_bot": r.is_bot,
         "visitor": r.visitor or None}
        for r in records
    ]
    if not rows:
        return
    after_commit: list[Callable[[], object]] = []
    with engine.begin() as conn:
        serialize(conn, INGEST_LOCK)
        rows = of_their_links(conn, new_clicks(conn, rows, chunk))
        if not rows:
            return  # all stored already (a file ingested twice), or none of a live link
        for _receiver, then in clicks_ingesting.send(conn, rows=rows, memory={} if memory is None else memory):
            if callable(then):
                after_commit.append(then)
        if conn.dialect.name == "sqlite":
            _insert_sqlite(conn, rows)
        elif conn.dialect.name == "postgresql":
            copy_rows(conn, "click", _CLICK_COLUMNS, (
                (r["uid"], r["link_id"], r["post_id"], r["user_id"], r["platform"], r["at"], r["is_bot"], r["visitor"])
                for r in rows))
        else:  # pragma: no cover - hub runs on SQLite and PostgreSQL
            for i in range(0, len(rows), chunk):
                conn.execute(sqlite_insert(Click).on_conflict_do_nothing(index_elements=["uid"]), rows[i : i + chunk])
    for then in after_commit:
        then()  # only now: what it stands for is committed


def new_clicks(conn: sa.Connection, rows: list[dict[str, Any]], chunk: int = 500) -> list[dict[str, Any]]:
    """``rows`` without the clicks whose ``uid`` is already stored, nor a repeat of a uid within
    ``rows`` (the first is kept): one indexed look-up of all the uids (``uid = ANY(array)`` on
    PostgreSQL, ``json_each`` on SQLite). Right until the transaction ends only under ``INGEST_LOCK``."""
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        first.setdefault(row["uid"], row)
    uids = list(first)
    if conn.dialect.name == "postgresql":
        # %b: the array goes in binary, without quoting each of its 20,000 strings (a third of the cost)
        stored = set(conn.exec_driver_sql("SELECT uid FROM click WHERE uid = ANY(%b)", (uids,)).scalars())
    elif conn.dialect.name == "sqlite":
        stored = set(conn.exec_driver_sql(
            "SELECT uid FROM click WHERE uid IN (SELECT value FROM json_each(?))", (json.dumps(uids),)).scalars())
    else:  # pragma: no cover - hub runs on SQLite and PostgreSQL
        stored = set()
        for i in range(0, len(uids), chunk):
            stored.update(conn.scalars(sa.select(Click.uid).where(Click.uid.in_(uids[i : i + chunk]))))
    return [row for uid, row in first.items() if uid not in stored]


def of_their_links(conn: sa.Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` whose link still exists and still belongs to the post (or item) and person the
    click was logged with: one indexed look-up of the batch's links. ``click`` has no foreign key
    on post or person (the link's holds them), so a click of a link deleted since it was followed
    whose id SQLite then gave to a new link must not be counted for that new link's post."""
    if not rows:
        return rows
    ids = sorted({row["link_id"] for row in rows})
    if conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql("SELECT id, post_id, user_id FROM share_link WHERE id = ANY(%b)", (ids,))
    elif conn.dialect.name == "sqlite":
        found = conn.exec_driver_sql("SELECT id, post_id, user_id FROM share_link WHERE id IN "
                                     "(SELECT value FROM json_each(?))", (json.dumps(ids),))
    else:  # pragma: no cover - hub runs on SQLite and PostgreSQL
        found = conn.execute(sa.select(ShareLink.id, ShareLink.post_id, ShareLink.user_id).where(ShareLink.id.in_(ids)))
    owners = {link_id: (post_id, user_id) for link_id, post_id, user_id in found}
    kept = [row for row in rows if owners.get(row["link_id"]) == (row["post_id"], row["user_id"])]
    if len(kept) < len(rows):
        logger.warning("Dropped %d click(s) of share links deleted since they were followed", len(rows) - len(kept))
    return kept


_CLICK_COLUMNS = ("uid", "link_id", "post_id", "user_id", "platform", "at", "is_bot", "visitor")


def sqlite_datetime(at: datetime) -> str:
    """``at`` (aware) as hub's UTCDateTime stores it on SQLite: naive UTC, with microseconds."""
    at = at.astimezone(UTC) if at.tzinfo is not UTC else at
    return at.replace(tzinfo=None).isoformat(" ", "microseconds")


def _insert_sqlite(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    conn.exec_driver_sql(
        f"INSERT INTO click ({', '.join(_CLICK_COLUMNS)}) VALUES ({', '.join('?' * len(_CLICK_COLUMNS))}) "
        "ON CONFLICT (uid) DO NOTHING",
        [(r["uid"], r["link_id"], r["post_id"], r["user_id"], r["platform"], sqlite_datetime(r["at"]),
          1 if r["is_bot"] else 0, r["visitor"]) for r in rows],
    )
