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


# Notes as hub wrote them in English before `b9e4d2a7c1f3` (table, kind, note), and what the
# migration makes of each: (auto_note, what stays in note). None: left as it is (typed, or unknown).
OLD_NOTES: list[tuple[str, str, str, tuple[dict[str, object], str] | None]] = [
    ("post_revision", "restore", "Restored from revision 1", ({"key": "restored", "number": 1}, "")),
    ("post_revision", "autosave", "Kept after a pause in writing", ({"key": "kept_after_pause"}, "")),
    ("post_revision", "suggestion", "Suggestion by Cole League accepted by Ada Author",
     ({"key": "suggestion", "author": "Cole League", "actor": "Ada Author"}, "")),
    ("post_revision", "suggestion", "Suggestion by Cole League accepted by Ada Author (merged with revision 2)",
     ({"key": "suggestion", "author": "Cole League", "actor": "Ada Author", "merged": 2}, "")),
    ("post_revision", "suggestion", "Suggestion by Cole League accepted by Ada Author, merged by hand",
     ({"key": "suggestion", "author": "Cole League", "actor": "Ada Author", "by_hand": True}, "")),
    ("post_revision", "save", "Restored from revision 1", None),  # a person's words on a plain save: kept
    ("post_event", "restored", "from revision 1", ({"key": "from_revision", "number": 1}, "")),
    ("post_event", "suggestion_accepted", "Suggestion by Cole League accepted by Ada Author",
     ({"key": "suggestion", "author": "Cole League", "actor": "Ada Author"}, "")),
    ("post_event", "taken_down", "Names a customer without consent", None),
    ("post_event", "scheduled", "2026-12-01 09:00 UTC",
     ({"key": "scheduled_for", "at": "2026-12-01T09:00:00+00:00"}, "")),
    ("strategy_revision", "", "Restored from revision 1", ({"key": "restored", "number": 1}, "")),
    ("strategy_revision", "", "Shorter, warmer", None),
    ("channel_event", "created", "Requested by Ann Asker.", ({"key": "requested", "name": "Ann Asker"}, "")),
    ("channel_event", "updated", "Changed: purpose, backup owner, last activity",
     ({"key": "changed", "fields": ["purpose", "backup_owner_id", "last_activity_on"]}, "")),
    ("channel_event", "updated", "Changed: something hub never wrote", None),
    ("channel_event", "status", "Active → Dormant. Paused for the summer. Back in August",
     ({"key": "status", "from": "active", "to": "dormant"}, "Paused for the summer. Back in August")),
    ("channel_event", "status", "Dormant → Active", ({"key": "status", "from": "dormant", "to": "active"}, "")),
    ("channel_event", "activity", "Posted on 01 Jun 2025. Launch post",
     ({"key": "posted", "on": "2025-06-01"}, "Launch post")),
    ("channel_event", "activity", "Posted on 10 Jun 2025.", ({"key": "posted", "on": "2025-06-10"}, "")),
    ("channel_event", "closing_started", "Followers are pointed to @acme on LinkedIn.",
     ({"key": "main_account", "handle": "@acme", "platform": "linkedin"}, "")),
    ("channel_event", "checklist", "4 of 6 steps done.", ({"key": "checklist", "done": 4, "total": 6}, "")),
    ("channel_event", "closed", "Closed on 14 Jun 2025. Campaign over",
     ({"key": "closed", "on": "2025-06-14"}, "Campaign over")),
]


