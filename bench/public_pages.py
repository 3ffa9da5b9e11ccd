"""Benchmark: the public side at 100,000 posts, on SQLite and on PostgreSQL.

Run with `make bench-public` (or `.venv/bin/python bench/public_pages.py`). For each database it

1. creates an empty database (SQLite: a temporary file; PostgreSQL: the scratch database
   `hub_bench_public` on `--pg-url`, dropped at the end) and migrates it (`hub migrate`);
2. generates 100,000 posts by 200 people over three years (3 % of them drafts), each with one
   revision of 150-400 words drawn from a 6,000-word vocabulary with a Zipf spread (so the most
   common word is in most posts, like "the" would be), 1-3 of 60 tags, and a handful of posts
   carrying one rare word;
3. bulk-loads it (executemany on SQLite, COPY on PostgreSQL), fills the full-text index the way
   the migration's backfill does (hub.posts.search), and analyzes the tables;
4. times each public page through the Flask test client as an anonymous reader: the first
   request, then `--runs` warm ones (median, and the spread as p10-p90); the list and search
   queries alone (hub.posts.queries.published, median); and, in the same run, a bare Flask +
   Jinja page rendering the same post body, to give the post page's cost as a ratio;
5. prints the query plans of the list queries (no temporary B-tree / no Sort node expected).

Figures are from this machine; nothing is asserted (tests/public/test_speed.py guards the
statement counts and the plans).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_DATABASE = "hub_bench_public"
START = datetime(2023, 11, 1, tzinfo=timezone.utc)
CHUNK = 5000


def log(message: str) -> None:
    print(message, flush=True)


# --- data --------------------------------------------------------------------------------------


def _word(rnd: random.Random) -> str:
    letters = "abcdefghijklmnoprstuvwy"
    return "".join(rnd.choice(letters) for _ in range(rnd.randint(3, 10)))


class Data:
    """Generated rows as plain tuples; texts are built lazily per chunk to keep memory small."""

    def __init__(self, posts: int, people: int, seed: int = 11) -> None:
        self.rnd = random.Random(seed)
        rnd = self.rnd
        self.posts, self.people = posts, people
        vocab = list(dict.fromkeys(_word(rnd) for _ in range(7000)))[:6000]
        self.common, self.second, self.third = vocab[0], vocab[1], vocab[2]
        self.rare = "zyxwvrare"
        self.vocab = vocab
        self.cum_weights = list(itertools.accumulate(1 / (i + 1) for i in range(len(vocab))))
        self.tag_weights = list(itertools.accumulate(1 / (i + 1) for i in range(60)))
        self.tags = [f"Topic {_word(rnd).capitalize()} {i}" for i in range(60)]
        self.rare_posts = set(rnd.sample(range(1, posts + 1), 5))
        self.span = 3 * 365 * 86400
        self.pools()

    def words(self, n: int) -> list[str]:
        return self.rnd.choices(self.vocab, cum_weights=self.cum_weights, k=n)

    def pools(self) -> None:
        """Pools of titles, summaries and paragraphs with their search terms worked out once:
        posts are drawn from them, so generating 100,000 posts stays quick."""
        from hub.lib.search import terms

        rnd = self.rnd
        self.titles = [" ".join(self.words(rnd.randint(3, 8))).capitalize() for _ in range(20_000)]
        self.summaries = [" ".join(self.words(12)).capitalize() + "." for _ in range(5000)]
        self.paragraphs = [" ".join(self.words(rnd.randint(40, 90))) for _ in range(5000)]
        self.terms = {text: terms(text) for text in [*self.titles, *self.summaries, *self.paragraphs, *self.tags, self.rare]}

    def post(self, pid: int) -> dict[str, Any]:
        rnd = self.rnd
        when = START + timedelta(seconds=int(self.span * pid / self.posts) + rnd.randint(0, 3600))
        paragraphs = rnd.sample(self.paragraphs, rnd.randint(3, 5))
        if pid in self.rare_posts:
            paragraphs.append(self.rare)
        title, summary = rnd.choice(self.titles), rnd.choice(self.summaries)
        tags = sorted(set(rnd.choices(range(1, 61), cum_weights=self.tag_weights, k=rnd.randint(1, 3))))
        body_terms = [t for text in [*(self.tags[i - 1] for i in tags), summary, *paragraphs] for t in self.terms[text]]
        return {
            "id": pid,
            "author_id": 1 + (pid * 7919) % self.people,
            "published": rnd.random() > 0.03,
            "when": when,
            "title": title,
            "summary": summary,
            "body": "\n\n".join(paragraphs),
            "body_html": "".join(f"<p>{p}</p>\n" for p in paragraphs),
            "word_count": sum(len(p.split()) for p in paragraphs),
            "tags": tags,
            "terms": (list(dict.fromkeys(self.terms[title])), list(dict.fromkeys(body_terms))),
        }


# --- loading -----------------------------------------------------------------------------------


def load(engine: sa.Engine, data: Data) -> None:
    from hub.lib.text import slugify
    from hub.posts import search

    pg = engine.dialect.name == "postgresql"
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        users = [{"id": i, "email": f"person{i}@example.com", "password_hash": "x", "display_name": f"Person {i} {_word(data.rnd).capitalize()}",
                  "job_title": "Engineer", "bio": "", "role": "employee", "status": "active", "session_version": 1,
                  "created_at": now, "digest_opt_in": False, "leaderboard_opt_out": False} for i in range(1, data.people + 1)]
        conn.execute(sa.text('INSERT INTO "user" (id, email, password_hash, display_name, job_title, bio, role, status, '
                             "session_version, created_at, digest_opt_in, leaderboard_opt_out) VALUES (:id, :email, "
                             ":password_hash, :display_name, :job_title, :bio, :role, :status, :session_version, "
                             ":created_at, :digest_opt_in, :leaderboard_opt_out)"), users)
        conn.execute(sa.text("INSERT INTO tag (id, name, slug) VALUES (:id, :name, :slug)"),
                     [{"id": i + 1, "name": t, "slug": slugify(t, 80)} for i, t in enumerate(data.tags)])
    for first in range(1, data.posts + 1, CHUNK):
        rows = [data.post(pid) for pid in range(first, min(first + CHUNK, data.posts + 1))]
        posts = [(r["id"], r["author_id"], "published" if r["published"] else "draft", r["when"], r["when"],
                  r["when"] if r["published"] else None, r["when"] if r["published"] else None, False) for r in rows]
        revisions = [(r["id"], r["id"], 1, "save", "", r["title"], r["summary"], r["body"], r["body_html"],
                      ",".join(data.tags[t - 1] for t in r["tags"]), r["word_count"], r["author_id"], r["when"]) for r in rows]
        tags = [(r["id"], t) for r in rows if r["published"] for t in r["tags"]]
        # the terms search.document() gives, worked out once per pool entry (checked on the first post)
        index = {scope: [(r["id"], *r["terms"]) for r in rows if scope == "current" or r["published"]]
                 for scope in search.SCOPES}
        post_cols = "id, author_id, status, created_at, updated_at, first_published_at, published_at, open_for_feedback"
        rev_cols = ("id, post_id, number, kind, note, title, summary, body, body_html, tags_text, word_count, "
                    "created_by_id, created_at")
        if first == 1:
            r = rows[0]
            assert r["terms"] == search.document(r["title"], [data.tags[t - 1] for t in r["tags"]], r["summary"], r["body"])
        with engine.begin() as conn:
            if pg:
                raw = conn.connection.driver_connection
                with raw.cursor() as cur:
                    for table, cols, values in (("post", post_cols, posts), ("post_revision", rev_cols, revisions),
                                                ("post_tag", "post_id, tag_id", tags)):
                        with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                            for row in values:
                                copy.write_row(row)
            else:
                conn.exec_driver_sql(f"INSERT INTO post ({post_cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                     [tuple(_sqlite(v) for v in p) for p in posts])
                conn.exec_driver_sql(f"INSERT INTO post_revision ({rev_cols}) VALUES ({', '.join('?' * 13)})",
                                     [tuple(_sqlite(v) for v in r) for r in revisions])
                conn.exec_driver_sql("INSERT INTO post_tag (post_id, tag_id) VALUES (?, ?)", tags)
            for scope, entries in index.items():
                if pg:  # COPY the terms into a staging table, then build the tsvectors in one statement
                    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS staging (id int, title text[], body text[])")
                    conn.exec_driver_sql("TRUNCATE staging")
                    with conn.connection.driver_connection.cursor() as cur:
                        with cur.copy("COPY staging (id, title, body) FROM STDIN") as copy:
                            copy.set_types(["int4", "text[]", "text[]"])
                            for row in entries:
                                copy.write_row(row)
                    conn.exec_driver_sql(f"INSERT INTO {search.table(scope)} (post_id, document) SELECT id, "
                                         "setweight(array_to_tsvector(title), 'A') || array_to_tsvector(body) FROM staging")
                else:
                    search.bulk_put(conn, scope, entries)
            conn.execute(sa.text("UPDATE post SET current_revision_id = id, live_revision_id = "
                                 "CASE WHEN status = 'published' THEN id END WHERE id BETWEEN :a AND :b"),
                         {"a": first, "b": first + CHUNK - 1})
        log(f"  loaded {min(first + CHUNK - 1, data.posts):,} posts")
    with engine.begin() as conn:
        if pg:
            for table in ("user", "tag", "post", "post_revision"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"))
            conn.exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            for scope in search.SCOPES:
                conn.exec_driver_sql(f"INSERT INTO {search.table(scope)}({search.table(scope)}) VALUES ('optimize')")


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


# --- timing ------------------------------------------------------------------------------------


def make_app(url: str, instance: Path) -> Any:
    os.environ["HUB_INSTANCE_PATH"] = str(instance)
    from hub import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "BASE_URL": "https://hub.example",
                       "PUBLISH_DUE_ON_REQUEST": False,
                       "PUBLIC_PAGE_CACHE": False,  # what building each page costs (bench/public_http.py: with it)
                       "TRUSTED_HOSTS": "localhost"})  # the test client asks for localhost


def stats(samples: list[float]) -> tuple[float, float, float]:
    """Median, p10 and p90 in milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return statistics.median(ordered) * 1000, pick(0.1) * 1000, pick(0.9) * 1000


