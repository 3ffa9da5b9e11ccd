"""The full-text search migration indexes the posts written before it; its downgrade brings back
the portable term table, filled."""

from __future__ import annotations

import sqlalchemy as sa

from hub.db import get_engine, get_session, make_engine
from hub.migrate import downgrade, upgrade
from hub.posts import queries
from tests.test_migrations import _app, empty_database  # noqa: F401  (the same two-backend fixture)

BEFORE = "7f3a9c2d1e44"  # the revision before the search migration


def _at(engine: sa.Engine) -> str:
    return "2026-01-01 00:00:00" + ("" if engine.dialect.name == "sqlite" else "+00")


def test_upgrade_indexes_existing_posts_and_downgrade_restores_the_terms(empty_database, tmp_path, monkeypatch):  # noqa: F811
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, BEFORE)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        at = {"at": _at(engine)}
        conn.execute(sa.text(
            "INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status, session_version, created_at) "
            "VALUES (1, 'a@example.com', 'x', 'A', '', '', 'employee', 'active', 1, :at)"), at)
        conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at, published_at) "
                             "VALUES (1, 1, 'published', :at, :at, :at)"), at)
        for rid, title, body in ((1, "Kafka notes", "Streams **at scale**"), (2, "Kafka notes, again", "東京の開発者")):
            conn.execute(sa.text(
                "INSERT INTO post_revision (id, post_id, number, kind, note, title, summary, body, body_html, tags_text, "
                "word_count, created_by_id, created_at) VALUES (:id, 1, :id, 'save', '', :title, '', :body, '', 'Ops', 3, 1, :at)"),
                {"id": rid, "title": title, "body": body, **at})
        conn.execute(sa.text("UPDATE post SET live_revision_id = 1, current_revision_id = 2"))
    engine.dispose()
    upgrade(app)
    with app.app_context():
        db = get_session()
        assert [p.id for p in queries.published(db, query="kafka stream").items] == [1]
        assert [p.id for p in queries.published(db, query="ops").items] == [1]  # tags are indexed
        assert queries.published(db, query="東京").items == []  # only in the unpublished current revision
        author = db.get(queries.User, 1)
        assert [p.id for p in queries.my_posts(db, author, query="東京").items] == [1]
        db.close()
    get_engine(app).dispose()  # no pooled connection left for the garbage collector
    downgrade(app, BEFORE)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        terms = set(conn.execute(sa.text("SELECT scope, term FROM search_term WHERE post_id = 1")).all())
    assert {("live", "kafka"), ("live", "streams"), ("current", "東京"), ("current", "ops")} <= terms
    assert not {"post_search_live", "post_search_current"} & set(sa.inspect(engine).get_table_names())
    engine.dispose()
