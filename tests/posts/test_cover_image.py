"""Who may use an image as a post's cover (issue 14: image ids are sequential, and any id was
accepted, so maria's image from a private draft could appear on jonas's public post).

The rule (hub.posts.services._authorize_cover): a cover is an image the post's author uploaded,
or one the post already had (kept on a later save, or brought back by a restore)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hub.errors import ValidationError
from hub.posts import services
from hub.posts.models import Post
from hub.posts.services import PostInput


def _png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def people(app, session, make_user):  # type: ignore[no-untyped-def]
    maria, jonas = make_user(name="Maria"), make_user(name="Jonas")
    private = services.create_draft(session, maria, PostInput("Private draft", "", "Body"))
    image = services.upload_image(session, maria, _png((200, 0, 0)), alt="maria's", limits=app.config)
    services.save_revision(session, private, maria, PostInput("Private draft", "", "Body", cover_image_id=image.id),
                           base_revision_id=private.current_revision_id)
    session.commit()
    return maria, jonas, image


def test_nobody_publishes_someone_elses_image_as_a_cover(client, auth, session, people):
    maria, jonas, image = people
    auth.login(jonas)
    response = client.post("/write", data={"title": "Jonas's post", "body": "Hello", "cover_image_id": str(image.id),
                                           "action": "publish"})
    assert response.status_code == 200
    assert "Choose one of your own images as the cover." in response.get_data(as_text=True)
    assert session.query(Post).filter_by(author_id=jonas.id).count() == 0


def test_the_service_refuses_a_colleagues_image_on_a_new_draft_and_an_edit(session, people):
    _maria, jonas, image = people
    with pytest.raises(ValidationError) as exc:
        services.create_draft(session, jonas, PostInput("Mine", "", "Body", cover_image_id=image.id))
    assert exc.value.field == "cover_image_id"
    session.rollback()
    post = services.create_draft(session, jonas, PostInput("Mine", "", "Body"))
    session.commit()
    with pytest.raises(ValidationError):
        services.save_revision(session, post, jonas, PostInput("Mine", "", "Body", cover_image_id=image.id),
                               base_revision_id=post.current_revision_id)


def test_an_author_uses_their_own_image_keeps_it_and_restores_it(app, session, people):
    _maria, jonas, _image = people
    own = services.upload_image(session, jonas, _png((0, 0, 200)), alt="jonas's", limits=app.config)
    post = services.create_draft(session, jonas, PostInput("Mine", "", "Body", cover_image_id=own.id))
    services.publish_post(session, post, jonas)
    first = post.current_revision
    services.save_revision(session, post, jonas, PostInput("Mine", "", "Body two", cover_image_id=own.id),
                           base_revision_id=post.current_revision_id)
    services.save_revision(session, post, jonas, PostInput("Mine", "", "Body three"),
                           base_revision_id=post.current_revision_id)
    restored = services.restore_revision(session, post, jonas, first, base_revision_id=post.current_revision_id)
    assert restored.cover_image_id == own.id


def test_a_cover_the_post_already_had_stays_even_if_not_the_authors(session, people):
    """A cover that came with the post's history (say, before this rule) is kept by later saves
    rather than making the post impossible to save."""
    maria, jonas, image = people
    post = services.create_draft(session, jonas, PostInput("Mine", "", "Body"))
    post.current_revision.cover_image_id = image.id  # as stored before the rule existed
    session.flush()
    services.save_revision(session, post, jonas, PostInput("Mine", "", "Body two", cover_image_id=image.id),
                           base_revision_id=post.current_revision_id)
    assert post.current_revision.cover_image_id == image.id
