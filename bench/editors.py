"""Benchmark: SQLite publishing with 8 concurrent editors (each its own connection and thread).

Run with `.venv/bin/python bench/editors.py` (`--editors`, `--rounds`, `--posts`, `--via`). On a
temporary SQLite file (migrated, `--posts` published posts already there so the search index is
not empty), each editor repeats: write a draft of ~300 words; save a new revision; publish it.
``--via services`` (the default) calls the services a request uses (hub.posts.services), each
step one transaction as the request's unit of work makes it, on threads of this process.
``--via app`` sends the editor's real requests (POST /write, POST /posts/<id>/edit, POST
/posts/<id>/publish) through the Flask app with a test client per thread: the unit of work's
BEGIN ... COMMIT, the view, the form and the redirect are in the time. ``--via gunicorn`` sends
them over HTTP to gunicorn (``--workers`` processes x ``--threads`` threads, gthread), so
writers of several processes queue for the one SQLite file. It prints p50/p99/max of each step
with 1 editor, then with ``--editors`` at once (the ratio of p99s is the queueing), and how many
steps failed ("database is locked", or a response that is not a redirect). Figures are from
this machine; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

WORDS = ("team service deploy release customer support latency cache queue review metric outage incident "
         "platform database migration test pipeline build runtime memory budget quarter goal launch design").split()


def log(message: str) -> None:
    print(message, flush=True)


def body(rnd: random.Random) -> str:
    return "\n\n".join(" ".join(rnd.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(5))


def editor(app: Any, user_id: int, rounds: int, seed: int, out: dict[str, list[float]], errors: list[str]) -> None:
    from sqlalchemy.orm import Session

    from hub.auth.models import User
    from hub.db import get_engine
    from hub.posts import services
    from hub.posts.services import PostInput

    rnd = random.Random(seed)
    engine = get_engine(app)
    with app.app_context():
        for n in range(rounds):
            for step in ("draft", "save", "publish"):
                started = time.perf_counter()
                try:
                    with Session(engine, expire_on_commit=False) as s:
                        author = s.get(User, user_id)
                        if step == "draft":
                            post = services.create_draft(s, author, PostInput(f"Editor {user_id} post {n}", "", body(rnd)))
                        else:
                            post = s.get(services.Post, out.setdefault("_post", [0])[-1])
                            if step == "save":
                                services.save_revision(s, post, author, PostInput(f"Editor {user_id} post {n}, again",
                                                                                  "", body(rnd)),
                                                       base_revision_id=post.current_revision_id)
                            else:
                                services.publish_post(s, post, author)
                        s.commit()
                        if step == "draft":
                            out["_post"] = [post.id]
                except sa.exc.OperationalError as exc:
                    errors.append(f"{step}: {exc.orig}")
                out.setdefault(step, []).append((time.perf_counter() - started) * 1000)


def post_id_of(location: str) -> int:
    return int(location.split("/posts/")[1].split("/")[0])


def current_revision(app: Any, post_id: int) -> int:
    from sqlalchemy.orm import Session

    from hub.db import get_engine
    from hub.posts.models import Post

    with Session(get_engine(app)) as s:
        post = s.get(Post, post_id)
        assert post is not None and post.current_revision_id is not None
        return post.current_revision_id


def session_cookie(app: Any, user_id: int) -> str:
    """The signed session cookie of ``user_id`` signed in (what the sign-in page sets: id, session version 1)."""
    return str(app.session_interface.get_signing_serializer(app).dumps({"_user_id": f"{user_id}:1", "_fresh": True}))


def request_editor(app: Any, send: Any, user_id: int, rounds: int, seed: int, out: dict[str, list[float]],
                   errors: list[str]) -> None:
    """An editor through the app: ``send(method, path, form) -> (status, location)``."""
    rnd = random.Random(seed)
    for n in range(rounds):
        post_id = 0
        for step in ("draft", "save", "publish"):
            if step == "draft":
                path, form = "/write", {"title": f"Editor {user_id} post {n}", "body": body(rnd), "action": "save"}
            elif step == "save":
                path, form = f"/posts/{post_id}/edit", {"title": f"Editor {user_id} post {n}, again", "body": body(rnd),
                                                        "base_revision_id": str(current_revision(app, post_id)),
                                                        "action": "save"}
            else:
                path, form = f"/posts/{post_id}/publish", {}
            started = time.perf_counter()
            status, location = send("POST", path, form)
            out.setdefault(step, []).append((time.perf_counter() - started) * 1000)
            if status != 302:
                errors.append(f"{step}: HTTP {status}")
                break
            if step == "draft":
                post_id = post_id_of(location)


def app_editor(app: Any, user_id: int, rounds: int, seed: int, out: dict[str, list[float]], errors: list[str]) -> None:
    client = app.test_client()
    client.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), session_cookie(app, user_id))

    def send(method: str, path: str, form: dict[str, str]) -> tuple[int, str]:
        response = client.open(path, method=method, data=form)
        return response.status_code, response.headers.get("Location", "")

    request_editor(app, send, user_id, rounds, seed, out, errors)


def http_editor(app: Any, port: int, user_id: int, rounds: int, seed: int, out: dict[str, list[float]],
                errors: list[str]) -> None:
    import http.client
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookie = f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={session_cookie(app, user_id)}"

    def send(method: str, path: str, form: dict[str, str]) -> tuple[int, str]:
        conn.request(method, path, urlencode(form), {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Cookie": cookie, "Host": "localhost"})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")

    request_editor(app, send, user_id, rounds, seed, out, errors)
    conn.close()


def run_editors(app: Any, users: list[int], rounds: int,
                target: Any = None) -> tuple[dict[str, list[float]], list[str]]:
    results: list[dict[str, list[float]]] = [{} for _ in users]
    errors: list[str] = []
    threads = [threading.Thread(target=target or editor, args=(app, uid, rounds, uid, results[i], errors))
               for i, uid in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    merged: dict[str, list[float]] = {}
    for r in results:
        for step, values in r.items():
            if not step.startswith("_"):
                merged.setdefault(step, []).extend(values)
    return merged, errors


SERVED = {"SECRET_KEY": "bench", "PUBLISH_DUE_ON_REQUEST": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
          "WTF_CSRF_ENABLED": False, "WARM_UP": False}


def served_app() -> Any:
    """The app gunicorn serves (``--via gunicorn``): the bench's database, CSRF off, warmed up
    before serving as in production (the language model too: a cold worker's first save waited
    seconds for it, on any code)."""
    from hub import create_app
    from hub.rewrite.language import detect_language

    detect_language("the team shipped the release of the service this quarter")
    return create_app({**SERVED, "WARM_UP": True, "DATABASE_URL": os.environ["HUB_BENCH_DATABASE_URL"]})


def serve(url: str, workers: int, threads: int) -> tuple[Any, int]:
    import socket
    import subprocess

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads), "--worker-class",
         "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "bench.editors:served_app()"],
        cwd=ROOT, env={**os.environ, "HUB_BENCH_DATABASE_URL": url})
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=15, help="posts each editor writes, saves and publishes")
    parser.add_argument("--posts", type=int, default=2000, help="published posts there before")
    parser.add_argument("--via", choices=("services", "app", "gunicorn"), default="services")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (--via gunicorn)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (--via gunicorn)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-editors-") as tmp:
        os.environ["HUB_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        from sqlalchemy.orm import Session

        from hub import create_app
        from hub.auth.models import Role
        from hub.auth.services import create_user
        from hub.db import get_engine
        from hub.migrate import upgrade

        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app({**SERVED, "DATABASE_URL": url})
        upgrade(app)
        with app.app_context(), Session(get_engine(app)) as s:
            users = [create_user(s, email=f"e{i}@bench.example", password="bench-password-1", display_name=f"Editor {i}",
                                 role=Role.EMPLOYEE).id for i in range(args.editors + 1)]
            s.commit()
        log(f"seeding {args.posts:,} published posts ...")
        run_editors(app, users[:1], args.posts // 3)  # each round leaves one published post with 2 revisions
        server = None
        target: Any = editor
        if args.via == "app":
            target = app_editor
        elif args.via == "gunicorn":
            server, port = serve(url, args.workers, args.threads)

            def target(a: Any, *rest: Any) -> None:
                http_editor(a, port, *rest)
        try:
            if args.via != "services":  # one unmeasured round first: templates compiled, workers warm
                run_editors(app, users, 1, target)
            alone, alone_errors = run_editors(app, users[:1], args.rounds, target)
            many, many_errors = run_editors(app, users[1:], args.rounds, target)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
        log("")
        how = {"services": "one transaction each, through hub.posts.services",
               "app": "one request each, through the Flask app (test client)",
               "gunicorn": f"one request each, over HTTP to gunicorn {args.workers} workers x {args.threads} threads"}
        log(f"SQLite: {args.rounds} rounds per editor; milliseconds per step ({how[args.via]}): p50 / p99 / max")
        log(f"  {'step':<10} {'1 editor':>26}   {f'{args.editors} editors at once':>26}   p99 ratio")
        for step in ("draft", "save", "publish"):
            a, m = alone[step], many[step]
            log(f"  {step:<10} {statistics.median(a):8.1f} {pct(a, 0.99):8.1f} {max(a):8.1f}   "
                f"{statistics.median(m):8.1f} {pct(m, 0.99):8.1f} {max(m):8.1f}   {pct(m, 0.99) / pct(a, 0.99):6.1f}x")
        log(f"  failed steps: {len(alone_errors)} alone, {len(many_errors)} with {args.editors} editors"
            + (f" (first: {many_errors[0]})" if many_errors else ""))
        app.extensions["hub.clicklog"].close()
        get_engine(app).dispose()


if __name__ == "__main__":
    main()
