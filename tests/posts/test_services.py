"""Post verbs: drafts, revisions, conflicts, publishing, scheduling, takedown, search."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from hub.db import utcnow
from hub.errors import Conflict, PermissionDenied, ValidationError
from hub.posts import queries, services
from hub.posts import search
from hub.posts.models import PostEvent, PostRevision, PostStatus
from hub.posts.services import PostInput


def _save(session, post, text, *, base=None, title=None, actor=None):
    rev = post.current_revision
    return services.save_revision(
        session, post, actor or post.author, PostInput(title or rev.title, rev.summary, text, rev.tags_text),
        base_revision_id=rev.id if base is None else base,
    )


def test_create_draft_makes_revision_one(session, make_user):
    author = make_user()
    post = services.create_draft(session, author, PostInput("Title", "Sum", "Hello **there**", "a, b, A"))
    rev = post.current_revision
    assert (post.status, rev.number, rev.base_number) == (PostStatus.DRAFT, 1, None)
    assert rev.body_html == "<p>Hello <strong>there</strong></p>\n"
    assert rev.tag_names == ["a", "b"]
    assert rev.word_count == 2
    assert post.live_revision_id is None


def test_revisions_are_append_only(session, make_post):
    post = make_post(body="one")
    first = post.current_revision
    second = _save(session, post, "two")
    session.commit()
    assert second.number == 2 and second.base_number == 1
    assert session.get(PostRevision, first.id).body == "one"
    assert [r.number for r in queries.revisions(session, post)] == [2, 1]


def test_saving_unchanged_content_adds_nothing(session, make_post):
    post = make_post(body="same")
    assert _save(session, post, "same").id == post.current_revision_id
    assert len(queries.revisions(session, post)) == 1


def test_stale_save_raises_conflict_and_keeps_newer_revision(session, make_post):
    post = make_post(body="base")
    base_id = post.current_revision_id
    newer = _save(session, post, "tab A")
    with pytest.raises(Conflict) as info:
        _save(session, post, "tab B", base=base_id)
    assert info.value.current.id == newer.id
    assert post.current_revision.body == "tab A"
    # choosing "keep mine" means saving on top of the newer revision: both texts stay in history
    mine = _save(session, post, "tab B", base=newer.id)
    assert [r.body for r in queries.revisions(session, post)] == ["tab B", "tab A", "base"]
    assert mine.base_number == newer.number


def test_stale_save_of_identical_content_is_not_a_conflict(session, make_post):
    post = make_post(body="base")
    base_id = post.current_revision_id
    _save(session, post, "same text")
    assert _save(session, post, "same text", base=base_id).body == "same text"


def test_only_the_author_edits(session, make_post, make_user):
    post = make_post()
    for role in ("employee", "comms", "admin"):
        other = make_user(role=role)
        with pytest.raises(PermissionDenied):
            _save(session, post, "hijack", actor=other)
        with pytest.raises(PermissionDenied):
            services.publish_post(session, post, other)
        with pytest.raises(PermissionDenied):
            services.unpublish_post(session, post, other)
        with pytest.raises(PermissionDenied):
            services.archive_post(session, post, other)


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("title", PostInput("x" * 301)),
        ("summary", PostInput("t", "s" * 601)),
        ("body", PostInput("t", "", "b" * 200_001)),
        ("tags", PostInput("t", "", "", ",".join(f"tag{i}" for i in range(11)))),
        ("tags", PostInput("t", "", "", "x" * 41)),
        ("cover_image_id", PostInput("t", "", "", "", 999_999)),
    ],
)
def test_bad_input_is_refused_with_the_field_named(session, make_user, field, data):
    with pytest.raises(ValidationError) as info:
        services.create_draft(session, make_user(), data)
    assert info.value.field == field


def test_rejected_save_keeps_the_draft(session, make_post):
    post = make_post(body="precious")
    with pytest.raises(ValidationError):
        _save(session, post, "new", title="t" * 400)
    session.rollback()
    session.expire_all()
    assert post.current_revision.body == "precious"


def test_publish_makes_current_revision_live_with_tags_and_event(session, make_post):
    post = make_post(title="Launch", tags="News, Launch")
    services.publish_post(session, post, post.author)
    session.commit()
    assert post.status == PostStatus.PUBLISHED and post.is_public
    assert post.live_revision_id == post.current_revision_id
    assert post.published_at is not None and post.first_published_at == post.published_at
    assert sorted(t.name for t in post.tags) == ["Launch", "News"]
    kinds = session.scalars(sa.select(PostEvent.kind).where(PostEvent.post_id == post.id)).all()
    assert "published" in kinds


def test_published_with_unpublished_changes(session, make_post):
    post = make_post(body="live text", publish=True)
    _save(session, post, "draft change")
    assert post.has_unpublished_changes
    assert post.status_label == "Published, with unpublished changes"
    assert post.live_revision.body == "live text"
    services.publish_post(session, post, post.author)
    assert post.live_revision.body == "draft change" and not post.has_unpublished_changes


def test_publishing_needs_a_title(session, make_post):
    post = make_post(title="   ")
    with pytest.raises(ValidationError) as info:
        services.publish_post(session, post, post.author)
    assert info.value.field == "title"


def test_unpublish_and_archive(session, make_post):
    post = make_post(publish=True)
    services.unpublish_post(session, post, post.author)
    assert post.status == PostStatus.DRAFT and post.status_label == "Draft (unpublished)"
    services.archive_post(session, post, post.author)
    assert post.status == PostStatus.ARCHIVED
    services.unarchive_post(session, post, post.author)
    assert post.status == PostStatus.DRAFT


def test_schedule_and_publish_due(session, make_post):
    post = make_post(title="Later")
    with pytest.raises(ValidationError):
        services.schedule_post(session, post, post.author, utcnow() - timedelta(minutes=5))
    when = utcnow() + timedelta(hours=1)
    services.schedule_post(session, post, post.author, when)
    session.commit()
    assert post.status == PostStatus.SCHEDULED and post.status_label.startswith("Scheduled for")
    assert services.publish_due(session, utcnow()) == []
    assert services.publish_due(session, when + timedelta(seconds=1)) == [post.id]
    session.commit()
    assert post.status == PostStatus.PUBLISHED and post.is_public
    assert services.publish_due(session, when + timedelta(minutes=5)) == []


def test_cancel_schedule(session, make_post):
    post = make_post()
    services.schedule_post(session, post, post.author, utcnow() + timedelta(days=1))
    services.cancel_schedule(session, post, post.author)
    assert post.status == PostStatus.DRAFT and post.scheduled_for is None


def test_takedown_by_comms_with_reason_then_author_republishes_after_change(session, make_post, make_user):
    post = make_post(publish=True)
    with pytest.raises(PermissionDenied):
        services.take_down(session, post, make_user(), "no")
    comms = make_user(role="comms")
    with pytest.raises(ValidationError):
        services.take_down(session, post, comms, "  ")
    services.take_down(session, post, comms, "Names a customer without consent")
    session.commit()
    assert post.status == PostStatus.TAKEN_DOWN and not post.is_public
    assert post.takedown_reason == "Names a customer without consent" and post.taken_down_by_id == comms.id
    with pytest.raises(ValidationError):
        services.publish_post(session, post, post.author)  # unchanged: not again
    _save(session, post, "Fixed text")
    services.publish_post(session, post, post.author)
    assert post.is_public
    notes = session.scalars(sa.select(PostEvent.note).where(PostEvent.kind == "taken_down")).all()
    assert notes == ["Names a customer without consent"]


def test_restore_appends_a_copy(session, make_post):
    post = make_post(body="v1")
    _save(session, post, "v2")
    old = queries.revision(session, post, 1)
    new = services.restore_revision(session, post, post.author, old, base_revision_id=post.current_revision_id)
    assert (new.number, new.body, new.kind.value) == (3, "v1", "restore")
    assert (new.note, new.auto_note) == ("", {"key": "restored", "number": 1})  # facts, said in the reader's language
    assert new.note_text == "Restored from revision 1"
    event = session.scalars(sa.select(PostEvent).where(PostEvent.kind == "restored")).one()
    assert (event.note, event.auto_note, event.note_text) == ("", {"key": "from_revision", "number": 1}, "from revision 1")
    with pytest.raises(Conflict):
        services.restore_revision(session, post, post.author, queries.revision(session, post, 2), base_revision_id=old.id)


def test_deactivated_author_cannot_write(session, make_post, make_user):
    from hub.auth import services as auth

    post = make_post()
    auth.deactivate(session, make_user(role="admin"), post.author)
    with pytest.raises(PermissionDenied):
        _save(session, post, "after leaving")


def test_search_scopes_live_and_current(session, make_post, make_user):
    reader = make_user()
    post = make_post(title="Rust in production", body="memory safety", publish=True)
    _save(session, post, "secret unpublished words")
    session.commit()
    assert [p.id for p in queries.published(session, query="rust").items] == [post.id]
    assert queries.published(session, query="unpublished").items == []
    assert [p.id for p in queries.my_posts(session, post.author, query="unpublished").items] == [post.id]
    assert queries.my_posts(session, reader, query="rust").items == []
    assert [p.id for p in queries.published(session, query="PROD memo").items] == [post.id]


def test_search_cjk_and_accents(session, make_post):
    post = make_post(title="東京の開発者", body="Smörgåsbord für Straße", publish=True)
    assert [p.id for p in queries.published(session, query="東京").items] == [post.id]
    assert [p.id for p in queries.published(session, query="smörgås").items] == [post.id]
    assert [p.id for p in queries.published(session, query="STRASSE").items] == [post.id]


def test_unpublish_removes_from_public_search(session, make_post):
    post = make_post(title="Findable", publish=True)
    services.unpublish_post(session, post, post.author)
    assert queries.published(session, query="findable").items == []
    key = "rowid" if session.get_bind().dialect.name == "sqlite" else "post_id"
    live_rows = session.scalar(sa.text(f"SELECT count(*) FROM {search.table('live')} WHERE {key} = :id"), {"id": post.id})
    assert live_rows == 0
    assert session.scalar(sa.text(f"SELECT count(*) FROM {search.table('current')} WHERE {key} = :id"), {"id": post.id}) == 1
