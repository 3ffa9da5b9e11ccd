"""Benchmark: the insights dashboards at 1,000,000 clicks, on SQLite and on PostgreSQL.

Run with `make bench-dashboard` (or `.venv/bin/python bench/dashboard.py`). For each database it

1. creates an empty database (SQLite: a temporary file; PostgreSQL: the scratch database
   `hub_bench_dashboard` on `--pg-url`, dropped at the end) and migrates it (`hub migrate`);
2. generates a realistic spread: ~100 people, a few hundred published posts over 90 days, 12
   topics, each person sharing some posts on a few of the 10 platforms (share links and share
   events), and 1,000,000 clicks on those links, concentrated on popular links and fading in the
   days after each share, ~10% of them link-preview bots, with daily visitor hashes;
3. bulk-loads it (executemany in chunks on SQLite, COPY on PostgreSQL), rebuilds the daily
   rollups from the clicks (`hub insights rebuild`) and analyzes the tables;
4. times the dashboard pages through the Flask test client, signed in as comms: the company
   dashboard (default 30 days, and all 90 days), "my shares" of the busiest sharer, and a CSV
   export: the first request of a new worker (templates compiled, mappers configured), cold (a
   fresh app and connection, after one other small page) and warm (median and maximum);
5. times one click-log flush of 1,000 new clicks (insert plus rollups), and the flush throughput
   (new clicks stored per second) in batches of 5,000 and of 20,000 clicks, each `--flush-runs`
   times (the median is printed, with every run and the load average).

The targets are under 200 ms per dashboard and 20,000 clicks per second for the flush. Figures are
from this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PLATFORM_IDS = ["x", "linkedin", "bluesky", "mastodon", "threads", "facebook", "instagram", "reddit", "whatsapp", "email"]
PLATFORM_WEIGHTS = [14, 30, 8, 6, 6, 12, 4, 6, 8, 6]
DAYS = 90
PG_DATABASE = "hub_bench_dashboard"
TEMPLATES = ["base.html", "_macros/forms.html", "insights/_macros.html", "insights/_tabs.html", "insights/dashboard.html",
             "insights/inbox.html"]


def log(message: str) -> None:
    print(message, flush=True)


# --- data --------------------------------------------------------------------------------------


class Data:
    """The generated rows, as plain tuples ready for bulk loading."""

    def __init__(self, clicks: int, people: int, posts: int, seed: int = 7) -> None:
        rnd = random.Random(seed)
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.start = self.now - timedelta(days=DAYS)
        self.people = people
        self.users = [(i, f"person{i}@bench.example", f"Person {i}", "comms" if i == 1 else "employee") for i in range(1, people + 1)]
        self.topics = [(i, f"topic-{i}", f"Topic {i}") for i in range(1, 13)]
        self.posts: list[tuple[int, int, datetime, int | None, str]] = []
        for pid in range(1, posts + 1):
            published = self.start + timedelta(seconds=rnd.uniform(0, DAYS * 86400 - 3600))
            topic = rnd.randint(1, 12) if rnd.random() < 0.65 else None
            self.posts.append((pid, rnd.randint(2, people), published, topic, f"Post number {pid} about something we learned"))
        # Share links: each person shares some posts (after publication) on 1-3 platforms.
        self.links: list[tuple[int, str, int, int, str, datetime]] = []
        self.events: list[tuple[int, int, str, str, datetime]] = []
        link_id = 0
        for uid in range(1, people + 1):
            activity = rnd.paretovariate(1.5)  # a few very active sharers, many occasional ones
            for post in rnd.sample(self.posts, min(len(self.posts), max(1, int(15 * activity)))):
                shared_at = post[2] + timedelta(seconds=rnd.expovariate(1 / (2 * 86400)))
                if shared_at >= self.now:
                    continue
                for platform in set(rnd.choices(PLATFORM_IDS, PLATFORM_WEIGHTS, k=rnd.randint(1, 3))):
                    link_id += 1
                    self.links.append((link_id, f"b{link_id:07d}", post[0], uid, platform, shared_at))
                    for _ in range(rnd.choice((1, 1, 1, 2))):
                        when = min(shared_at + timedelta(seconds=rnd.uniform(0, 600)), self.now - timedelta(seconds=1))
                        self.events.append((post[0], uid, platform, rnd.choice(("copy", "intent", "intent", "webshare")), when))
        # Clicks: popular links get most of them; each fades over the days after its share.
        weights = [rnd.paretovariate(1.2) for _ in self.links]
        chosen = rnd.choices(range(len(self.links)), weights, k=clicks)
        self.clicks: list[tuple[str, int, int, int, str, datetime, bool, str]] = []
        horizon = (self.now - self.start).total_seconds()
        for n, index in enumerate(chosen):
            lid, _code, pid, uid, platform, shared_at = self.links[index]
            bot = rnd.random() < 0.10
            delay = rnd.uniform(0, 120) if bot else rnd.expovariate(1 / (1.5 * 86400))
            at = shared_at + timedelta(seconds=delay)
            if at >= self.now:  # fold late clicks back into the window
                at = self.start + timedelta(seconds=(at - self.start).total_seconds() % horizon)
            visitor = f"{at:%j}{rnd.randrange(40_000):05d}" if not bot else f"bot{rnd.randrange(50)}{at:%j}"
            self.clicks.append((f"{n:032x}", lid, pid, uid, platform, at, bot, visitor))

    def busiest_sharer(self) -> int:
        counts: dict[int, int] = {}
        for _uid, _lid, _pid, uid, *_rest in self.clicks:
            counts[uid] = counts.get(uid, 0) + 1
        return max(counts, key=counts.__getitem__)


def load(engine: sa.Engine, data: Data) -> None:
    """Bulk-load people, topics, posts, links, share events and clicks."""
    from werkzeug.security import generate_password_hash

    password = generate_password_hash("bench-password", "pbkdf2:sha256:1000")
    meta = sa.MetaData()
    meta.reflect(engine, only=["user", "topic", "post", "post_revision", "share_link", "share_event"])
    t = meta.tables
    with engine.begin() as conn:
        conn.execute(t["user"].insert(), [
            {"id": uid, "email": email, "password_hash": password, "display_name": name, "job_title": "", "bio": "", "role": role,
             "status": "active", "session_version": 1, "created_at": data.start, "digest_opt_in": False, "leaderboard_opt_out": False}
            for uid, email, name, role in data.users])
        conn.execute(t["topic"].insert(), [
            {"id": tid, "slug": slug, "title": title, "brief": "", "brief_html": "", "audience": "", "platforms_text": "",
             "key_messages": "", "hashtags_text": "", "state": "open", "created_by_id": 1, "created_at": data.start,
             "updated_at": data.start} for tid, slug, title in data.topics])
        conn.execute(t["post"].insert(), [
            {"id": pid, "author_id": author, "status": "published", "created_at": published, "updated_at": published,
             "first_published_at": published, "published_at": published, "topic_id": topic, "open_for_feedback": False}
            for pid, author, published, topic, _title in data.posts])
        conn.execute(t["post_revision"].insert(), [
            {"id": pid, "post_id": pid, "number": 1, "kind": "save", "note": "", "title": title, "summary": "", "body": "Body.",
             "body_html": "<p>Body.</p>", "tags_text": "", "word_count": 1, "created_by_id": author, "created_at": published}
            for pid, author, published, _topic, title in data.posts])
        conn.execute(t["post"].update().values(current_revision_id=t["post"].c.id, live_revision_id=t["post"].c.id))
        conn.execute(t["share_link"].insert(), [
            {"id": lid, "code": code, "post_id": pid, "user_id": uid, "platform": platform, "created_at": at}
            for lid, code, pid, uid, platform, at in data.links])
        conn.execute(t["share_event"].insert(), [
            {"post_id": pid, "user_id": uid, "platform": platform, "kind": kind, "at": at} for pid, uid, platform, kind, at in data.events])
    columns = ("uid", "link_id", "post_id", "user_id", "platform", "at", "is_bot", "visitor")
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            with cur.copy(f"COPY click ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data.clicks:
                    copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    else:
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            sql = f"INSERT INTO click ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            chunk = 50_000
            for i in range(0, len(data.clicks), chunk):
                cur.executemany(sql, [(u, l, p, us, pl, at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f"), int(b), v)
                                      for u, l, p, us, pl, at, b, v in data.clicks[i : i + chunk]])
            raw.commit()
        finally:
            raw.close()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("user", "topic", "post", "post_revision", "share_link"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"))


def analyze(engine: sa.Engine) -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) keep them."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


# --- timing ------------------------------------------------------------------------------------


APPS: list[Any] = []  # every app made, so their click flushers stop before the instance folder goes


def close_apps() -> None:
    while APPS:
        APPS.pop().extensions["hub.clicklog"].close()


def make_app(url: str, instance: Path) -> Any:
    os.environ["HUB_INSTANCE_PATH"] = str(instance)
    from hub import create_app

    APPS.append(app := create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "PUBLISH_DUE_ON_REQUEST": False, "BASE_URL": "http://bench.test",
                       "WARM_UP": True,  # as a production worker does before its first request (TESTING turns it off)
                       "TRUSTED_HOSTS": "localhost"}))  # the test client asks for localhost
    return app


def signed_in(app: Any, user_id: int) -> Any:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{user_id}:1"
        sess["_fresh"] = True
    return client


def timed(client: Any, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed


def measure(url: str, instance: Path, pages: list[tuple[str, int, str]], runs: int) -> list[tuple[str, float, float, float, float]]:
    """Per page: (label, new-worker ms, cold ms, warm median ms, warm max ms).

    *New worker*: the very first request of a fresh app (it also compiles the templates, configures
    the ORM mappers and opens the first connection: once per worker process). *Cold*: the first
    request for this page in another fresh app whose templates are compiled and that has served
    one other small page (the feedback inbox), so it measures this page's queries (compiled for the
    first time, on a new connection) and rendering. *Warm*: ``runs`` more requests."""
    from hub.db import get_engine

    results = []
    for label, user_id, path in pages:
        app = make_app(url, instance)
        first = timed(signed_in(app, user_id), path)
        get_engine(app).dispose()
        app = make_app(url, instance)
        for template in TEMPLATES:
            app.jinja_env.get_template(template)
        client = signed_in(app, user_id)
        timed(client, "/insights/feedback")
        cold = timed(client, path)
        warm = [timed(client, path) for _ in range(runs)]
        results.append((label, first, cold, statistics.median(warm), max(warm)))
        get_engine(app).dispose()
    return results


def ingest_flush(url: str, instance: Path, data: Data) -> float:
    """Milliseconds for one click-log flush of 1,000 new clicks (insert and rollups)."""
    from hub.db import get_engine
    from hub.sharing.clicklog import ClickRecord, insert_clicks

    app = make_app(url, instance)
    rnd = random.Random(3)
    now = time.time()
    records = []
    for n in range(1000):
        lid, _code, pid, uid, platform, _at = rnd.choice(data.links)
        records.append(ClickRecord(f"flush{n:027d}", lid, pid, uid, platform, now - rnd.uniform(0, 60), rnd.random() < 0.1,
                                   f"{rnd.randrange(5000):05d}"))
    started = time.perf_counter()
    insert_clicks(get_engine(app), records)
    elapsed = (time.perf_counter() - started) * 1000
    get_engine(app).dispose()
    return elapsed


def backend_cpu(pids: set[int]) -> float:
    """CPU seconds (user and system) the processes ``pids`` have used, from /proc (0 when gone)."""
    seconds = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def flush_rate(url: str, instance: Path, data: Data, total: int, batch: int,
               tag: str = "rate") -> tuple[float, int, float]:
    """Click-log flush throughput: ``total`` new clicks of the last hour (a tenth by bots, most
    visitors new to the day) inserted and rolled up in batches of ``batch``, as the flusher does
    (``store_clicks``: one transaction per batch). ``tag`` starts every uid and visitor: each run
    gets its own, so its clicks are new. Returns (clicks per second, clicks stored, clicks per
    CPU-second): the last counts the CPU time of this process and of its PostgreSQL backends (read
    from /proc: the server is local), so it says what one free core would do on a machine shared
    with other work; waits on the disk (each commit's fsync) are left out of it."""
    from hub.db import get_engine
    from hub.sharing.clicklog import ClickRecord, store_clicks
    from hub.sharing.models import Click

    app = make_app(url, instance)
    engine = get_engine(app)
    rnd = random.Random(11)
    now = time.time()
    records = []
    for n in range(total):
        lid, _code, pid, uid, platform, _at = rnd.choice(data.links)
        records.append(ClickRecord(f"{tag}{n:0{32 - len(tag)}d}", lid, pid, uid, platform, now - rnd.uniform(0, 3600),
                                   rnd.random() < 0.1, f"{tag}{rnd.randrange(total // 2):07d}"))
    memory: dict[str, Any] = {}
    backends: set[int] = set()
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine, "checkout", lambda dbapi_conn, _record, _proxy: backends.add(dbapi_conn.info.backend_pid))
    with engine.connect() as conn:
        before = conn.scalar(sa.select(sa.func.count()).select_from(Click))
    cpu = time.process_time() + backend_cpu(backends)
    started = time.perf_counter()
    for i in range(0, total, batch):
        store_clicks(engine, records[i : i + batch], memory=memory)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() + backend_cpu(backends) - cpu
    with engine.connect() as conn:
        stored = conn.scalar(sa.select(sa.func.count()).select_from(Click)) - before
    engine.dispose()
    return total / elapsed, stored, total / cpu


