"""After a full restart, the clicks of dead workers reach the database without any request."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from hub import create_app
from hub.db import get_engine
from hub.sharing.models import Click

pytestmark = pytest.mark.slow

KILLED_WORKER = """
import os, signal, sys, time
from pathlib import Path
from hub.db import make_engine
from hub.migrate import import_models
from hub.sharing.clicklog import ClickLog, ClickRecord
import_models()
directory, url, link, post, user = sys.argv[1:]
log = ClickLog(Path(directory), make_engine(url), 3600)
for i in range(25):
    log.append(ClickRecord(f"dead{i:04d}", int(link), int(post), int(user), "x", time.time(), False, f"v{i}"))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _restart(app):  # type: ignore[no-untyped-def]
    """The same machine started again: same instance folder (from the environment) and database."""
    keys = ("TESTING", "DATABASE_URL", "SECRET_KEY", "BASE_URL", "PUBLISH_DUE_ON_REQUEST",
            "PASSWORD_HASH_METHOD")
    return create_app({k: app.config[k] for k in keys})


def _killed_worker(app, sharer, link) -> Path:  # type: ignore[no-untyped-def]
    """A worker that logged 25 clicks and was killed with SIGKILL before flushing them."""
    directory = Path(app.instance_path) / "clicklog"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    args = [str(directory), app.config["DATABASE_URL"], str(link.id), str(link.post_id), str(sharer.id)]
    killed = subprocess.run([sys.executable, "-c", KILLED_WORKER, *args], env=env, capture_output=True,
                            timeout=60)
    assert killed.returncode == -9 and len(list(directory.glob("*.log"))) == 1
    return directory


def _dead_clicks(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(sa.select(sa.func.count()).select_from(Click).where(Click.uid.like("dead%")))


def test_a_restarted_app_ingests_dead_workers_logs_before_any_request(app, session, shared):
    _post, sharer, links = shared
    directory = _killed_worker(app, sharer, links["x"])

    restarted = _restart(app)  # a full restart: no request is ever sent to it
    try:
        deadline = time.monotonic() + 30
        while _dead_clicks(session) < 25 and time.monotonic() < deadline:
            threading.Event().wait(0.05)  # poll until the start-up recovery has committed
        assert _dead_clicks(session) == 25
        assert not list(directory.glob("*.log"))
    finally:
        restarted.extensions["hub.clicklog"].close()
        get_engine(restarted).dispose()


def test_flush_clicks_right_after_start_is_complete_while_the_recovery_runs(app, session, shared):
    """`hub flush-clicks` starts an app, whose start-up recovery may hold a dead worker's file:
    the flush waits for it instead of skipping that file and reporting done."""
    _post, sharer, links = shared
    directory = _killed_worker(app, sharer, links["x"])

    restarted = _restart(app)
    try:
        restarted.extensions["hub.clicklog"].flush_all()
        assert _dead_clicks(session) == 25  # at once: no waiting
        assert not list(directory.glob("*.log"))
    finally:
        restarted.extensions["hub.clicklog"].close()
        get_engine(restarted).dispose()
