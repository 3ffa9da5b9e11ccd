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
from hub.db import import_models, make_engine
from hub.sharing.clicklog import ClickLog, ClickRecord
import_models()
directory, url, link, post, user = sys.argv[1:]
log = ClickLog(Path(directory), make_engine(url), 3600)
for i in range(25):
    log.append(ClickRecord(f"dead{i:04d}", int(link), int(post), int(user), "x", time.time(), False, f"v{i}"))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _restart(app):  # type: ignore[no-untyped-def]
    keys = (
        "TESTING",
        "DATABASE_URL",
        "SECRET_KEY",
        "BASE_URL",
        "PUBLISH_DUE_ON_REQUEST",
        "PASSWORD_HASH_METHOD",
    )
    return create_app({k: app.config[k] for k in keys})


def test_a_restarted_app_ingests_dead_workers_logs_before_any_request(app, session, shared):
    _post, sharer, links = shared
    link = links["x"]
    directory = Path(app.instance_path) / "clicklog"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLED_WORKER,
            str(directory),
            app.config["DATABASE_URL"],
            str(link.id),
            str(link.post_id),
            str(sharer.id),
        ],
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert killed.returncode == -9 and len(list(directory.glob("*.log"))) == 1

    restarted = _restart(app)  # a full restart: no request is ever sent to it
    try:
        deadline = time.monotonic() + 30
        count = 0
        while time.monotonic() < deadline:
            session.expire_all()
            count = session.scalar(
                sa.select(sa.func.count()).select_from(Click).where(Click.uid.like("dead%"))
            )
            if count == 25:
                break
            threading.Event().wait(0.05)  # poll until the start-up recovery has committed
        assert count == 25
        assert not list(directory.glob("*.log"))
    finally:
        restarted.extensions["hub.clicklog"].close()
        get_engine(restarted).dispose()
