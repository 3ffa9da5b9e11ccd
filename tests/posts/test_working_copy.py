"""Autosave keeps a working copy per post and person instead of appending revisions."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.db import utcnow
from hub.errors import Conflict, PermissionDenied
from hub.posts import queries, search, services
from hub.posts.models import PostRevision, PostWorkingCopy, RevisionKind
from hub.posts.services import AUTOSAVE_PAUSE, PostInput


def _autosave(session, post, body, *, token=None, base=None, now=None, actor=None):
    saved = services.autosave(
        session,
        post,
        actor or post.author,
        PostInput("Title", "", body, "tag"),
        base_revision_id=post.current_revision_id if base is None else base,
        working_copy_token=token,
        now=now,
    )
    session.commit()
    return saved


def _terms(session, post, scope="current"):
    return search.indexed_terms(session, post.id, scope)


def _copies(session):
    return session.scalar(sa.select(sa.func.count()).select_from(PostWorkingCopy))


def test_autosaves_update_one_working_copy_and_leave_revisions_and_search_alone(session, make_post):
    post = make_post(title="Title", body="original words", tags="tag")
    before = _terms(session, post)
    first = _autosave(session, post, "zebra")
    first_id, first_token = first.working_copy.id, first.working_copy.token
    second = _autosave(session, post, "zebra giraffe", token=first_token)
    assert second.base.id == first.base.id == post.current_revision_id
    assert second.working_copy.id == first_id and second.working_copy.token != first_token
    assert (
        second.working_copy.body == "zebra giraffe"
        and second.working_copy.base_revision_id == post.current_revision_id
    )
    assert _copies(session) == 1
    assert [r.body for r in queries.revisions(session, post)] == ["original words"]
    assert _terms(session, post) == before and "zebra" not in before  # search indexes revisions only


def test_typing_back_to_the_saved_text_drops_the_working_copy(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    first = _autosave(session, post, "changed")
    back = _autosave(session, post, "original", token=first.working_copy.token)
    assert back.working_copy is None and _copies(session) == 0


def test_a_pause_turns_the_working_copy_into_a_revision_first(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    start = utcnow()
    first = _autosave(session, post, "before the pause", now=start)
    again = _autosave(
        session,
        post,
        "before the pause, still typing",
        token=first.working_copy.token,
        now=start + AUTOSAVE_PAUSE - timedelta(seconds=1),
    )
    assert len(queries.revisions(session, post)) == 1  # no pause yet
    after = _autosave(
        session, post, "after the pause", token=again.working_copy.token, now=start + 2 * AUTOSAVE_PAUSE
    )
    kept = post.current_revision
    assert (kept.number, kept.kind, kept.body) == (2, RevisionKind.AUTOSAVE, "before the pause, still typing")
    assert after.base.id == kept.id and after.working_copy.base_revision_id == kept.id
    assert after.working_copy.body == "after the pause"
    assert "still" in _terms(session, post) and "after" not in _terms(session, post)


def test_the_working_copy_carries_its_base_a_newer_revision_is_a_conflict(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    base = post.current_revision_id
    copy = _autosave(session, post, "mine").working_copy
    services.save_revision(
        session, post, post.author, PostInput("Title", "", "elsewhere", "tag"), base_revision_id=base
    )
    session.commit()
    with pytest.raises(Conflict) as info:
        _autosave(session, post, "mine, more", token=copy.token, base=base)
    assert info.value.current.body == "elsewhere"
    session.rollback()
    assert services.working_copy(session, post, post.author).body == "mine"  # nothing lost


def test_another_tab_cannot_overwrite_the_working_copy(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    copy = _autosave(session, post, "tab A").working_copy
    for token in (None, "", "stale-token"):
        with pytest.raises(Conflict) as info:
            _autosave(session, post, "tab B", token=token)
        assert info.value.current.id == copy.id
        session.rollback()
    assert services.working_copy(session, post, post.author).body == "tab A"


def test_save_from_editor_makes_the_revision_and_ends_the_working_copy(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    base = post.current_revision_id
    copy = _autosave(session, post, "typed").working_copy
    with pytest.raises(Conflict):
        services.save_from_editor(
            session,
            post,
            post.author,
            PostInput("Title", "", "other tab", "tag"),
            base_revision_id=base,
            working_copy_token="",
        )
    session.rollback()
    revision = services.save_from_editor(
        session,
        post,
        post.author,
        PostInput("Title", "", "typed", "tag"),
        base_revision_id=base,
        working_copy_token=copy.token,
    )
    session.commit()
    assert revision.number == 2 and revision.body == "typed" and _copies(session) == 0
    assert "typed" in _terms(session, post)


def test_working_copies_are_the_authors_own(session, make_post, make_user):
    post = make_post(title="Title", body="original", tags="tag")
    for role in ("employee", "comms", "admin"):
        with pytest.raises(PermissionDenied):
            _autosave(session, post, "hijack", actor=make_user(role=role))
        with pytest.raises(PermissionDenied):
            services.discard_working_copy(session, post, make_user(role=role))
    _autosave(session, post, "mine")
    services.discard_working_copy(session, post, post.author)
    session.commit()
    assert _copies(session) == 0 and post.current_revision.body == "original"


def test_a_working_copy_carries_every_field_of_the_editor_generically():
    names = {f.name for f in dataclasses.fields(PostInput)}
    data = PostInput("T", "S", "B", "a, b", 7)
    assert set(data.as_fields()) == names
    assert PostInput.from_fields(data.as_fields()) == data
    # a field stored by a newer release (or removed since) is ignored, not an error
    assert PostInput.from_fields({**data.as_fields(), "not_a_field": "x"}) == data


def test_autosave_refuses_bad_input_like_a_save(session, make_post):
    post = make_post(title="Title", body="original", tags="tag")
    with pytest.raises(services.ValidationError):
        services.autosave(
            session,
            post,
            post.author,
            PostInput("x" * 400, "", "b"),
            base_revision_id=post.current_revision_id,
            working_copy_token=None,
        )
    assert session.scalar(sa.select(sa.func.count()).select_from(PostRevision)) == 1
