"""Benchmark: hub's public pages over HTTP against a bare Flask + Jinja page of the same body (and
a Wagtail page of the same body where Wagtail is installed), under the same gunicorn and wrk.

Run with `make bench-public-http` (or `.venv/bin/python bench/public_http.py`). It

1. builds a database of `--posts` published posts (bench/public_pages.py's generator and bulk
   load; SQLite in a temporary file, or PostgreSQL's scratch database `hub_bench_public_http`
   with `--database postgresql`, dropped at the end);
2. serves, each with gunicorn gthread `--workers` x `--threads` on loopback: hub as `make run`
   serves it (the page cache on: hub.public.cache), hub with `PUBLIC_PAGE_CACHE=off`, the bare
   page (bench/bare_page.py: the newest post's title and body in a small layout, rendered by
   Jinja on every request) and, when a Python with Wagtail is found (`--wagtail-python`, default
   /tmp/wagtail-venv/bin/python; never installed by this script), a Wagtail site
   (bench/wagtail_site) serving a page with the same title and body;
3. loads every page with wrk (`--connections` 32) for `--seconds` each, in `--rounds` rounds
   whose order alternates, so noise from a shared machine falls on all alike, and prints each
   page's requests per second and p99 per round, and its ratio to the bare page of the same
   round: median and the rounds' spread.

Readers are anonymous (wrk sends no cookie). Nothing is asserted; read the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

from bench.share_redirect import free_port, run_wrk, wait_for  # noqa: E402

PG_DATABASE = "hub_bench_public_http"
WAGTAIL_PYTHON = Path("/tmp/wagtail-venv/bin/python")


def serve(python_bin: Path, app: str, port: int, env: dict[str, str], args: argparse.Namespace,
          cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    cmd = [str(python_bin.parent / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
           "--threads", str(args.threads), "--worker-class", "gthread", "--log-level", "warning", app]
    return subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def build(args: argparse.Namespace, tmp: Path) -> tuple[str, dict[str, str]]:
    """Create and fill the database; returns its URL and the paths of the pages to load."""
    import sqlalchemy as sa

    from bench.public_pages import Data, load, make_app, pg_admin
    from hub.db import get_engine, get_session, make_engine
    from hub.migrate import upgrade
    from hub.posts.models import Post

    if args.database == "postgresql":
        from sqlalchemy.engine import make_url

        with pg_admin(args.pg_url).connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        url = make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=PG_DATABASE)
        database = url.render_as_string(hide_password=False)
    else:
        database = f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = make_app(database, tmp / "build-instance")
    upgrade(app)
    engine = make_engine(database)
    data = Data(args.posts, max(10, args.posts // 500))
    started = time.perf_counter()
    load(engine, data)
    engine.dispose()
    print(f"built {args.posts:,} posts on {args.database} in {time.perf_counter() - started:.1f} s", flush=True)
    with app.app_context():
        post = get_session().scalar(sa.select(Post).where(Post.status == "published").order_by(Post.id.desc()).limit(1))
        assert post is not None and post.live_revision is not None
        (tmp / "bare.txt").write_text(f"{post.live_revision.title}\n{post.live_revision.body_html}", encoding="utf-8")
        paths = {"post": f"/p/{post.id}-{post.slug}", "home": "/", "feed": "/feed.xml", "sitemap index": "/sitemap.xml",
                 "sitemap file": "/sitemap-1.xml", "search": f"/?q={data.common}"}
    app.extensions["hub.clicklog"].close()
    get_engine(app).dispose()
    return database, paths


def drop_pg(args: argparse.Namespace) -> None:
    import sqlalchemy as sa

    from bench.public_pages import pg_admin

    with pg_admin(args.pg_url).connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))


def wagtail_site(python_bin: Path, tmp: Path, bare_file: Path) -> tuple[dict[str, str], str] | None:
    """Set up the Wagtail site (its own SQLite database) with the same page; None without Wagtail."""
    if not python_bin.exists():
        print(f"Wagtail: no Python at {python_bin} (make one: python3 -m venv /tmp/wagtail-venv && "
              "/tmp/wagtail-venv/bin/pip install wagtail gunicorn); skipped", flush=True)
        return None
    probe = subprocess.run([str(python_bin), "-c", "import wagtail, gunicorn; print(wagtail.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"Wagtail: {python_bin} cannot import wagtail and gunicorn; skipped", flush=True)
        return None
    env = {"PATH": os.environ.get("PATH", ""), "BENCH_WAGTAIL_DB": str(tmp / "wagtail.sqlite3"),
           "BENCH_BARE_PAGE": str(bare_file), "DJANGO_SETTINGS_MODULE": "settings"}
    site = ROOT / "bench" / "wagtail_site"
    out = subprocess.run([str(python_bin), "setup_page.py"], env=env, cwd=site, capture_output=True, text=True)
    if out.returncode != 0:
        print(f"Wagtail: setting up the site failed:\n{out.stderr[-2000:]}", flush=True)
        return None
    path = out.stdout.strip().splitlines()[-1]
    print(f"Wagtail {probe.stdout.strip()} serves the same title and body at {path}", flush=True)
    return env, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--seconds", type=int, default=4, help="length of each load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--wagtail-python", type=Path, default=WAGTAIL_PYTHON)
    parser.add_argument("--pages", default="", help="comma-separated subset of the pages to load")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="hub-bench-http-") as name:
        tmp = Path(name)
        try:
            run(args, tmp)
        finally:
            if args.database == "postgresql":
                drop_pg(args)


def run(args: argparse.Namespace, tmp: Path) -> None:
    database, paths = build(args, tmp)
    if args.pages:
        paths = {k: v for k, v in paths.items() if k in args.pages.split(",")}
    base = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    hub_env = {**base, "HUB_INSTANCE_PATH": str(tmp / "instance"), "HUB_SECRET_KEY": "bench",
               "HUB_BASE_URL": "http://127.0.0.1:1", "HUB_DATABASE_URL": database, "HUB_PUBLISH_DUE_ON_REQUEST": "false"}
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    targets: list[tuple[str, str, str]] = []  # (label, server, path)

    def start(name: str, python_bin: Path, app: str, env: dict[str, str], probe: str, cwd: Path = ROOT) -> None:
        port = free_port()
        servers[name] = (serve(python_bin, app, port, env, args, cwd), port)
        wait_for(port, probe, timeout=90)

    try:
        start("bare", Path(sys.executable), "bench.bare_page:app", {**base, "BENCH_BARE_PAGE": str(tmp / "bare.txt")}, "/p/1")
        targets.append(("bare Flask + Jinja, same body", "bare", "/p/1"))
        start("hub", Path(sys.executable), "hub:create_app()", hub_env, "/robots.txt")
        targets += [(f"hub {label}", "hub", path) for label, path in paths.items()]
        start("uncached", Path(sys.executable), "hub:create_app()", {**hub_env, "HUB_PUBLIC_PAGE_CACHE": "off",
              "HUB_INSTANCE_PATH": str(tmp / "instance-uncached")}, "/robots.txt")
        targets += [(f"hub {label}, no page cache", "uncached", path) for label, path in paths.items()
                    if label in ("post", "home")]
        wagtail = wagtail_site(args.wagtail_python, tmp, tmp / "bare.txt")
        if wagtail is not None:
            env, path = wagtail
            start("wagtail", args.wagtail_python, "wsgi:application", env, path, ROOT / "bench" / "wagtail_site")
            targets.append(("Wagtail page, same body", "wagtail", path))
        for label, server, path in targets:  # warm-up: compiled templates, first connections
            run_wrk(f"http://127.0.0.1:{servers[server][1]}{path}", 1, args.connections)
        print(f"load: wrk -c{args.connections}, {args.rounds} rounds of {args.seconds} s per page; gunicorn gthread "
              f"{args.workers}x{args.threads}; {args.database}, {args.posts:,} posts", flush=True)
        results: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in targets}
        for r in range(args.rounds):
            print(f"round {r + 1}, load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}", flush=True)
            for label, server, path in (targets if r % 2 == 0 else targets[::-1]):
                results[label].append(run_wrk(f"http://127.0.0.1:{servers[server][1]}{path}", args.seconds, args.connections))
                time.sleep(0.5)
        report(results, targets)
    finally:
        for proc, _port in servers.values():
            stop(proc)


def report(results: dict[str, list[dict[str, Any]]], targets: list[tuple[str, str, str]]) -> None:
    bare = results[targets[0][0]]
    print(f"{'page (anonymous reader)':<40}{'req/s median':>13}{'p99 ms':>9}{'ratio to bare':>15}{'rounds':>14}  per round req/s")
    for label, _, _ in targets:
        rows = results[label]
        ratios = [row["rps"] / b["rps"] for row, b in zip(rows, bare, strict=True)]
        print(f"{label:<40}{statistics.median(r['rps'] for r in rows):>13.0f}{statistics.median(r['p99'] for r in rows):>9.1f}"
              f"{statistics.median(ratios):>15.2f}{f'{min(ratios):.2f}-{max(ratios):.2f}':>14}  "
              + " ".join(f"{r['rps']:.0f}" for r in rows))
    if "Wagtail page, same body" in results:
        wag = results["Wagtail page, same body"]
        ratios = [h["rps"] / w["rps"] for h, w in zip(results["hub post"], wag, strict=True)] if "hub post" in results else []
        if ratios:
            print(f"hub post page / Wagtail page: {statistics.median(ratios):.1f}x (rounds {min(ratios):.1f}-{max(ratios):.1f}; "
                  "goal >= 20x)")
        if "hub post, no page cache" in results:
            ratios = [h["rps"] / w["rps"] for h, w in zip(results["hub post, no page cache"], wag, strict=True)]
            print(f"hub post page without the page cache / Wagtail page: {statistics.median(ratios):.1f}x")
    print("goals: post page >= 0.8 of the bare page; home, feed, sitemap, search >= 0.5")


if __name__ == "__main__":
    main()
