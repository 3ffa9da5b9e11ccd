"""The insights migration rolls up the clicks recorded before it, and its downgrade works."""

from __future__ import annotations

import sqlalchemy as sa

from hub.db import make_engine
from hub.migrate import downgrade, upgrade
from tests.test_migrations import _app, empty_database  # noqa: F401  (the same two-backend fixture)

BEFORE = "eee092da95f6"  # the revision before the insights migration
CLICKS = [  # (uid, at in UTC, is_bot, visitor)
    ("u1", "2026-03-01 00:00:00", False, "r1"),
    ("u2", "2026-03-01 23:59:59", False, "r1"),
    ("u3", "2026-03-01 12:00:00", True, "b1"),
    ("u4", "2026-03-02 00:00:00", False, "r2"),
]


def _at(engine: sa.Engine, text: str) -> str:
    return text if engine.dialect.name == "sqlite" else text + "+00"


def test_upgrade_fills_the_rollups_from_existing_clicks(empty_database, tmp_path, monkeypatch):  # noqa: F811
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, BEFORE)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status, session_version, created_at) "
            "VALUES (1, 'a@example.com', 'x', 'A', '', '', 'employee', 'active', 1, :at)"), {"at": _at(engine, "2026-01-01 00:00:00")})
        conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at) VALUES (1, 1, 'published', :at, :at)"),
                     {"at": _at(engine, "2026-01-01 00:00:00")})
        conn.execute(sa.text("INSERT INTO share_link (id, code, post_id, user_id, platform, created_at) VALUES (1, 'abc', 1, 1, 'x', :at)"),
                     {"at": _at(engine, "2026-01-01 00:00:00")})
        for uid, at, bot, visitor in CLICKS:
            conn.execute(sa.text("INSERT INTO click (uid, link_id, post_id, user_id, platform, at, is_bot, visitor) "
                                 "VALUES (:uid, 1, 1, 1, 'x', :at, :bot, :visitor)"),
                         {"uid": uid, "at": _at(engine, at), "bot": bot, "visitor": visitor})
    upgrade(app)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT scope, CAST(day AS VARCHAR(10)), post_id, user_id, platform, is_bot, clicks, visitors FROM click_rollup "
            "WHERE scope IN ('site', 'user_plat') ORDER BY scope, day, is_bot")).all()
    assert [tuple(r) for r in rows] == [
        ("site", "2026-03-01", 0, 0, "", False, 2, 1),
        ("site", "2026-03-01", 0, 0, "", True, 1, 1),
        ("site", "2026-03-02", 0, 0, "", False, 1, 1),
        ("user_plat", "2026-03-01", 0, 1, "x", False, 2, 1),
        ("user_plat", "2026-03-01", 0, 1, "x", True, 1, 1),
        ("user_plat", "2026-03-02", 0, 1, "x", False, 1, 1),
    ]
    engine.dispose()
    downgrade(app, BEFORE)
    engine = make_engine(empty_database)
    assert "click_rollup" not in sa.inspect(engine).get_table_names()
    assert "leaderboard_opt_out" not in {c["name"] for c in sa.inspect(engine).get_columns("user")}
    engine.dispose()
