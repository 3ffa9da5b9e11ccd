"""Benchmark: hub's tracked redirect `/s/<code>` against a bare Flask 302, on SQLite or PostgreSQL.

Run with `make bench-share` (or `.venv/bin/python bench/share_redirect.py`). It

1. builds a throw-away instance (SQLite, migrated) with one published post and its share links;
2. serves hub and a bare Flask app that only answers 302 with gunicorn, with the same settings;
3. loads each with the same generator (wrk from Debian's packages when installed, else a Python
   keep-alive load generator) at 32 connections, in alternating rounds (noise on a shared
   machine then hits both alike), and prints requests/s, p50/p99 latency per round, their
   medians, and the median ratio hub/bare;
4. loads hub again and kills one worker with SIGKILL in the middle, then restarts nothing by
   hand: gunicorn replaces the worker; after the load it stops gunicorn, ingests the click logs
   (`hub flush-clicks`) and prints clicks recorded versus redirects answered (every answered
   redirect must be in the database: recorded >= answered, and recorded <= sent).

`--database postgresql` runs hub on the scratch database `hub_bench_redirect` of `--pg-url` (default
$HUB_BENCH_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres), created and dropped here.

`--sink redis` runs hub with the Redis Streams click sink (`--redis-url`, default
redis://127.0.0.1:6379/0) on a stream of its own, deleted at the end.

Figures are ratios measured in the same run on the same machine; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("HEAD", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start")


def gunicorn(app: str, port: int, env: dict[str, str], workers: int, threads: int) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
           "--worker-class", "gthread", "--log-level", "warning", "--graceful-timeout", "10", app]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


# --- load generators ---------------------------------------------------------------------------

def run_wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non3xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad = int(non3xx.group(1)) if non3xx else 0
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50%"), "p99": ms("99%"),
            "answered": total - bad, "errors": sum(int(g) for g in errors.groups()) if errors else 0}


def run_python_load(host: str, port: int, path: str, seconds: int, connections: int) -> dict[str, float]:
    latencies: list[float] = []
    answered = [0]
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        local: list[float] = []
        ok = bad = 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"User-Agent": "Mozilla/5.0 bench"})
                resp = conn.getresponse()
                resp.read()
                if resp.status == 302:
                    ok += 1
                    local.append(time.perf_counter() - t0)
                else:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
        with lock:
            latencies.extend(local)
            answered[0] += ok
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {"rps": answered[0] / elapsed, "p50": pct(0.50), "p99": pct(0.99), "answered": answered[0], "errors": errors[0]}


def load(port: int, path: str, seconds: int, connections: int, tool: str) -> dict[str, float]:
    if tool == "wrk":
        return run_wrk(f"http://127.0.0.1:{port}{path}", seconds, connections)
    return run_python_load("127.0.0.1", port, path, seconds, connections)


# --- set-up ------------------------------------------------------------------------------------

def prepare(instance: Path, sink: dict[str, str]) -> tuple[dict[str, str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update({"HUB_INSTANCE_PATH": str(instance), "HUB_SECRET_KEY": "bench", "HUB_BASE_URL": "http://127.0.0.1:1",
                "HUB_PUBLISH_DUE_ON_REQUEST": "false", **sink})
    subprocess.run([str(BIN / "hub"), "migrate"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    script = (
        "from hub import create_app\n"
        "from hub.db import get_session\n"
        "from hub.auth.models import Role\n"
        "from hub.auth.services import create_user\n"
        "from hub.posts import services as posts\n"
        "from hub.sharing import services as sharing\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    db = get_session()\n"
        "    user = create_user(db, email='bench@example.com', password='bench password', display_name='Bench', role=Role.EMPLOYEE)\n"
        "    post = posts.create_draft(db, user, posts.PostInput('Benchmark post', '', 'Body'))\n"
        "    posts.publish_post(db, post, user)\n"
        "    links = sharing.links_for(db, post, user)\n"
        "    db.commit()\n"
        "    print(links['linkedin'].code)\n"
    )
    code = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return env, code


PG_DATABASE = "hub_bench_redirect"


def scratch_database(server: str, create: bool) -> str:
    """(Re)create or drop the scratch PostgreSQL database; returns its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
        if create:
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
    admin.dispose()
    return url.set(database=PG_DATABASE).render_as_string(hide_password=False)


