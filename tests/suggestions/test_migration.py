"""The suggestions/topics migration keeps existing posts, revisions and people, both ways."""

from __future__ import annotations

import sqlalchemy as sa

from hub.db import make_engine
from hub.migrate import downgrade, upgrade
from tests.test_migrations import _app, empty_database  # noqa: F401  (the fixture)

BEFORE = "9502c8c31ecf"
OURS = "c0a6ffd8ee23"


def _counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = tuple(conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in ("user", "post", "post_revision"))
    engine.dispose()
    return counts  # type: ignore[return-value]


def test_existing_rows_survive_upgrade_and_downgrade(empty_database, tmp_path, monkeypatch):  # noqa: F811
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, BEFORE)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status, session_version, created_at) "
            "VALUES (1, 'a@example.com', 'x', 'A', '', '', 'employee', 'active', 1, '2026-01-01 00:00:00')"))
        conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at) VALUES (1, 1, 'draft', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
        conn.execute(sa.text(
            "INSERT INTO post_revision (id, post_id, number, kind, note, title, summary, body, body_html, tags_text, word_count, created_by_id, created_at) "
            "VALUES (1, 1, 1, 'save', '', 'T', '', 'B', '', '', 1, 1, '2026-01-01 00:00:00')"))
        conn.execute(sa.text("UPDATE post SET current_revision_id = 1 WHERE id = 1"))
    engine.dispose()

    upgrade(app, OURS)
    assert _counts(empty_database) == (1, 1, 1)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        row = conn.execute(sa.text('SELECT open_for_feedback, topic_id FROM post')).one()
        assert (bool(row[0]), row[1]) == (False, None)
        assert conn.execute(sa.text('SELECT digest_opt_in FROM "user"')).scalar_one() in (False, 0)
    engine.dispose()

    downgrade(app, BEFORE)
    assert _counts(empty_database) == (1, 1, 1)
    engine = make_engine(empty_database)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("post")}
    assert "topic_id" not in columns and "open_for_feedback" not in columns
    assert "topic" not in sa.inspect(engine).get_table_names()
    engine.dispose()
