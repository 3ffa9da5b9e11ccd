"""Benchmark: does a worker's memory creep? One gunicorn worker (gthread, `--threads` threads) on a
throw-away SQLite instance serves `--requests` requests (default 100,000) over loopback, and the
worker's resident memory (VmRSS) is printed every `--every` requests, with the growth per request
after the warm-up (the first checkpoint) by a least-squares line.

Run with `make bench-memory` (or `.venv/bin/python bench/memory_run.py`). The requests rotate over
what a public worker serves: the post page and home from the page cache, the same rendered by
Flask (a `Cookie` header keeps the page cache out), a search with one of 200 words (kept pages up
to the cache's byte bound), the feed, and a tracked redirect `/s/<code>` (a click appended to the
log, flushed every second). `--max-requests N` passes gunicorn's own option, to see the worker
replaced. Nothing is asserted; read the slope.
"""

from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.share_redirect import free_port, wait_for, worker_pids  # noqa: E402


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def prepare(env: dict[str, str]) -> tuple[str, str]:
    subprocess.run([sys.executable, "-c", "from hub import create_app\nfrom hub.migrate import upgrade\nupgrade(create_app())"],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
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
        "    user = create_user(db, email='mem@example.com', password='bench password', display_name='Mem', role=Role.EMPLOYEE)\n"
        "    body = '\\n\\n'.join(f'Paragraph {i} about kafka, rust, postgres and word{i}.' * 8 for i in range(12))\n"
        "    for i in range(40):\n"
        "        post = posts.create_draft(db, user, posts.PostInput(f'Memory post {i}', 'A summary', body, tags='memory, bench'))\n"
        "        posts.publish_post(db, post, user)\n"
        "    links = sharing.links_for(db, post, user)\n"
        "    db.commit()\n"
        "    print(f'/p/{post.id}-{post.slug}', links['linkedin'].code)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    path, code = out.stdout.split()
    return path, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads, and client connections")
    parser.add_argument("--max-requests", type=int, default=0, help="gunicorn --max-requests (0: off)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-memory-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update({"HUB_INSTANCE_PATH": str(Path(tmp) / "instance"), "HUB_SECRET_KEY": "bench",
                    "HUB_BASE_URL": "http://127.0.0.1:1", "HUB_PUBLISH_DUE_ON_REQUEST": "false"})
        post_path, code = prepare(env)
        port = free_port()
        cmd = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", str(args.threads),
               "--worker-class", "gthread", "--log-level", "warning"]
        if args.max_requests:
            cmd += ["--max-requests", str(args.max_requests), "--max-requests-jitter", str(args.max_requests // 10)]
        server = subprocess.Popen([*cmd, "hub:create_app()"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            wait_for(port, "/robots.txt")
            run(args, port, post_path, code, server.pid)
        finally:
            server.terminate()
            server.wait(30)


def run(args: argparse.Namespace, port: int, post_path: str, code: str, master: int) -> None:
    kinds = [(post_path, {}), ("/", {}), (post_path, {"Cookie": "bench=1"}), ("/", {"Cookie": "bench=1"}),
             ("/feed.xml", {}), ("/s/" + code, {"User-Agent": "Mozilla/5.0 bench"}), ("search", {})]
    sent = [0]
    lock = threading.Lock()
    failures = [0]
    checkpoint = threading.Condition(lock)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if sent[0] >= args.requests:
                    return
                n = sent[0]
                sent[0] += 1
                if sent[0] % args.every == 0:
                    checkpoint.notify_all()
            path, headers = kinds[n % len(kinds)]
            if path == "search":
                path = f"/?q=word{n % 200}"
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status not in (200, 302):
                    failures[0] += 1
            except (OSError, http.client.HTTPException):
                failures[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    threads = [threading.Thread(target=client) for _ in range(args.threads)]
    started = time.monotonic()
    for t in threads:
        t.start()
    points: list[tuple[int, int, int]] = []  # (requests, worker pid, RSS KiB)
    print(f"one gunicorn worker, gthread x{args.threads}; {args.requests:,} requests over loopback; "
          f"load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
    print(f"{'requests':>10}{'worker':>9}{'RSS MiB':>10}", flush=True)
    target = args.every
    while target <= args.requests:
        with lock:
            while sent[0] < target and any(t.is_alive() for t in threads):
                checkpoint.wait(1)
        pids = worker_pids(master)
        if pids:
            rss = rss_kib(pids[0])
            points.append((target, pids[0], rss))
            print(f"{target:>10,}{pids[0]:>9}{rss / 1024:>10.1f}", flush=True)
        target += args.every
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    same = [p for p in points[1:] if p[1] == points[1][1]] if len(points) > 1 else []
    print(f"{args.requests:,} requests in {elapsed:.0f} s ({args.requests / elapsed:.0f}/s), {failures[0]} failed", flush=True)
    if len(same) >= 2:
        xs, ys = [p[0] for p in same], [p[2] * 1024 for p in same]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)
        print(f"RSS growth after the first {args.every:,} requests: {slope:.1f} bytes per request "
              f"({(same[-1][2] - same[0][2]) / 1024:+.1f} MiB from {same[0][0]:,} to {same[-1][0]:,})")


if __name__ == "__main__":
    main()