def count_clicks(env: dict[str, str]) -> int:
    if env.get("HUB_CLICK_SINK") == "redis":
        time.sleep(float(env["HUB_CLICK_REDIS_CLAIM_SECONDS"]) + 0.5)  # a killed consumer's entries become claimable
    subprocess.run([str(BIN / "hub"), "flush-clicks"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    script = ("from hub import create_app\nfrom hub.db import get_session\nimport sqlalchemy as sa\n"
              "from hub.sharing.models import Click\napp = create_app()\nwith app.app_context():\n"
              "    print(get_session().scalar(sa.select(sa.func.count()).select_from(Click)))\n")
    return int(subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=6, help="length of each load")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of bare and hub")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--sink", choices=["file", "redis"], default="file", help="the click sink (CLICK_SINK)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="with --sink redis")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    sink = {"HUB_CLICK_SINK": args.sink}
    if args.database == "postgresql":
        sink["HUB_DATABASE_URL"] = scratch_database(args.pg_url, create=True)
    if args.sink == "redis":
        sink.update({"HUB_CLICK_REDIS_URL": args.redis_url, "HUB_CLICK_REDIS_STREAM": f"hub-bench:clicks:{uuid.uuid4().hex}",
                     "HUB_CLICK_REDIS_CLAIM_SECONDS": "1"})
    try:
        run(args, sink)
    finally:
        if args.database == "postgresql":
            scratch_database(args.pg_url, create=False)
        if args.sink == "redis":
            import redis

            redis.Redis.from_url(args.redis_url).delete(sink["HUB_CLICK_REDIS_STREAM"])


def run(args: argparse.Namespace, sink: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        instance = Path(tmp) / "instance"
        env, code = prepare(instance, sink)
        path = f"/s/{code}"
        hub_port, bare_port = free_port(), free_port()
        print(f"load: {args.tool}, {args.connections} connections, {args.rounds} rounds of {args.seconds} s; gunicorn gthread "
              f"{args.workers} workers x {args.threads} threads; {args.database}; instance {instance}; click sink: {args.sink}")

        # Both servers run side by side and are loaded in alternating rounds, so a burst of noise
        # from the machine (a neighbour, a throttled core) hits both alike; medians are reported.
        bare = gunicorn("bench.bare_redirect:app", bare_port, env, args.workers, args.threads)
        hub = gunicorn("hub:create_app()", hub_port, env, args.workers, args.threads)
        wait_for(bare_port, "/s/x")
        wait_for(hub_port, "/robots.txt")
        load(bare_port, "/s/warmup", 2, args.connections, args.tool)
        load(hub_port, path, 2, args.connections, args.tool)
        time.sleep(2)  # let the warm-up's clicks flush
        clicks_before = count_clicks(env)
        rounds: list[tuple[dict[str, float], dict[str, float]]] = []
        for r in range(args.rounds):
            order = [("bare", bare_port, "/s/" + code), ("hub", hub_port, path)]
            measured = {}
            for name, port, target in (order if r % 2 == 0 else order[::-1]):
                measured[name] = load(port, target, args.seconds, args.connections, args.tool)
                time.sleep(2)  # the hub's flusher finishes before the next round starts
            rounds.append((measured["bare"], measured["hub"]))
        stop(hub)
        stop(bare)
        clicks = count_clicks(env) - clicks_before
        answered = sum(h["answered"] for _, h in rounds)

        def median(values: list[float]) -> float:
            return statistics.median(values)

        print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
        print(f"{'round':8}{'bare req/s':>12}{'hub req/s':>11}{'ratio':>8}{'bare p99':>10}{'hub p99':>9}")
        for i, (b, h) in enumerate(rounds, 1):
            print(f"{i:<8}{b['rps']:>12.0f}{h['rps']:>11.0f}{h['rps'] / b['rps']:>8.2f}{b['p99']:>10.1f}{h['p99']:>9.1f}")
        print(f"{'':24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}   (medians of {args.rounds} rounds)")
        for label, side in (("bare Flask 302", 0), ("hub /s/<code>", 1)):
            print(f"{label:24}{median([r[side]['rps'] for r in rounds]):>10.0f}{median([r[side]['p50'] for r in rounds]):>10.2f}"
                  f"{median([r[side]['p99'] for r in rounds]):>10.2f}")
        ratios = [h["rps"] / b["rps"] for b, h in rounds]
        print(f"ratio hub/bare: {median(ratios):.2f}, rounds {min(ratios):.2f}-{max(ratios):.2f} (median of the rounds' ratios; "
              "target >= 0.90; p99 target < 50 ms)")
        print(f"clicks recorded {clicks} / redirects answered {answered:.0f}")

        # SIGKILL one worker in the middle of the load; gunicorn starts a new one.
        hub = gunicorn("hub:create_app()", hub_port, env, args.workers, args.threads)
        wait_for(hub_port, "/robots.txt")
        before = count_clicks(env)
        killed: list[int] = []

        def killer() -> None:
            time.sleep(args.seconds / 2)
            pids = worker_pids(hub.pid)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        threading.Thread(target=killer).start()
        result = load(hub_port, path, args.seconds, args.connections, args.tool)
        stop(hub)
        recorded = count_clicks(env) - before
        verdict = "OK: no answered click lost" if recorded >= result["answered"] else "LOST CLICKS"
        print(f"kill -9 of worker {killed[0] if killed else '?'} mid-load: redirects answered {result['answered']:.0f}, "
              f"clicks recorded {recorded}, failed requests {result['errors']:.0f} -> {verdict}")


if __name__ == "__main__":
    main()
