"""Alembic: `upgrade head` on an empty database gives exactly the models' schema; downgrade works."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub import create_app
from hub.db import Base, make_engine
from hub.migrate import downgrade, upgrade
from hub.posts import search
from tests.conftest import PgDatabase, _pg_base_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    base = _pg_base_url()
    if not base:
        pytest.skip("PostgreSQL leg skipped: HUB_TEST_DATABASE_URL is not set")
    db = PgDatabase(base, f"hub_migrations_{os.getpid()}")
    yield db.url_string
    db.drop()


def _app(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})


def test_upgrade_head_matches_the_models_and_downgrade_empties(empty_database, tmp_path, monkeypatch):
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                         "include_name": search.alembic_include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"migrations and models disagree: {diff}"
    tables = set(sa.inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert {search.table(scope) for scope in search.SCOPES} <= tables  # the full-text index, raw DDL
    engine.dispose()

    downgrade(app, "base")
    engine = make_engine(empty_database)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()

    upgrade(app)  # and up again: the downgrade left nothing behind that blocks it
    engine = make_engine(empty_database)
    assert "post_revision" in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_the_language_migration_detects_the_language_of_existing_revisions(empty_database, tmp_path, monkeypatch):
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, "a7c3e9d1f260")  # just before post_revision.language
    engine = make_engine(empty_database)
    texts = {
        "ar": ("فريق الدعم لدينا", "أجاب فريق الدعم على ثمانية عشر ألف تذكرة في الربع الأخير، وانخفض عدد التذاكر بمقدار الثلث."),
        "sv": ("Vårt supportteam", "Supportteamet svarade på artontusen ärenden förra kvartalet och antalet ärenden minskade."),
        "en": ("Our support team", "Our support team answered eighteen thousand tickets last quarter, and tickets dropped."),
    }
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status,"
                             " session_version, created_at, digest_opt_in, leaderboard_opt_out, time_zone) VALUES"
                             " (1, 'a@example.com', '', 'A', '', '', 'employee', 'active', 1, '2026-01-01', false, false, '')"))
        for n, (title, body) in enumerate(texts.values(), start=1):
            conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at, open_for_feedback)"
                                 " VALUES (:n, 1, 'draft', '2026-01-01', '2026-01-01', false)"), {"n": n})
            conn.execute(sa.text("INSERT INTO post_revision (id, post_id, number, kind, note, title, summary, body,"
                                 " body_html, tags_text, word_count, created_by_id, created_at) VALUES (:n, :n, 1,"
                                 " 'save', '', :title, '', :body, '', '', 10, 1, '2026-01-01')"),
                         {"n": n, "title": title, "body": body})
    engine.dispose()

    upgrade(app)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        found = dict(conn.execute(sa.text("SELECT id, language FROM post_revision ORDER BY id")).all())
    engine.dispose()
    assert found == {1: "ar", 2: "sv", 3: "en"}


def test_the_sealing_migration_seals_addresses_and_points_the_outbox_at_its_channel(empty_database, tmp_path,
                                                                                   monkeypatch):
    from hub.lib.sealed import is_sealed, unseal

    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, "c3f8a2d5e7b1")  # just before the addresses were sealed
    engine = make_engine(empty_database)
    address = "https://hooks.slack.com/services/T0001/B0002/s3cr3tPathXyZ"
    gone = "https://hooks.slack.com/services/T0001/B0003/removedChannel"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO chat_webhook (id, kind, name, url, url_hint, events_text, areas_text,"
                             " created_at) VALUES (7, 'slack', '#marketing', :url, 'https://hooks.slack.com/…hXyZ',"
                             " 'topic', '', '2026-01-01')"), {"url": address})
        for n, (url, status) in enumerate([(address, "pending"), (address, "failed"), (gone, "pending")], start=1):
            conn.execute(sa.text("INSERT INTO outbox_message (id, kind, recipient, subject, body, url, status, attempts,"
                                 " next_attempt_at, created_at) VALUES (:n, 'webhook', 'Slack #marketing', '', '{}',"
                                 " :url, :status, 0, '2026-01-01', '2026-01-01')"), {"n": n, "url": url, "status": status})
    engine.dispose()

    upgrade(app)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        sealed = conn.execute(sa.text("SELECT sealed_url FROM chat_webhook WHERE id = 7")).scalar_one()
        messages = conn.execute(sa.text("SELECT id, target, status, last_error FROM outbox_message ORDER BY id")).all()
        everything = repr(conn.execute(sa.text("SELECT * FROM chat_webhook")).all()) + repr(
            conn.execute(sa.text("SELECT * FROM outbox_message")).all())
    engine.dispose()
    assert is_sealed(sealed) and unseal(sealed, ["x"]) == address  # sealed with the app's SECRET_KEY ("x")
    assert "s3cr3t" not in everything and "removedChannel" not in everything
    assert [(m.id, m.target, m.status) for m in messages] == [(1, "chat:7", "pending"), (2, "chat:7", "failed"),
                                                             (3, None, "failed")]
    assert "removed" in messages[2].last_error

    downgrade(app, "c3f8a2d5e7b1")  # and back: the plain address returns
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT url FROM chat_webhook WHERE id = 7")).scalar_one() == address
        assert conn.execute(sa.text("SELECT url FROM outbox_message WHERE id = 1")).scalar_one() == address
    engine.dispose()


def test_the_migrated_click_table_holds_its_links_without_a_foreign_key(empty_database, tmp_path, monkeypatch):
    """After `f1d9b3c6a2e8` the click's link is held by triggers (hub.sharing.linkcheck), on the
    migrated schema as on create_all's; downgrading brings the foreign key back."""
    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app)
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status,"
                             " session_version, created_at, digest_opt_in, leaderboard_opt_out, time_zone, language)"
                             " VALUES (1, 'a@example.com', '', 'A', '', '', 'employee', 'active', 1, '2026-01-01',"
                             " false, false, '', '')"))
        conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at, open_for_feedback)"
                             " VALUES (1, 1, 'published', '2026-01-01', '2026-01-01', false)"))
        for link_id in (1, 2):
            conn.execute(sa.text("INSERT INTO share_link (id, code, post_id, user_id, platform, created_at) VALUES"
                                 " (:id, :code, 1, 1, :platform, '2026-01-01')"),
                         {"id": link_id, "code": f"code{link_id}", "platform": ("x", "linkedin")[link_id - 1]})
        for uid, link_id in (("a", 1), ("b", 1), ("c", 2)):
            conn.execute(sa.text("INSERT INTO click (uid, link_id, post_id, user_id, platform, at, is_bot) VALUES"
                                 " (:uid, :link, 1, 1, 'x', '2026-01-02', false)"), {"uid": uid, "link": link_id})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO click (uid, link_id, post_id, user_id, platform, at, is_bot) VALUES"
                             " ('d', 99, 1, 1, 'x', '2026-01-02', false)"))
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM share_link WHERE id = 1"))
        assert conn.execute(sa.text("SELECT uid FROM click ORDER BY uid")).scalars().all() == ["c"]
    engine.dispose()

    downgrade(app, "c4e8a1f7d2b6")
    engine = make_engine(empty_database)
    keys = {fk["referred_table"] for fk in sa.inspect(engine).get_foreign_keys("click")}
    engine.dispose()
    assert keys == {"share_link"}
