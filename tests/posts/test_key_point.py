"""The author's key point: stored with each revision, carried through every kind of save, shown
in the editor (with hub's suggestion, never autosaved as if typed), compared across revisions."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from hub.db import make_engine
from hub.errors import ValidationError
from hub.migrate import downgrade, upgrade
from hub.posts import services
from hub.posts.models import PostRevision
from hub.posts.services import KEY_POINT_MAX, PostInput
from hub.rewrite import suggest_key_point
from tests.test_migrations import _app, empty_database  # noqa: F401  (the same two-backend fixture)

BODY = "Small pull requests get reviewed within hours. Big ones wait for days.\n\nSo we split our work."
KEY = "Small pull requests get reviewed in hours, not days."


def _save(session, post, data, **kw):  # type: ignore[no-untyped-def]
    rev = services.save_revision(
        session, post, post.author, data, base_revision_id=post.current_revision_id, **kw
    )
    session.commit()
    return rev


# --- services ---------------------------------------------------------------------------------


def test_key_point_is_stored_per_revision_and_carried_over(session, make_user):
    author = make_user()
    post = services.create_draft(session, author, PostInput("Small PRs", "", BODY, key_point=f"  {KEY}\n"))
    session.commit()
    assert post.current_revision.key_point == KEY  # trimmed, single-spaced
    # a save that does not mention the key point keeps it
    second = _save(session, post, PostInput("Small PRs", "", BODY + " More."))
    assert second.number == 2 and second.key_point == KEY
    # changing only the key point is a change: a new revision
    third = _save(session, post, PostInput("Small PRs", "", BODY + " More.", key_point="Split the work."))
    assert third.number == 3 and third.key_point == "Split the work."
    # the same content and key point again adds nothing
    assert (
        _save(session, post, PostInput("Small PRs", "", BODY + " More.", key_point="Split the work.")).id
        == third.id
    )
    # clearing it on purpose is stored as "" (the editor then offers no suggestion)
    fourth = _save(session, post, PostInput("Small PRs", "", BODY + " More.", key_point=""))
    assert fourth.number == 4 and fourth.key_point == ""
    history = session.scalars(
        sa.select(PostRevision.key_point).where(PostRevision.post_id == post.id).order_by(PostRevision.number)
    ).all()
    assert history == [KEY, KEY, "Split the work.", ""]


def test_publish_restore_and_accepted_suggestions_keep_the_key_point(session, make_user):
    author = make_user()
    post = services.create_draft(session, author, PostInput("Small PRs", "", BODY, key_point=KEY))
    services.publish_post(session, post, author)
    session.commit()
    assert post.live_revision.key_point == KEY
    _save(session, post, PostInput("Small PRs", "", BODY, key_point="Another point."))
    restored = services.restore_revision(
        session, post, author, post.live_revision, base_revision_id=post.current_revision_id
    )
    session.commit()
    assert restored.number == 3 and restored.key_point == KEY
    colleague = make_user()
    applied = services.apply_suggested_revision(
        session,
        post,
        author,
        colleague,
        title="Small PRs, big wins",
        summary="",
        body=BODY,
        base_revision_id=post.current_revision_id,
        note="title",
    )
    session.commit()
    assert applied.created_by_id == colleague.id and applied.key_point == KEY


def test_restoring_a_revision_without_a_key_point_restores_none(session, make_user):
    author = make_user()
    post = services.create_draft(session, author, PostInput("Small PRs", "", BODY))
    first = post.current_revision
    assert first.key_point is None
    _save(session, post, PostInput("Small PRs", "", BODY, key_point=KEY))
    restored = services.restore_revision(
        session, post, author, first, base_revision_id=post.current_revision_id
    )
    assert restored.key_point == ""  # "no key point", as the old revision had


@pytest.mark.parametrize("key_point", ["x" * (KEY_POINT_MAX + 1), "word " * 100])
def test_an_overlong_key_point_is_refused_with_a_clear_message(session, make_user, key_point):
    author = make_user()
    with pytest.raises(ValidationError) as info:
        services.create_draft(session, author, PostInput("Small PRs", "", BODY, key_point=key_point))
    assert info.value.field == "key_point" and f"{KEY_POINT_MAX} characters" in info.value.message


# --- the editor over HTTP -----------------------------------------------------------------------


@pytest.fixture
def author(auth, make_user):
    return auth.login(make_user())


def _field(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return match.group(1).strip()


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*id="{name}"[^>]*>', page)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_editor_offers_a_suggestion_marked_as_such(client, author, make_post):
    post = make_post(author=author, title="Small PRs", body=BODY)
    page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    suggestion = suggest_key_point("Small PRs", BODY)
    assert suggestion  # the text has a usable sentence
    assert _field(page, "key_point") == suggestion
    assert _hidden(page, "key_point_suggested") == "1"
    assert 'id="key-point-badge"' in page and "Suggested by hub" in page
    assert f"{len(suggestion)} / {KEY_POINT_MAX}" in page


def test_editor_shows_the_authors_own_key_point_and_no_suggestion(client, author, session):
    post = services.create_draft(session, author, PostInput("Small PRs", "", BODY, key_point=KEY))
    session.commit()
    page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert _field(page, "key_point") == KEY and _hidden(page, "key_point_suggested") != "1"
    cleared = services.create_draft(session, author, PostInput("Other", "", BODY, key_point=""))
    session.commit()
    page = client.get(f"/posts/{cleared.id}/edit").get_data(as_text=True)
    assert _field(page, "key_point") == "" and _hidden(page, "key_point_suggested") != "1"


def _form(post, **extra):  # type: ignore[no-untyped-def]
    return {
        "title": "Small PRs",
        "body": BODY + " Edited.",
        "base_revision_id": post.current_revision_id,
        **extra,
    }


def test_autosave_never_keeps_an_untouched_suggestion(client, author, make_post, session):
    post = make_post(author=author, title="Small PRs", body=BODY)
    response = client.post(
        f"/posts/{post.id}/autosave", data=_form(post, key_point="hub's idea", key_point_suggested="1")
    )
    assert response.status_code == 200
    # autosave keeps a working copy (no revision); the untouched suggestion is not in it
    copy = services.working_copy(session, post, author)
    assert copy.body.endswith("Edited.") and copy.content["key_point"] is None
    token = response.get_json()["working_copy_token"]
    client.post(f"/posts/{post.id}/edit", data=_form(post, working_copy_token=token))  # Save draft
    session.refresh(post)
    assert post.current_revision.number == 2 and post.current_revision.key_point is None


def test_autosave_keeps_what_the_author_typed(client, author, make_post, session):
    post = make_post(author=author, title="Small PRs", body=BODY)
    response = client.post(
        f"/posts/{post.id}/autosave", data=_form(post, key_point=KEY, key_point_suggested="0")
    )
    assert response.status_code == 200
    assert services.working_copy(session, post, author).content["key_point"] == KEY
    page = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)  # reopened: the working copy's
    assert KEY in page and 'id="working-copy"' in page


def test_saving_the_form_with_the_suggestion_keeps_it(client, author, make_post, session):
    post = make_post(author=author, title="Small PRs", body=BODY)
    response = client.post(
        f"/posts/{post.id}/edit", data=_form(post, key_point="Take this.", key_point_suggested="1")
    )
    assert response.status_code == 302
    session.refresh(post)
    assert post.current_revision.key_point == "Take this."
    # an empty suggestion saved with the form stays "not set": hub keeps suggesting
    post2 = make_post(author=author, title="Other", body=BODY)
    client.post(f"/posts/{post2.id}/edit", data=_form(post2, key_point="", key_point_suggested="1"))
    session.refresh(post2)
    assert post2.current_revision.key_point is None


def test_an_overlong_key_point_loses_nothing(client, author, make_post, session):
    post = make_post(author=author, title="Small PRs", body=BODY)
    long = "Too long " * 40
    response = client.post(
        f"/posts/{post.id}/autosave", data=_form(post, key_point=long, key_point_suggested="0")
    )
    assert response.status_code == 422
    assert f"{KEY_POINT_MAX} characters" in response.get_json()["fields"]["key_point"][0]
    response = client.post(
        f"/posts/{post.id}/edit", data=_form(post, key_point=long, key_point_suggested="0")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"{KEY_POINT_MAX} characters" in page
    assert long.strip() in page and "Edited." in page  # what was typed comes back
    session.refresh(post)
    assert post.current_revision.number == 1


def test_compare_and_revision_pages_show_the_key_point(client, author, session):
    post = services.create_draft(session, author, PostInput("Small PRs", "", BODY, key_point="First point."))
    session.commit()
    client.post(f"/posts/{post.id}/edit", data=_form(post, key_point="Second point."))
    diff = client.get(f"/posts/{post.id}/compare?a=1&b=2").get_data(as_text=True)
    assert "<h2>Key point</h2>" in diff and "<del>First</del>" in diff and "<ins>Second</ins>" in diff
    page = client.get(f"/posts/{post.id}/revisions/2").get_data(as_text=True)
    assert "Second point." in page


def test_preview_suggests_a_key_point_only_when_asked(client, author):
    asked = client.post(
        "/posts/preview", data={"title": "Small PRs", "body": BODY, "want_key_point": "1"}
    ).get_json()
    assert asked["key_point"] == suggest_key_point("Small PRs", BODY)
    assert client.post("/posts/preview", data={"body": BODY}).get_json()["key_point"] is None


# --- the migration ------------------------------------------------------------------------------


def test_migration_adds_an_empty_key_point_to_existing_revisions(empty_database, tmp_path, monkeypatch):  # noqa: F811
    app = _app(empty_database, tmp_path, monkeypatch)
    before = "2cb6233666a1"
    upgrade(app, before)
    engine = make_engine(empty_database)
    at = "2026-01-01 00:00:00" + ("" if engine.dialect.name == "sqlite" else "+00")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                'INSERT INTO "user" (id, email, password_hash, display_name, job_title, bio, role, status, '
                "session_version, created_at, leaderboard_opt_out) "
                "VALUES (1, 'a@example.com', 'x', 'A', '', '', 'employee', 'active', 1, :at, :f)"
            ),
            {"at": at, "f": False},
        )
        conn.execute(
            sa.text(
                "INSERT INTO post (id, author_id, status, created_at, updated_at) "
                "VALUES (1, 1, 'draft', :at, :at)"
            ),
            {"at": at},
        )
        conn.execute(
            sa.text(
                "INSERT INTO post_revision (id, post_id, number, kind, note, title, summary, body, body_html, "
                "tags_text, word_count, created_by_id, created_at) "
                "VALUES (1, 1, 1, 'save', '', 'T', '', 'B', '<p>B</p>', '', 1, 1, :at)"
            ),
            {"at": at},
        )
    engine.dispose()
    upgrade(app)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT title, key_point FROM post_revision")).one() == ("T", None)
        assert conn.execute(sa.text("SELECT count(*) FROM share_own_words")).scalar() == 0
    engine.dispose()
    downgrade(app, before)
    engine = make_engine(empty_database)
    assert "key_point" not in {c["name"] for c in sa.inspect(engine).get_columns("post_revision")}
    assert "share_own_words" not in sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT title FROM post_revision")).scalar() == "T"
    engine.dispose()


def test_the_editors_limits_fit_within_the_engines():
    """Share texts never cut a key point or own words that the forms accepted."""
    from hub import rewrite
    from hub.sharing.services import OWN_WORDS_MAX

    assert KEY_POINT_MAX <= rewrite.KEY_POINT_MAX and OWN_WORDS_MAX <= rewrite.OWN_WORDS_MAX
