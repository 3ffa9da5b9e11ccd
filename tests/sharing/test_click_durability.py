"""Clicks under real load: gunicorn workers, parallel requests, and a worker killed with SIGKILL."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
AGENT = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """hub under gunicorn (2 gthread workers), on the test's own database and instance folder."""

    def __init__(self, app, instance: str | None = None, **settings: str) -> None:  # type: ignore[no-untyped-def]
        """``instance``: another machine's instance folder; ``settings``: more HUB_* variables."""
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update({
            "HUB_DATABASE_URL": app.config["DATABASE_URL"],
            "HUB_INSTANCE_PATH": instance or app.instance_path,
            "HUB_SECRET_KEY": app.config["SECRET_KEY"],
            "HUB_BASE_URL": "http://hub.test",
            "HUB_TRUSTED_HOSTS": "127.0.0.1",  # requests come by address, not by BASE_URL's name
            "HUB_PUBLISH_DUE_ON_REQUEST": "false",
            **{f"HUB_{k}": v for k, v in settings.items()},
        })
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "4",
             "--worker-class", "gthread", "--log-level", "warning", "hub:create_app()"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                conn.request("GET", "/robots.txt")
                response = conn.getresponse()
                response.read()
                if response.status == 200 and len(self.workers()) == 2:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            threading.Event().wait(0.05)  # poll until gunicorn answers, up to the deadline
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def kill(self) -> None:
        """The machine is gone: SIGKILL to the master and its workers at once, no clean-up."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.returncode is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _hammer(port: int, path: str, requests: int, threads: int, during=None):  # type: ignore[no-untyped-def]
    """Send ``requests`` GETs from ``threads`` keep-alive connections; returns (sent, answered 302)."""
    lock = threading.Lock()
    counts = {"sent": 0, "answered": 0, "next": 0}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                if counts["next"] >= requests:
                    break
                counts["next"] += 1
                n = counts["next"]
            if during is not None and n == requests // 2:
                during()
            try:
                with lock:
                    counts["sent"] += 1
                conn.request("GET", path, headers=AGENT)
                response = conn.getresponse()
                response.read()
                if response.status == 302:
                    with lock:
                        counts["answered"] += 1
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts["sent"], counts["answered"]


def test_parallel_requests_record_exactly_that_many_clicks(app, shared, clicks):
    _post, _sharer, links = shared
    server = Gunicorn(app)
    try:
        sent, answered = _hammer(server.port, f"/s/{links['x'].code}", 400, 16)
    finally:
        server.stop()
    assert sent == answered == 400
    assert len(clicks(link_id=links["x"].id)) == 400


def test_sigkill_of_a_worker_mid_load_loses_no_answered_click(app, shared, clicks):
    _post, _sharer, links = shared
    server = Gunicorn(app)
    killed: list[int] = []

    def kill_one() -> None:
        pid = server.workers()[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    try:
        sent, answered = _hammer(server.port, f"/s/{links['linkedin'].code}", 600, 16, during=kill_one)
    finally:
        server.stop()
    assert killed, "no worker was killed"
    recorded = len(clicks(link_id=links["linkedin"].id))  # ingests the dead worker's log as an orphan
    assert answered <= recorded <= sent
    assert answered > 300  # the load went on after the kill
