"""The click log under races: brand-new files, orphan scans and rotations every few milliseconds."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub.db import make_engine
from hub.sharing.clicklog import ClickIngestError, ClickLog, ClickRecord
from hub.sharing.models import Click

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("click_race_worker.py")


def _count(session, prefix: str) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(Click).where(Click.uid.like(f"{prefix}%")))


def test_processes_writing_and_scanning_every_few_ms_lose_no_answered_click(app, session, shared):
    """Issue 14.4: an orphan scan must never take a live worker's brand-new file. Four processes
    each write from three threads, rotate every 2 ms and scan for orphans without pause."""
    _post, sharer, links = shared
    link = links["x"]
    directory = Path(app.instance_path) / "clicklog"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    procs = {
        f"p{n}": subprocess.Popen(  # stdout: "<clicks answered> <rotations>"
            [
                sys.executable,
                str(WORKER),
                str(directory),
                app.config["DATABASE_URL"],
                str(link.id),
                str(link.post_id),
                str(sharer.id),
                f"p{n}",
                "2",
                "40",
                "0.002",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    }
    answered: dict[str, int] = {}
    errors = ""
    for tag, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        answered[tag] = int(out.split()[0])
        errors += err
    app.extensions["hub.clicklog"].flush_all()  # whatever a worker could not ingest was kept

    assert all(n > 0 for n in answered.values())
    assert {tag: _count(session, tag) for tag in procs} == answered
    assert "removed behind its writer" not in errors  # no scan ever took a live file
    assert not list(directory.glob("*.log")) and not list(directory.glob("*.new"))


def test_a_scan_never_takes_a_file_whose_lock_is_held_by_a_live_writer(app, session, shared):
    _post, sharer, links = shared
    directory = Path(app.instance_path) / "race"
    writer = ClickLog(directory, app.extensions["hub.clicklog"].engine, 3600)
    scanner = ClickLog(directory, app.extensions["hub.clicklog"].engine, 3600)
    writer.append(
        ClickRecord("live-1", links["x"].id, links["x"].post_id, sharer.id, "x", time.time(), False, "v")
    )
    (live,) = directory.glob("*.log")  # created locked, then renamed: never visible unlocked

    assert scanner.flush_orphans() == 0
    assert live.exists() and _count(session, "live-") == 0
    assert writer.flush_all() == 1 and _count(session, "live-") == 1
    writer.stop()


def test_a_file_that_cannot_be_ingested_is_kept_and_the_error_logged(app, session, shared, caplog, tmp_path):
    _post, sharer, links = shared
    directory = Path(app.instance_path) / "broken"
    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}")  # a database that cannot take clicks
    log = ClickLog(directory, broken, 3600)
    log.append(
        ClickRecord("kept-1", links["x"].id, links["x"].post_id, sharer.id, "x", time.time(), False, "k")
    )

    with caplog.at_level(logging.ERROR, logger="hub.clicks"), pytest.raises(ClickIngestError):
        log.flush_own()

    assert "Could not ingest click log" in caplog.text
    assert len(list(directory.glob("*.log"))) == 2  # the failed file is kept, beside the new one
    log.stop()

    caplog.clear()
    other = ClickLog(directory, broken, 3600)  # as if the writer had died
    with caplog.at_level(logging.ERROR, logger="hub.clicks"), pytest.raises(ClickIngestError):
        other.flush_orphans()
    assert "click log" in caplog.text and "kept" in caplog.text
    assert len(list(directory.glob("*.log"))) == 2

    healthy = ClickLog(directory, app.extensions["hub.clicklog"].engine, 3600)  # the database is back
    assert healthy.flush_orphans() == 1 and _count(session, "kept-") == 1
    broken.dispose()


def test_clicks_of_a_deleted_link_are_dropped_aloud_and_do_not_hold_back_the_others(
    app, session, shared, caplog
):
    _post, sharer, links = shared
    directory = Path(app.instance_path) / "deleted"
    log = ClickLog(directory, app.extensions["hub.clicklog"].engine, 3600)
    gone = ClickRecord("gone-1", 999_999, links["x"].post_id, sharer.id, "x", time.time(), False, "v")
    log.append(gone)  # a link deleted (with its post) after the click was logged
    log.append(
        ClickRecord("kept-1", links["x"].id, links["x"].post_id, sharer.id, "x", time.time(), False, "k")
    )

    with caplog.at_level(logging.WARNING, logger="hub.clicks"):
        assert log.flush_own() == 2

    assert "Dropped 1 click(s)" in caplog.text
    assert _count(session, "kept-") == 1 and _count(session, "gone-") == 0
    assert len(list(directory.glob("*.log"))) == 1  # only the live one
    log.stop()


def test_a_click_logged_for_another_post_than_its_links_is_dropped(app, session, shared, caplog):
    """``click`` keeps no foreign key on post or person (the link's holds them): a click logged
    before its link was deleted, whose id SQLite then gave to a new link of another post, must not
    count for that post. Ingestion checks each click's link still belongs to its post and person."""
    _post, sharer, links = shared
    link = links["x"]
    directory = Path(app.instance_path) / "reused"
    log = ClickLog(directory, app.extensions["hub.clicklog"].engine, 3600)
    log.append(ClickRecord("reused-1", link.id, link.post_id + 1000, sharer.id, "x", time.time(), False, "r"))
    log.append(ClickRecord("reused-2", link.id, link.post_id, sharer.id + 1000, "x", time.time(), False, "r"))
    log.append(ClickRecord("kept-2", link.id, link.post_id, sharer.id, "x", time.time(), False, "k"))

    with caplog.at_level(logging.WARNING, logger="hub.clicks"):
        log.flush_own()

    assert "Dropped 2 click(s)" in caplog.text
    assert _count(session, "kept-") == 1 and _count(session, "reused-") == 0
    log.stop()


def test_flush_all_waits_for_the_flush_its_thread_has_under_way(app, session, shared, monkeypatch):
    """The flusher thread may have just taken the logged clicks (file rotated, transaction not yet
    committed) when someone calls flush_all (`hub flush-clicks`, close at shutdown, a test): it
    must return only once those clicks are stored, not find an empty file and return at once."""
    import threading

    import hub.sharing.clicklog as clicklog

    _post, sharer, links = shared
    link = links["x"]
    log = ClickLog(Path(app.instance_path) / "inflight", app.extensions["hub.clicklog"].engine, 3600)
    log.append(ClickRecord("inflight-1", link.id, link.post_id, sharer.id, "x", time.time(), False, "v"))
    taken, release = threading.Event(), threading.Event()
    store = clicklog.store_clicks

    def held(engine, records, memory=None):  # type: ignore[no-untyped-def]
        taken.set()
        release.wait(10)
        return store(engine, records, memory=memory)

    monkeypatch.setattr(clicklog, "store_clicks", held)
    background = threading.Thread(target=log.flush_own)  # as the flusher thread does every second
    background.start()
    assert taken.wait(10)
    monkeypatch.setattr(clicklog, "store_clicks", store)
    returned = threading.Event()
    caller = threading.Thread(target=lambda: (log.flush_all(), returned.set()))
    caller.start()
    assert not returned.wait(0.5), "flush_all returned while the clicks it should store were still in flight"
    release.set()
    background.join(10)
    caller.join(10)
    assert returned.is_set() and _count(session, "inflight-") == 1
    log.stop()
