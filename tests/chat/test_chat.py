"""Slack and Teams channels against a real HTTP receiver on 127.0.0.1: comms add a webhook (its address
kept secret), new topics, posts for a topic and the weekly digest are queued in the outbox in the
request's transaction and POSTed after the commit, with retries and backoff when the receiver fails."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa

from hub.chat.models import ChatWebhook
from hub.db import utcnow
from hub.lib.sealed import unseal
from hub.outbox.delivery import deliver_due
from hub.outbox.models import MessageKind, MessageStatus, OutboxMessage

SECRET = "T0001/B0002/s3cr3tPathXyZ"


class Receiver:
    """An incoming-webhook endpoint: keeps every JSON body POSTed to it, or answers ``fail_with``."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any, str]] = []  # (path, JSON body, content type)
        self.fail_with: int | None = None
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.fail_with:
                    self.send_response(receiver.fail_with)
                    self.end_headers()
                    self.wfile.write(b"channel_is_archived")
                    return
                with receiver.lock:
                    receiver.received.append((self.path, json.loads(data), self.headers["Content-Type"]))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def bodies(self, path_part: str) -> list[Any]:
        with self.lock:
            return [body for path, body, _ in self.received if path_part in path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"CHAT_WEBHOOK_HOSTS": "127.0.0.1,hooks.slack.com,.webhook.office.com", "OUTBOX_MAX_ATTEMPTS": 3,
            "OUTBOX_RETRY_SECONDS": 60, "SITE_NAME": "Acme hub"}


@pytest.fixture
def comms(make_user, auth):
    return auth.login(make_user(role="comms", name="Cleo Comms"))


def _add(client, receiver: Receiver, kind: str, name: str, events=("topic", "post", "digest"), areas: str = "") -> Any:
    return client.post("/admin/chat", data={"kind": kind, "name": name, "url": f"{receiver.base}/{kind}/{SECRET}",
                                            "events": list(events), "areas": areas})


def _webhooks(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == MessageKind.WEBHOOK)
                                .order_by(OutboxMessage.id)))


