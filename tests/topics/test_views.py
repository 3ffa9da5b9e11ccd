"""Topics over HTTP: the board, creating and proposing, comms' buttons, following, picking up,
linking, the editor's brief and the home page's open topics."""

from __future__ import annotations

import re

import pytest

from hub.posts import services as posts
from hub.topics import services
from hub.topics.models import Topic, TopicState
from hub.topics.services import TopicInput

FORM = {"title": "Our new office", "brief": "Tell people **why** we moved.", "audience": "Job seekers",
        "platforms": ["linkedin", "bluesky"], "key_messages": "We grew\nhttps://example.com/office", "hashtags": "#NewOffice hiring"}


@pytest.fixture
def comms(make_user):
    return make_user(role="comms", name="Cleo Comms")


@pytest.fixture
def topic(session, comms):
    t = services.create_topic(session, comms, TopicInput("Launch week", brief="Say **what** shipped.", audience="Customers",
                                                         hashtags="launch"))
    session.commit()
    return t


def test_signed_out_people_are_sent_to_sign_in(client, topic):
    for path in ("/topics", f"/topics/{topic.id}", "/topics/propose"):
        assert client.get(path).headers["Location"].startswith("/login"), path


def test_comms_create_a_topic(client, auth, comms, session):
    auth.login(comms)
    assert client.get("/topics/new").status_code == 200
    response = client.post("/topics/new", data=FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>why</strong>" in page and "#NewOffice" in page and "Bluesky" in page
    assert '<a href="https://example.com/office" rel="noopener noreferrer">' in page
    topic = session.query(Topic).one()
    assert topic.state == TopicState.OPEN


@pytest.mark.parametrize("role", ["employee"])
def test_employees_propose_instead(client, auth, make_user, session, role, topic):
    auth.login(make_user(role=role))
    assert client.get("/topics/new").status_code == 403
    assert client.post(f"/topics/{topic.id}/close").status_code == 403
    assert client.post(f"/topics/{topic.id}/add").status_code == 403
    assert client.get(f"/topics/{topic.id}/edit").status_code == 403
    response = client.post("/topics/propose", data={**FORM, "title": "Hackathon"})
    proposed = session.query(Topic).filter_by(title="Hackathon").one()
    assert response.headers["Location"] == f"/topics/{proposed.id}" and proposed.state == TopicState.PROPOSED
    board = client.get("/topics").get_data(as_text=True)
    assert "Proposed by colleagues" in board and "Hackathon" in board


def test_invalid_topic_keeps_what_was_typed(client, auth, comms):
    auth.login(comms)
    response = client.post("/topics/new", data={**FORM, "hashtags": "#two words-x"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "not a hashtag" in html and "Tell people **why** we moved." in html


def test_comms_add_proposals_to_the_board(client, auth, comms, make_user, session):
    proposer = make_user()
    t = services.propose_topic(session, proposer, TopicInput("Hackathon"))
    session.commit()
    auth.login(comms)
    assert client.post(f"/topics/{t.id}/add").status_code == 302
    session.refresh(t)
    assert t.is_open


def test_follow_a_topic_and_an_area(client, auth, make_user, topic, session):
    auth.login(make_user())
    client.post(f"/topics/{topic.id}/follow")
    assert ">Unfollow<" in client.get(f"/topics/{topic.id}").get_data(as_text=True)
    client.post("/topics/areas/follow", data={"area": "Customers"})
    board = client.get("/topics").get_data(as_text=True)
    assert "<li>customers" in board
    client.post("/topics/areas/unfollow", data={"area": "customers"})
    assert "<li>customers" not in client.get("/topics").get_data(as_text=True)


def test_pick_up_opens_the_editor_with_the_brief_beside_it(client, auth, make_user, topic, session):
    writer = auth.login(make_user())
    response = client.post(f"/topics/{topic.id}/pick-up")
    assert re.fullmatch(r"/posts/\d+/edit", response.headers["Location"])
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="topic-brief"' in editor and "Say <strong>what</strong> shipped." in editor and "#launch" in editor
    post_id = int(response.headers["Location"].split("/")[2])
    client.post(f"/posts/{post_id}/edit", data={"title": "We launched", "body": "Text", "action": "publish",
                                                "base_revision_id": editor.split('name="base_revision_id" type="hidden" value="')[1].split('"')[0]})
    page = client.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "We launched" in page and writer.display_name in page


def test_link_a_post_later(client, auth, make_post, make_user, topic, session):
    post = make_post(title="Older post")
    auth.login(make_user())
    assert client.get(f"/topics/for-post/{post.id}").status_code == 403
    auth.login(post.author)
    assert f'<option value="{topic.id}">Launch week</option>' in client.get(f"/topics/for-post/{post.id}").get_data(as_text=True)
    response = client.post(f"/topics/for-post/{post.id}", data={"topic_id": str(topic.id)})
    assert response.headers["Location"] == f"/posts/{post.id}/edit"
    session.refresh(post)
    assert post.topic_id == topic.id
    client.post(f"/topics/for-post/{post.id}", data={"topic_id": ""})
    session.refresh(post)
    assert post.topic_id is None


def test_home_shows_open_topics_to_signed_in_people(client, auth, make_user, topic, session, comms):
    assert "Open topics" not in client.get("/").get_data(as_text=True)
    auth.login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert "Open topics" in page and "Launch week" in page
    services.close_topic(session, comms, topic)
    session.commit()
    assert "Launch week" not in client.get("/").get_data(as_text=True)


def test_deactivated_proposers_are_marked(client, auth, make_user, session):
    proposer = make_user(name="Gone Person")
    t = services.propose_topic(session, proposer, TopicInput("Old idea"))
    admin = make_user(role="admin")
    from hub.auth.services import deactivate

    deactivate(session, admin, proposer)
    session.commit()
    auth.login(admin)
    assert "<bdi>Gone Person</bdi> <span class=\"left-marker\"" in client.get(f"/topics/{t.id}").get_data(as_text=True)


def test_published_posts_for_a_topic_notify_followers(client, auth, make_user, make_post, topic, session):
    fan = make_user()
    services.follow_topic(session, fan, topic)
    post = make_post(title="For the launch")
    services.link_post(session, post.author, post, topic)
    posts.publish_post(session, post, post.author)
    session.commit()
    auth.login(fan)
    listing = client.get("/notifications").get_data(as_text=True)
    assert "published “For the launch” for the topic “Launch week”" in listing