def test_the_history_notes_migration_keeps_facts_and_typed_notes_both_ways(empty_database, tmp_path, monkeypatch):
    """`b9e4d2a7c1f3` turns the English notes hub wrote into facts a reader reads in their
    language, keeps what people typed as it was, and the downgrade writes the same English back."""
    from sqlalchemy.orm import Session

    from hub.channels.models import ChannelEvent
    from hub.posts.models import PostEvent, PostRevision
    from hub.strategy.models import StrategyRevision

    app = _app(empty_database, tmp_path, monkeypatch)
    upgrade(app, "f1d9b3c6a2e8")  # just before auto_note
    engine = make_engine(empty_database)
    stamp = "'2026-01-01'"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO \"user\" (id, email, password_hash, display_name, job_title, bio, role, status,"
                             " session_version, created_at, digest_opt_in, leaderboard_opt_out, time_zone, language)"
                             f" VALUES (1, 'a@example.com', '', 'A', '', '', 'employee', 'active', 1, {stamp},"
                             " false, false, '', '')"))
        conn.execute(sa.text("INSERT INTO post (id, author_id, status, created_at, updated_at, open_for_feedback)"
                             f" VALUES (1, 1, 'draft', {stamp}, {stamp}, false)"))
        conn.execute(sa.text(f"INSERT INTO strategy_section (id, key, updated_at) VALUES (1, 'tone', {stamp})"))
        conn.execute(sa.text("INSERT INTO channel (id, platform, handle, url, purpose, audience, opened_by, agency,"
                             " campaign, status, farewell_text, created_at, updated_at) VALUES (1, 'x', '@acme_x',"
                             f" 'https://x.com/acme_x', '', '', 'internal', '', '', 'active', '', {stamp}, {stamp})"))
        for n, (table, kind, note, _converted) in enumerate(OLD_NOTES, start=1):
            values = {"id": n, "kind": kind, "note": note}
            if table == "post_revision":
                conn.execute(sa.text("INSERT INTO post_revision (id, post_id, number, kind, note, title, summary, body,"
                                     " body_html, tags_text, word_count, created_by_id, created_at) VALUES (:id, 1,"
                                     f" :id, :kind, :note, 'T', '', 'B', '', '', 1, 1, {stamp})"), values)
            elif table == "strategy_revision":
                conn.execute(sa.text("INSERT INTO strategy_revision (id, section_id, number, body, body_html, note,"
                                     f" created_by_id, created_at) VALUES (:id, 1, :id, 'B', '', :note, 1, {stamp})"),
                             values)
            elif table == "post_event":
                conn.execute(sa.text("INSERT INTO post_event (id, post_id, actor_id, kind, note, created_at)"
                                     f" VALUES (:id, 1, 1, :kind, :note, {stamp})"), values)
            else:
                conn.execute(sa.text("INSERT INTO channel_event (id, channel_id, actor_id, kind, note, link, created_at)"
                                     f" VALUES (:id, 1, 1, :kind, :note, '', {stamp})"), values)
    engine.dispose()

    upgrade(app)
    engine = make_engine(empty_database)
    models = {"post_revision": PostRevision, "post_event": PostEvent, "strategy_revision": StrategyRevision,
              "channel_event": ChannelEvent}
    with Session(engine) as session:
        rows = {(table, n): session.get(models[table], n) for n, (table, *_rest) in enumerate(OLD_NOTES, start=1)}
        moment = next(n for n, (_table, kind, *_rest) in enumerate(OLD_NOTES, start=1) if kind == "scheduled")
        for n, (table, _kind, note, converted) in enumerate(OLD_NOTES, start=1):
            row = rows[table, n]
            assert (row.auto_note, row.note) == (converted or (None, note)), (table, note)
        with app.test_request_context(headers={"Accept-Language": "en"}):
            for n, (table, kind, note, _converted) in enumerate(OLD_NOTES, start=1):
                if kind != "scheduled":  # a moment is now written as every other on the page: below
                    assert rows[table, n].note_text == note  # English reads exactly as it did
            english_moment = rows["post_event", moment].note_text
        with app.test_request_context(headers={"Accept-Language": "sv"}):
            said = {note: rows[table, n].note_text for n, (table, _kind, note, _c) in enumerate(OLD_NOTES, start=1)}
            html = rows["post_revision", 3].note_html
            said_moment = rows["post_event", moment].note_text
        with app.test_request_context(headers={"Accept-Language": "de"}):
            german = {note: rows[table, n].note_text for n, (table, _kind, note, _c) in enumerate(OLD_NOTES, start=1)}
    engine.dispose()
    assert said["Restored from revision 1"] == "Återställd från version 1"
    assert (english_moment, said_moment) == ("01 Dec 2026, 09:00 UTC", "1 dec. 2026 09:00 UTC")
    assert said["Active → Dormant. Paused for the summer. Back in August"] == (
        "Aktivt → Vilande. Paused for the summer. Back in August")  # the typed part stays as typed
    assert said["Posted on 01 Jun 2025. Launch post"] == "Publicerat den 1 juni 2025. Launch post"
    assert said["Names a customer without consent"] == "Names a customer without consent"
    assert str(html) == "Förslag från <bdi>Cole League</bdi>, accepterat av <bdi>Ada Author</bdi>"
    assert german["Suggestion by Cole League accepted by Ada Author, merged by hand"] == (
        "Vorschlag von Cole League, angenommen von Ada Author, von Hand zusammengeführt")
    assert german["Changed: purpose, backup owner, last activity"] == "Geändert: Zweck, Vertretung, Letzte Aktivität"
    assert german["4 of 6 steps done."] == "4 von 6 Schritten erledigt."
    assert german["Followers are pointed to @acme on LinkedIn."] == (
        "Die Follower werden zu @acme auf LinkedIn weitergeleitet.")
    assert german["Closed on 14 Jun 2025. Campaign over"] == "Geschlossen am 14.06.2025. Campaign over"

    downgrade(app, "f1d9b3c6a2e8")  # and back: the English text, as it was
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        for n, (table, _kind, note, _converted) in enumerate(OLD_NOTES, start=1):
            assert conn.execute(sa.text(f"SELECT note FROM {table} WHERE id = :id"), {"id": n}).scalar_one() == note
        assert all("auto_note" not in {c["name"] for c in sa.inspect(conn).get_columns(t)} for t in models)
    engine.dispose()
