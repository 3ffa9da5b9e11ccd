"""Benchmark: the share page ``/p/<id>/share`` signed in, against a bare Flask + Jinja page.

Run with `.venv/bin/python bench/share_page.py` (`--pg-url` / `--only` as the other benches). For
each database it

1. creates an empty database (SQLite: a temporary file; PostgreSQL: the scratch database
   `hub_bench_share_page`, dropped at the end), migrates it, and makes one published post of
   ~400 words with tags and a key point, its author, and ``--colleagues`` colleagues who each
   saved their own texts for every platform (what the similarity warnings compare against);
2. times, through the Flask test client, signed in: the *first view* of the share page by
   people who never opened it (their tracked links are made, hub's texts are built), the
   *warm* page (the same people again), the page after the person changed their own words
   (the first view of those words), and a bare Flask + Jinja page of the same size in the same
   run (the baseline); p50, p10-p90 and the ratio of p50s to the baseline;
3. prints the statements each request runs.

Figures are from this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_DATABASE = "hub_bench_share_page"
WORDS = ("team service deploy release customer support latency cache queue review metric outage incident "
         "platform database migration test pipeline build runtime memory budget quarter goal launch design").split()


def log(message: str) -> None:
    print(message, flush=True)


def body(rnd: random.Random) -> str:
    paragraphs = []
    for _ in range(6):
        sentences = []
        for _ in range(rnd.randint(3, 5)):
            words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 16))]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return "Our support team answered 18,000 tickets last quarter.\n\n" + "\n\n".join(paragraphs)


def make_app(url: str, instance: Path) -> Any:
    os.environ["HUB_INSTANCE_PATH"] = str(instance)
    from hub import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True, "WTF_CSRF_ENABLED": False,
                       "PUBLISH_DUE_ON_REQUEST": False, "BASE_URL": "http://bench.test",
                       "TRUSTED_HOSTS": "localhost"})


def setup(app: Any, colleagues: int, readers: int) -> tuple[int, list[int], list[int]]:
    """(post id, readers who never opened the page, colleagues with saved texts)."""
    from hub.auth.models import Role
    from hub.auth.services import create_user
    from hub.db import get_engine
    from hub.posts import services as posts
    from hub.posts.services import PostInput
    from hub.sharing import queries, services
    from hub.sharing.models import ShareText
    from sqlalchemy.orm import Session

    rnd = random.Random(5)
    with app.app_context(), Session(get_engine(app)) as s:
        author = create_user(s, email="author@bench.example", password="bench-password-1", display_name="Ada Author",
                             role=Role.EMPLOYEE)
        post = posts.create_draft(s, author, PostInput("How we answered 18,000 tickets with a smaller team",
                                                       "What changed in support.", body(rnd),
                                                       "support, customers, engineering"))
        posts.publish_post(s, post, author)
        s.commit()
        people = [create_user(s, email=f"p{i}@bench.example", password="bench-password-1", display_name=f"Person {i}",
                              role=Role.EMPLOYEE) for i in range(colleagues + readers)]
        s.commit()
        for person in people[:colleagues]:  # colleagues who saved their own wording on every platform
            links = services.links_for(s, post, person)
            for card in queries.cards(s, post, person, links, "http://bench.test", None,
                                      words=f"I am proud of this, {person.display_name} here."):
                s.add(ShareText(post_id=post.id, user_id=person.id, platform=card.platform, text=card.text,
                                subject=card.subject))
        s.commit()
        return post.id, [p.id for p in people[colleagues:]], [p.id for p in people[:colleagues]]


def signed_in(app: Any, user_id: int) -> Any:
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{user_id}:1"
        sess["_fresh"] = True
    return client


def timed(client: Any, method: str, path: str, **kw: Any) -> float:
    started = time.perf_counter()
    response = client.open(path, method=method, **kw)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    return elapsed


def bare_app(size: int) -> Any:
    from flask import Flask, render_template_string

    bare = Flask("bare")
    text = "x" * size

    @bare.get("/page")
    def page() -> str:
        return render_template_string("<html><body><main>{{ text }}</main></body></html>", text=text)

    return bare


def spread(values: list[float]) -> str:
    q = statistics.quantiles(values, n=10)
    return f"{statistics.median(values):7.1f} ({q[0]:.1f}-{q[-1]:.1f})"


def count_statements(app: Any, fn: Any, show: bool = False) -> int:
    from hub.db import get_engine

    seen: list[str] = []

    def hook(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(statement)

    engine = get_engine(app)
    sa.event.listen(engine, "before_cursor_execute", hook)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", hook)
    if show:
        for statement in seen:
            log("    " + " ".join(statement.split())[:150])
    return len(seen)


def run(name: str, url: str, args: argparse.Namespace) -> None:
    from hub.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix=f"hub-bench-share-{name}-") as tmp:
        instance = Path(tmp) / "instance"
        app = make_app(url, instance)
        upgrade(app)
        post_id, readers, colleagues = setup(app, args.colleagues, args.runs)
        path = f"/p/{post_id}/share"
        # Warm the process once (templates, mappers, first connection): every figure below is a worker's steady state.
        timed(signed_in(app, colleagues[0]), "GET", path)
        size = len(signed_in(app, colleagues[0]).get(path).data)
        bare = bare_app(size).test_client()
        bare.get("/page")
        if args.profile:
            import cProfile
            import pstats

            client = signed_in(app, readers[0])
            client.get(path)
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(5):
                client.get(path)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(45)
            app.extensions["hub.clicklog"].close()
            return
        first, warm, words, base = [], [], [], []
        for n, uid in enumerate(readers):  # alternate: noise on the shared machine hits both alike
            client = signed_in(app, uid)
            first.append(timed(client, "GET", path))
            warm.append(timed(client, "GET", path))
            base.append(timed(bare, "GET", "/page"))
            timed(client, "POST", f"{path}/words", data={"words": f"My own words, take {n}."})
            words.append(timed(client, "GET", path))
            base.append(timed(bare, "GET", "/page"))
        client = signed_in(app, readers[0])
        statements_warm = count_statements(app, lambda: client.get(path), args.statements)
        new = signed_in(app, colleagues[-1])
        new.post(f"{path}/words", data={"words": "Something new to say."})
        statements_words = count_statements(app, lambda: new.get(path))
        b = statistics.median(base)
        log("")
        log(f"{name}: share page of a ~400-word post, {args.colleagues} colleagues' saved texts, {len(readers)} people, "
            f"page {size:,} bytes; milliseconds, p50 (p10-p90)")
        log(f"  {'share page, first view (links made)':<44} {spread(first)}   {statistics.median(first) / b:5.1f}x bare")
        log(f"  {'share page, warm':<44} {spread(warm)}   {statistics.median(warm) / b:5.1f}x bare"
            f"   {statements_warm} statements")
        log(f"  {'share page, first view of new own words':<44} {spread(words)}   {statistics.median(words) / b:5.1f}x bare"
            f"   {statements_words} statements")
        log(f"  {'bare Flask + Jinja page, same size':<44} {spread(base)}")
        log("")
        from hub.db import get_engine

        app.extensions["hub.clicklog"].close()
        get_engine(app).dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--colleagues", type=int, default=60)
    parser.add_argument("--runs", type=int, default=30, help="people who open the page (each: first view, warm, new words)")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the warm page and stop")
    parser.add_argument("--statements", action="store_true", help="print the statements of a warm page")
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="hub-bench-share-sqlite-") as tmp:
            run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if args.only in (None, "postgresql"):
        admin = sa.create_engine(make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        try:
            url = make_url(args.pg_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=PG_DATABASE)
            run("PostgreSQL", url.render_as_string(hide_password=False), args)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