def run(name: str, url: str, data: Data, runs: int, flush_clicks: int = 40_000,
        flush_batches: tuple[int, ...] = (5_000, 20_000), flush_runs: int = 1, pages_too: bool = True) -> None:
    from hub.db import get_engine
    from hub.insights import rollups
    from hub.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix=f"hub-bench-{name}-") as tmp:
        instance = Path(tmp) / "instance"
        app = make_app(url, instance)
        upgrade(app)
        engine = get_engine(app)
        log(f"[{name}] loading {len(data.clicks):,} clicks, {len(data.links):,} share links, {len(data.events):,} share events, "
            f"{len(data.posts)} posts, {data.people} people ...")
        started = time.perf_counter()
        load(engine, data)
        log(f"[{name}] loaded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        written = rollups.rebuild(engine)
        log(f"[{name}] rollups rebuilt from the clicks in {time.perf_counter() - started:.1f} s ({written:,} rows)")
        analyze(engine)
        engine.dispose()

        today = data.now.date()
        last90 = f"start={(today - timedelta(days=DAYS)).isoformat()}&end={today.isoformat()}"
        sharer = data.busiest_sharer()
        pages = [
            ("company dashboard, last 30 days", 1, "/insights/"),
            ("company dashboard, 91 days", 1, f"/insights/?{last90}"),
            ("my shares (busiest sharer), 30 days", sharer, "/insights/me"),
            ("my shares (busiest sharer), 91 days", sharer, f"/insights/me?{last90}"),
            ("CSV export: posts, 91 days", 1, f"/insights/export/posts.csv?{last90}"),
        ]
        results = measure(url, instance, pages, runs) if pages_too else []
        flush = ingest_flush(url, instance, data)
        rates: dict[int, list[tuple[float, int, float, str]]] = {batch: [] for batch in flush_batches}
        for n in range(flush_runs):  # interleaved, so a burst of load elsewhere hits both sizes alike
            for batch in flush_batches:
                rate, stored, per_cpu = flush_rate(url, instance, data, flush_clicks, batch, tag=f"r{n}b{batch}x")
                rates[batch].append((rate, stored, per_cpu, " ".join(Path("/proc/loadavg").read_text().split()[:3])))
        close_apps()
        log("")
        log(f"{name}: {len(data.clicks):,} clicks, {runs} warm runs per page")
        log(f"  {'page':<40} {'new worker':>10} {'cold':>8} {'warm median':>12} {'warm max':>9}   (ms)")
        for label, first, cold, median, worst in results:
            flag = "" if max(cold, worst) < 200 else "  (over 200 ms)"
            log(f"  {label:<40} {first:>10.1f} {cold:>8.1f} {median:>12.1f} {worst:>9.1f}{flag}")
        log(f"  one click-log flush of 1,000 new clicks (insert + rollups): {flush:.1f} ms")
        for batch, measured in rates.items():
            rate = statistics.median(r for r, _stored, _cpu, _loadavg in measured)
            per_cpu = statistics.median(c for _r, _stored, c, _loadavg in measured)
            flag = "" if rate >= 20_000 else "  (under the goal of 20,000/s)"
            log(f"  flush throughput, {flush_clicks:,} new clicks in batches of {batch:,}: {rate:,.0f} clicks/s"
                f" (median of {len(measured)}){flag}; {per_cpu:,.0f} clicks per CPU-second")
            for r, stored, c, loadavg in measured:
                log(f"      {r:>9,.0f} clicks/s, {c:>9,.0f} per CPU-second, {stored:,} stored, load average {loadavg}")
        log("")


def pg_admin(url: str) -> sa.Engine:
    return sa.create_engine(make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)), isolation_level="AUTOCOMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=10, help="warm runs per page")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server where the scratch database may be created")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--flush-clicks", type=int, default=40_000, help="clicks flushed to measure throughput")
    parser.add_argument("--flush-batch", type=int, nargs="+", default=[5_000, 20_000], help="clicks per flush transaction")
    parser.add_argument("--flush-runs", type=int, default=3, help="flush throughput runs per batch size")
    parser.add_argument("--flush-only", action="store_true", help="skip the pages, time the flush only")
    args = parser.parse_args()
    opts = {"flush_clicks": args.flush_clicks, "flush_batches": tuple(args.flush_batch), "flush_runs": args.flush_runs,
            "pages_too": not args.flush_only}

    started = time.perf_counter()
    data = Data(args.clicks, args.people, args.posts)
    log(f"generated the data in {time.perf_counter() - started:.1f} s")

    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="hub-bench-sqlite-") as tmp:
            run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", data, args.runs, **opts)
    if args.only in (None, "postgresql"):
        admin = pg_admin(args.pg_url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        try:
            url = make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=PG_DATABASE)
            run("PostgreSQL", url.render_as_string(hide_password=False), data, args.runs, **opts)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
