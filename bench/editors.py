"""Benchmark: SQLite publishing with 8 concurrent editors (each its own connection and thread).

Run with `.venv/bin/python bench/editors.py` (`--editors`, `--rounds`, `--posts`). On a
temporary SQLite file (migrated, `--posts` published posts already there so the search index is
not empty), each editor repeats: write a draft of ~300 words and commit; save a new revision and
commit; publish it and commit, through the services a request uses (hub.posts.services), each
step one transaction as the request's unit of work makes it. It prints p50/p99/max of each step
with 1 editor, then with ``--editors`` at once (the ratio of p99s is the queueing), and how many
steps failed with "database is locked". Figures are from this machine; nothing is asserted.
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


def run_editors(app: Any, users: list[int], rounds: int) -> tuple[dict[str, list[float]], list[str]]:
    results: list[dict[str, list[float]]] = [{} for _ in users]
    errors: list[str] = []
    threads = [threading.Thread(target=editor, args=(app, uid, rounds, uid, results[i], errors))
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--editors", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=15, help="posts each editor writes, saves and publishes")
    parser.add_argument("--posts", type=int, default=2000, help="published posts there before")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-editors-") as tmp:
        os.environ["HUB_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        from sqlalchemy.orm import Session

        from hub import create_app
        from hub.auth.models import Role
        from hub.auth.services import create_user
        from hub.db import get_engine
        from hub.migrate import upgrade

        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SECRET_KEY": "bench",
                          "PUBLISH_DUE_ON_REQUEST": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        upgrade(app)
        with app.app_context(), Session(get_engine(app)) as s:
            users = [create_user(s, email=f"e{i}@bench.example", password="bench-password-1", display_name=f"Editor {i}",
                                 role=Role.EMPLOYEE).id for i in range(args.editors + 1)]
            s.commit()
        log(f"seeding {args.posts:,} published posts ...")
        run_editors(app, users[:1], args.posts // 3)  # each round leaves one published post with 2 revisions
        alone, alone_errors = run_editors(app, users[:1], args.rounds)
        many, many_errors = run_editors(app, users[1:], args.rounds)
        log("")
        log(f"SQLite: {args.rounds} rounds per editor; milliseconds per step (one transaction each): p50 / p99 / max")
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