def _mrkdwn(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text of Slack blocks that Slack reads as mrkdwn (mentions and links work there)."""
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                found.append(part["text"])
    return found


def _new_topic(client, title: str, audience: str = "", brief: str = "") -> Any:
    response = client.post("/topics/new", data={"title": title, "audience": audience, "brief": brief,
                                                "hashtags": "Jobs"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def _raw_rows(session, table: str) -> str:
    """Every column of every row of ``table`` as the database holds it, as one text."""
    session.expire_all()
    return repr([tuple(row) for row in session.execute(sa.text(f"SELECT * FROM {table}"))])


def test_comms_add_a_channel_and_the_address_stays_secret(client, session, comms, receiver):
    page = client.get("/admin/chat")
    assert page.status_code == 200 and "No channels yet" in page.get_data(as_text=True)
    response = _add(client, receiver, "slack", "#marketing")
    assert response.status_code == 302
    webhook = session.scalars(sa.select(ChatWebhook)).one()
    assert webhook.events_text == "topic,post,digest"
    raw = _raw_rows(session, "chat_webhook")  # sealed at rest: neither the secret path nor the address
    assert SECRET not in raw and "s3cr3t" not in raw and f"{receiver.base}/slack" not in raw
    assert webhook.sealed_url.startswith("gAAAAA") and unseal(webhook.sealed_url) == f"{receiver.base}/slack/{SECRET}"
    html = client.get("/admin/chat").get_data(as_text=True)
    assert "#marketing" in html and webhook.url_hint in html and webhook.url_hint.endswith("/…hXyZ")
    assert SECRET not in html and "s3cr3t" not in html


def test_employees_cannot_manage_channels(client, auth, make_user, receiver, session):
    auth.login(make_user())
    assert client.get("/admin/chat").status_code == 403
    assert _add(client, receiver, "slack", "#all").status_code == 403
    assert session.scalar(sa.select(sa.func.count()).select_from(ChatWebhook)) == 0


@pytest.mark.parametrize(
    ("url", "status", "complaint"),
    [
        ("http://hooks.slack.com/services/T0/B0/x", 200, "https://"),
        ("https://evil.example.com/hook", 200, "another host"),
        ("https://intranet.local/hook", 200, "another host"),
        ("https://user:pw@hooks.slack.com/services/x", 200, "no user name"),
        ("ftp://hooks.slack.com/x", 200, "https://"),
        ("hooks.slack.com/services/x", 200, "https://"),
        ("https://hooks.slack.com:notaport/x", 200, "paste it exactly"),
        ("https://hooks.slack.com/a\x00b", 422, "NUL"),
    ],
)
def test_a_wrong_address_is_refused_keeping_what_was_typed(client, session, comms, url, status, complaint):
    response = client.post("/admin/chat", data={"kind": "slack", "name": "#typed-name", "url": url,
                                                "events": ["topic"]})
    html = response.get_data(as_text=True)
    assert response.status_code == status and complaint in html and "#typed-name" in html
    assert session.scalar(sa.select(sa.func.count()).select_from(ChatWebhook)) == 0


def test_a_new_topic_reaches_slack_and_teams_after_the_commit(app, client, session, comms, receiver):
    _add(client, receiver, "slack", "#marketing")
    _add(client, receiver, "teams", "Comms team")
    _new_topic(client, "Hiring <!channel> in *Berlin* [now](https://evil.test)", audience="Job seekers",
               brief="Tell people **why** Berlin.")
    queued = _webhooks(session)
    assert [m.status for m in queued] == [MessageStatus.PENDING] * 2 and receiver.received == []  # not in the request
    assert all(SECRET not in m.recipient for m in queued) and queued[0].recipient.startswith("Slack #marketing (")

    assert deliver_due(app).sent == 2
    [slack] = receiver.bodies("/slack/")
    assert slack["text"].startswith("New topic on the board: Hiring &lt;!channel&gt;")
    mrkdwn = json.dumps([slack["text"], *_mrkdwn(slack["blocks"])])
    assert "<!channel>" not in mrkdwn and "&lt;!channel&gt;" in mrkdwn  # a title never pings the channel
    assert "Tell people why Berlin." in mrkdwn and "For Job seekers" in mrkdwn and "#Jobs" in mrkdwn
    topic_url = f"http://hub.test/topics/"
    assert any(b["type"] == "actions" and b["elements"][0]["url"].startswith(topic_url) for b in slack["blocks"])

    [teams] = receiver.bodies("/teams/")
    assert teams["type"] == "message"
    [attachment] = teams["attachments"]
    card = attachment["content"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive" and card["type"] == "AdaptiveCard"
    texts = [b["text"] for b in card["body"]]
    assert texts[0].startswith("New topic on the board: Hiring")
    assert "[now]" not in " ".join(texts) and "(now)(https://evil.test)" in texts[0]  # no forged link
    assert card["actions"][0]["type"] == "Action.OpenUrl" and card["actions"][0]["url"].startswith(topic_url)
    assert [m.status for m in _webhooks(session)] == [MessageStatus.SENT] * 2
    outbox = _raw_rows(session, "outbox_message")  # the outbox names the channel, never its address
    assert SECRET not in outbox and "s3cr3t" not in outbox and "/slack/" not in outbox and "/teams/" not in outbox
    ids = session.scalars(sa.select(ChatWebhook.id).order_by(ChatWebhook.id)).all()
    assert [m.target for m in _webhooks(session)] == [f"chat:{i}" for i in ids]


def test_a_channel_hears_only_its_areas_and_events(app, client, session, comms, receiver):
    _add(client, receiver, "slack", "#jobs", events=("topic",), areas="job  SEEKERS, Graduates")
    _add(client, receiver, "teams", "Digest only", events=("digest",))
    _new_topic(client, "For customers", audience="Customers")
    _new_topic(client, "Open roles", audience="Job seekers")
    assert deliver_due(app).sent == 1
    [body] = receiver.bodies("/slack/")
    assert "Open roles" in body["text"] and receiver.bodies("/teams/") == []


def test_a_post_published_for_a_topic_is_announced_once(app, client, session, comms, make_user, receiver):
    from hub.posts import services as posts
    from hub.posts.services import PostInput
    from hub.topics import services as topics
    from hub.topics.models import Topic

    _add(client, receiver, "slack", "#marketing", events=("post",))
    _new_topic(client, "Our new office")
    topic = session.scalars(sa.select(Topic)).one()
    author = make_user(name="Ann Author")
    post = posts.create_draft(session, author, PostInput("We moved to the harbour", summary="Photos inside."))
    topics.link_post(session, author, post, topic)
    posts.publish_post(session, post, author)
    session.commit()
    posts.save_revision(session, post, author, PostInput("We moved to the harbour!", summary="Photos inside."),
                        base_revision_id=post.current_revision_id)
    posts.publish_post(session, post, author)  # an update goes live: not news again
    topics.link_post(session, author, post, topic)  # nor linking it again
    session.commit()
    assert deliver_due(app).sent == 1
    [body] = receiver.bodies("/slack/")
    assert body["text"] == "Published for “Our new office”: We moved to the harbour"
    blocks = json.dumps(body["blocks"])
    assert f"http://hub.test/p/{post.id}-we-moved-to-the-harbour" in blocks and "by Ann Author" in blocks
    assert f"http://hub.test/p/{post.id}/share" in blocks


def test_a_failing_receiver_means_retries_with_backoff_then_a_visible_failure(app, client, session, comms,
                                                                              receiver, runner):
    _add(client, receiver, "slack", "#marketing")
    receiver.fail_with = 500
    _new_topic(client, "Retry me")
    now = utcnow()
    report = deliver_due(app, now=now)
    assert (report.sent, report.retrying) == (0, 1)
    [message] = _webhooks(session)
    assert message.attempts == 1 and message.next_attempt_at == now + timedelta(seconds=60)
    assert "HTTP 500" in message.last_error and "channel_is_archived" in message.last_error
    assert SECRET not in message.last_error and "s3cr3t" not in message.last_error
    assert deliver_due(app, now=now + timedelta(seconds=59)).retrying == 0  # not due yet

    receiver.fail_with = None  # the receiver is back
    assert deliver_due(app, now=now + timedelta(seconds=60)).sent == 1
    [message] = _webhooks(session)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, None)
    assert len(receiver.bodies("/slack/")) == 1

    receiver.fail_with = 404
    _new_topic(client, "Never arrives")
    for minutes in (0, 1, 3):
        deliver_due(app, now=now + timedelta(minutes=minutes, seconds=1))
    failed = _webhooks(session)[-1]
    assert (failed.status, failed.attempts) == (MessageStatus.FAILED, 3) and "HTTP 404" in failed.last_error
    listing = runner.invoke(args=["outbox", "--status", "failed"]).output
    assert "Slack #marketing" in listing and SECRET not in listing


def test_an_unreachable_receiver_is_retried(app, client, session, comms, receiver):
    _add(client, receiver, "teams", "Comms team")
    receiver.server.shutdown()
    receiver.server.server_close()  # nothing listens on that port any more
    _new_topic(client, "Anyone there?")
    assert deliver_due(app).retrying == 1
    [message] = _webhooks(session)
    assert "could not be reached" in message.last_error and SECRET not in message.last_error


def test_test_message_and_removal(app, client, session, comms, receiver, runner):
    _add(client, receiver, "slack", "#marketing")
    webhook_id = session.scalars(sa.select(ChatWebhook.id)).one()
    response = client.post(f"/admin/chat/{webhook_id}/test")
    assert response.status_code == 302
    assert deliver_due(app).sent == 1
    [body] = receiver.bodies("/slack/")
    assert body["text"] == "Acme hub is connected to #marketing" and "Cleo Comms sent this test" in json.dumps(body)

    _new_topic(client, "Queued, then the channel goes")
    assert client.post(f"/admin/chat/{webhook_id}/remove").status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(ChatWebhook)) == 0
    assert deliver_due(app).sent == 0 and len(receiver.received) == 1  # nothing more goes there
    cancelled = _webhooks(session)[-1]
    assert (cancelled.status, cancelled.target) == (MessageStatus.FAILED, None) and "was removed" in cancelled.last_error
    assert "channel was removed" in runner.invoke(args=["outbox", "retry", str(cancelled.id)]).output
    assert client.post(f"/admin/chat/{webhook_id}/test").status_code == 404


def test_the_weekly_digest(app, client, session, comms, make_user, make_post, runner, receiver):
    _add(client, receiver, "slack", "#everyone", events=("digest",))
    _add(client, receiver, "teams", "All hands", events=("digest", "topic"))
    _add(client, receiver, "slack", "#topics-only", events=("topic",))
    assert "no digest sent" in runner.invoke(args=["chat", "digest"]).output  # nothing published yet

    author = make_user(name="Ann Author")
    make_post(author=author, title="First [post]", publish=True)
    make_post(author=author, title="Second <post>", publish=True)
    make_post(author=author, title="A draft nobody sees")
    result = runner.invoke(args=["chat", "digest"])
    assert "2 posts; digest queued for 2 channel(s): #everyone, All hands." in result.output, result.output
    assert "1 sent" not in result.output and receiver.received == []
    assert "2 sent" in runner.invoke(args=["worker", "--once"]).output

    [slack] = receiver.bodies("/slack/")
    assert slack["text"] == "This week on Acme hub: 2 new posts by colleagues"
    blocks = json.dumps(slack["blocks"])
    assert "Second &lt;post&gt;" in blocks and "First [post]" in blocks and "draft" not in blocks
    [teams] = receiver.bodies("/teams/")
    texts = " ".join(b["text"] for b in teams["attachments"][0]["content"]["body"])
    assert "[First (post)](http://hub.test/p/" in texts and "by Ann Author" in texts

    again = runner.invoke(args=["chat", "digest"]).output
    assert "queued for 0 channel(s)" in again and "Skipped (had one in the last six days): #everyone, All hands" in again
    assert "queued for 2 channel(s)" in runner.invoke(args=["chat", "digest", "--force"]).output


def _channel_page(client) -> str:
    page = client.get("/admin/chat")
    assert page.status_code == 200
    return page.get_data(as_text=True)


UNREADABLE = "hub can no longer read this channel's webhook address"


def test_a_changed_secret_key_asks_for_the_address_again_and_fails_delivery_once(app, client, session, comms,
                                                                                 auth, receiver, runner):
    _add(client, receiver, "slack", "#marketing")
    webhook_id = session.scalars(sa.select(ChatWebhook.id)).one()
    assert UNREADABLE not in _channel_page(client)
    _new_topic(client, "Queued before the key changed")

    app.config["SECRET_KEY"] = "a-new-secret-key"  # rotated without the old key in SECRET_KEY_FALLBACKS
    auth.login(comms)  # the old key's session cookie is no longer valid either
    html = _channel_page(client)  # no 500: the page says what happened and asks for the address
    assert UNREADABLE in html and "SECRET_KEY" in html and f'action="/admin/chat/{webhook_id}/address"' in html
    report = deliver_due(app)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)  # failed at once, no retry storm
    [message] = _webhooks(session)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1) and receiver.received == []
    assert "cannot read the webhook address of #marketing" in message.last_error
    assert "SECRET_KEY changed" in message.last_error and SECRET not in message.last_error
    assert deliver_due(app).failed == 0  # nothing comes back by itself

    assert client.post(f"/admin/chat/{webhook_id}/test").status_code == 302  # queued, then fails cleanly
    assert deliver_due(app).failed == 1 and receiver.received == []

    refused = client.post(f"/admin/chat/{webhook_id}/address", data={"url": "https://evil.example.com/x"})
    assert refused.status_code == 302 and "another host" in _channel_page(client)
    response = client.post(f"/admin/chat/{webhook_id}/address", data={"url": f"{receiver.base}/slack/{SECRET}"})
    assert response.status_code == 302
    html = _channel_page(client)
    assert UNREADABLE not in html and "The webhook address of #marketing is saved again." in html
    raw = _raw_rows(session, "chat_webhook")
    assert SECRET not in raw and "s3cr3t" not in raw  # sealed with the new key
    assert "will be sent again" in runner.invoke(args=["outbox", "retry", str(message.id)]).output
    assert deliver_due(app).sent == 1
    [body] = receiver.bodies("/slack/")
    assert body["text"] == "New topic on the board: Queued before the key changed"


def test_employees_cannot_replace_an_address(client, auth, make_user, session, comms, receiver):
    _add(client, receiver, "slack", "#marketing")
    webhook = session.scalars(sa.select(ChatWebhook)).one()
    before = webhook.sealed_url
    auth.login(make_user())
    assert client.post(f"/admin/chat/{webhook.id}/address", data={"url": f"{receiver.base}/x"}).status_code == 403
    session.expire_all()
    assert session.get(ChatWebhook, webhook.id).sealed_url == before


def test_the_old_key_in_secret_key_fallbacks_still_reads_the_address(app, client, session, comms, receiver):
    _add(client, receiver, "teams", "Comms team")
    app.config["SECRET_KEY"] = "a-new-secret-key"
    app.config["SECRET_KEY_FALLBACKS"] = ["some-older-key", "test-secret-key"]
    assert UNREADABLE not in _channel_page(client)
    _new_topic(client, "Rotated keys")
    assert deliver_due(app).sent == 1 and len(receiver.bodies("/teams/")) == 1
    session.expire_all()  # delivering sealed it again with the new key: the old one can go
    sealed = session.scalars(sa.select(ChatWebhook.sealed_url)).one()
    assert unseal(sealed, ["a-new-secret-key"]) == f"{receiver.base}/teams/{SECRET}"


def test_hub_chat_reseal_moves_every_address_to_the_new_key(app, client, session, comms, receiver, runner):
    _add(client, receiver, "slack", "#marketing")
    _add(client, receiver, "teams", "Comms team")
    app.config["SECRET_KEY"] = "a-new-secret-key"
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret-key"]
    output = runner.invoke(args=["chat", "reseal"]).output
    assert "2 address(es) sealed again with SECRET_KEY: #marketing, Comms team." in output, output
    session.expire_all()
    for sealed in session.scalars(sa.select(ChatWebhook.sealed_url)):
        assert unseal(sealed, ["a-new-secret-key"]).startswith(f"{receiver.base}/")
    assert "0 address(es) sealed again" in runner.invoke(args=["chat", "reseal"]).output  # nothing left to do

    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = "yet-another-key", []
    output = runner.invoke(args=["chat", "reseal"]).output
    assert "No key opens the address of: #marketing, Comms team; paste it again" in output, output


def test_an_address_stored_before_sealing_is_delivered_and_sealed(app, client, session, comms, receiver):
    _add(client, receiver, "slack", "#marketing")
    plain = f"{receiver.base}/slack/{SECRET}"
    session.execute(sa.update(ChatWebhook).values(sealed_url=plain))  # as a bare `alembic upgrade` leaves it
    session.commit()
    assert UNREADABLE not in _channel_page(client)
    _new_topic(client, "Old row")
    assert deliver_due(app).sent == 1 and len(receiver.bodies("/slack/")) == 1
    raw = _raw_rows(session, "chat_webhook")
    assert SECRET not in raw and "s3cr3t" not in raw  # sealed on its first delivery
    assert unseal(session.scalars(sa.select(ChatWebhook.sealed_url)).one()) == plain


def test_a_message_whose_channel_vanished_fails_at_once(app, client, session, comms, receiver):
    _add(client, receiver, "slack", "#marketing")
    _new_topic(client, "Nobody to tell")
    session.execute(sa.delete(ChatWebhook))  # gone without remove_webhook (another process, a restore)
    session.commit()
    report = deliver_due(app)
    assert (report.sent, report.retrying, report.failed) == (0, 0, 1) and receiver.received == []
    [message] = _webhooks(session)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1) and "was removed" in message.last_error