def time_it(fn: Callable[[], Any], runs: int) -> tuple[float, tuple[float, float, float]]:
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return first * 1000, stats(samples)


def bare_app(title: str, body_html: str) -> Any:
    """Flask + Jinja and nothing else, rendering the same post body in a small layout."""
    from flask import Flask, render_template_string

    bare = Flask("bare")
    page = ("<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ title }}</title></head><body>"
            "<main><article><h1>{{ title }}</h1><div class=post-body>{{ body|safe }}</div></article></main></body></html>")

    @bare.get("/p/<int:post_id>")
    def post(post_id: int) -> str:
        return render_template_string(page, title=title, body=body_html)

    return bare


def run(name: str, url: str, data: Data, runs: int, reuse: bool = False) -> None:
    from hub.db import get_engine, get_session, make_engine
    from hub.migrate import upgrade
    from hub.posts import queries
    from hub.posts.models import Post, Tag

    log(f"== {name}")
    with tempfile.TemporaryDirectory(prefix="hub-bench-public-") as tmp:
        app = make_app(url, Path(tmp) / "instance")
        if not reuse:
            upgrade(app)
            engine = make_engine(url)
            started = time.perf_counter()
            load(engine, data)
            log(f"  bulk load and index of {data.posts:,} posts: {time.perf_counter() - started:.1f} s")
            engine.dispose()

        with app.app_context():
            db = get_session()
            post = db.scalar(sa.select(Post).where(Post.status == "published").order_by(Post.id.desc()).limit(1))
            post_path = f"/p/{post.id}-{post.slug}"
            rev = post.live_revision
            title, body_html = rev.title, rev.body_html
            busiest_tag = db.scalar(sa.select(Tag).where(Tag.id == 1))
            tag_slug, tag_id = busiest_tag.slug, busiest_tag.id
            author = post.author
            author_path, author_id = f"/a/{author.id}-{author.slug}", author.id
            files = -(-queries.last_post_id(db) // app.config["SITEMAP_POSTS_PER_FILE"])
        pages = [
            ("post page", post_path),
            ("home", "/"),
            ("home, page 50", "/?page=50"),
            ("feed (30 entries)", "/feed.xml"),
            ("sitemap index", "/sitemap.xml"),
            (f"sitemap file ({app.config['SITEMAP_POSTS_PER_FILE']:,} posts)", f"/sitemap-{files}.xml"),
            ("tag page (busiest tag)", f"/t/{tag_slug}"),
            ("author page", author_path),
            (f"search, rare word ({data.rare})", f"/?q={data.rare}"),
            (f"search, common word ({data.common})", f"/?q={data.common}"),
            (f"search, two words ({data.second} {data.third})", f"/?q={data.second}+{data.third}"),
            ("search, prefix (first 4 letters)", f"/?q={data.second[:4]}"),
        ]
        client = app.test_client()
        log(f"  {'page (anonymous reader)':<48} {'first':>8} {'median':>8} {'p10-p90':>15}  statements")
        for label, path in pages:
            counter = {"n": 0}

            def count(*_a: Any, **_k: Any) -> None:
                counter["n"] += 1

            def fetch(path: str = path) -> None:
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            sa.event.listen(get_engine(app), "before_cursor_execute", count)
            first, (median, p10, p90) = time_it(fetch, runs)
            sa.event.remove(get_engine(app), "before_cursor_execute", count)
            log(f"  {label:<48} {first:>8.1f} {median:>8.1f} {p10:>7.1f}-{p90:<7.1f}  {counter['n'] // (runs + 1)}")
        sitemap_path = pages[5][1]
        rebuilds = []
        for i in range(5):  # one post of the file's range gets a new live revision: the file is rebuilt
            with app.app_context():
                from hub.posts import services

                db = get_session()
                changed = db.get(Post, post.id)
                services.save_revision(db, changed, changed.author, services.PostInput(title, "", f"Body {i}."),
                                       base_revision_id=changed.current_revision_id)
                services.publish_post(db, changed, changed.author)
                db.commit()
            started = time.perf_counter()
            assert client.get(sitemap_path).status_code == 200
            rebuilds.append(time.perf_counter() - started)
        median, p10, p90 = stats(rebuilds)
        log(f"  {'sitemap file rebuilt after one post changed':<48} {'':>8} {median:>8.1f} {p10:>7.1f}-{p90:<7.1f}")
        response = client.get(post_path)
        etag = response.headers["ETag"]
        _, (median, p10, p90) = time_it(lambda: client.get(post_path, headers={"If-None-Match": etag}), runs)
        log(f"  {'post page, revalidated (304)':<48} {'':>8} {median:>8.1f} {p10:>7.1f}-{p90:<7.1f}")
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(post_path)
            samples.append(time.perf_counter() - started)
        post_median = stats(samples)[0]
        bare = bare_app(title, body_html).test_client()
        _, (bare_median, bp10, bp90) = time_it(lambda: bare.get("/p/1"), runs)
        log(f"  {'bare Flask + Jinja, same body':<48} {'':>8} {bare_median:>8.1f} {bp10:>7.1f}-{bp90:<7.1f}")
        log(f"  post page / bare page: {post_median / bare_median:.1f}x (medians in the same run)")

        log(f"  {'query alone (hub.posts.queries.published)':<48} {'':>8} {'median':>8} {'p10-p90':>15}")
        with app.app_context():
            db = get_session()
            for label, kwargs in [
                ("home list", {}),
                ("tag list", {"tag_id": tag_id}),
                ("author list", {"author_id": author_id}),
                ("search, rare word", {"query": data.rare}),
                ("search, common word", {"query": data.common}),
                ("search, two words", {"query": f"{data.second} {data.third}"}),
                ("search, prefix", {"query": data.second[:4]}),
            ]:
                def query(kwargs: dict[str, Any] = kwargs) -> None:
                    queries.published(db, **kwargs)
                    db.rollback()
                    db.expunge_all()
                _, (median, p10, p90) = time_it(query, runs)
                flag = "" if median < 50 else "  (over 50 ms)"
                log(f"  {label:<48} {'':>8} {median:>8.1f} {p10:>7.1f}-{p90:<7.1f}{flag}")
            show_plans(db, tag_id, author_id)
            explain_search(db, data.common)
        from hub.db import get_engine as engine_of

        app.extensions["hub.clicklog"].close()  # its flusher stops before the instance folder goes
        engine_of(app).dispose()


def show_plans(db: Any, tag_id: int, author_id: int) -> None:
    from hub.posts import queries

    captured: list[sa.Select] = []
    original = queries._paged
    queries._paged = lambda _s, stmt, page, per_page: captured.append(stmt)  # type: ignore[assignment]
    try:
        queries.published(db)
        queries.published(db, tag_id=tag_id)
        queries.published(db, author_id=author_id)
    finally:
        queries._paged = original
    pg = db.get_bind().dialect.name == "postgresql"
    for label, stmt in zip(["home", "tag", "author"], captured, strict=True):
        compiled = stmt.limit(21).compile(db.get_bind(), compile_kwargs={"literal_binds": True})
        rows = db.execute(sa.text(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + str(compiled))).all()
        plan = [row[0] if pg else row[-1] for row in rows]
        sorts = [line for line in plan if ("TEMP B-TREE" in line or line.strip().startswith("->  Sort") or line.startswith("Sort"))]
        first_line = next((line.strip() for line in plan if "ix_post" in line), plan[0].strip())
        log(f"  plan, {label}: {'SORTS: ' + '; '.join(sorts) if sorts else 'no sort'}; reads {first_line[:110]}")


def explain_search(db: Any, word: str) -> None:
    """The plans of the search index statements of a common-word search, as the database ran them."""
    from hub.posts import queries

    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_a: Any) -> None:
        if "post_search" in statement and not statement.startswith("EXPLAIN"):
            seen.append((statement, parameters))

    engine = db.get_bind()
    sa.event.listen(engine, "before_cursor_execute", keep)
    try:
        queries.published(db, query=word)
    finally:
        sa.event.remove(engine, "before_cursor_execute", keep)
    pg = engine.dialect.name == "postgresql"
    for statement, parameters in seen:
        prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if pg else "EXPLAIN QUERY PLAN "
        rows = db.connection().exec_driver_sql(prefix + statement, parameters).all()
        lines = [str(row[0] if pg else row[-1]).strip() for row in rows]
        log(f"  search plan ({word}): {' | '.join(lines)[:400]}")
    db.rollback()


def pg_admin(url: str) -> sa.Engine:
    return sa.create_engine(make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)), isolation_level="AUTOCOMMIT")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20, help="warm runs per page")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server where the scratch database may be created")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="run one database only")
    parser.add_argument("--sqlite-file", type=Path, help="keep the SQLite database in this file (loaded only if absent)")
    args = parser.parse_args()

    if args.sqlite_file:
        reuse = args.sqlite_file.exists()
        run("SQLite", f"sqlite:///{args.sqlite_file.resolve()}", Data(args.posts, args.people), args.runs, reuse)
    elif args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="hub-bench-sqlite-") as tmp:
            run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", Data(args.posts, args.people), args.runs)
    if args.only in (None, "postgresql"):
        admin = pg_admin(args.pg_url)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        try:
            url = make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=PG_DATABASE)
            run("PostgreSQL", url.render_as_string(hide_password=False), Data(args.posts, args.people), args.runs)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
