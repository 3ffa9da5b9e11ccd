"""The outbox against a real SMTP server on 127.0.0.1 (aiosmtpd): mail leaves after the commit,
a refusing server means retries and then a visible failure, never a lost change or a 500."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from hub.db import get_session, utcnow
from hub.outbox import services
from hub.outbox.delivery import deliver_due
from hub.outbox.models import MessageStatus, OutboxMessage


class Inbox:
    """An aiosmtpd handler that keeps what it receives, or refuses every recipient with a 550."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse = False
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def app_config(smtp) -> dict[str, Any]:
    _inbox, port = smtp
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False, "MAIL_FROM": "hub <hub@hub.test>",
            "OUTBOX_MAX_ATTEMPTS": 3, "OUTBOX_RETRY_SECONDS": 60}


def _messages(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_mail_waits_in_the_outbox_until_the_worker_sends_it(app, client, runner, session, smtp, make_user):
    inbox, _port = smtp
    make_user(email="me@example.com")
    assert client.post("/password/forgot", data={"email": "me@example.com"}).status_code == 302
    [queued] = _messages(session)
    assert (queued.status, queued.attempts, queued.recipient) == (MessageStatus.PENDING, 0, "me@example.com")
    assert inbox.messages == []  # nothing was sent inside the request

    result = runner.invoke(args=["worker", "--once"])
    assert "1 sent, 0 to retry, 0 failed" in result.output, result.output
    [mail] = inbox.messages
    assert mail["To"] == "me@example.com" and "/password/reset/" in mail.get_content()
    [sent] = _messages(session)
    assert (sent.status, sent.attempts, sent.last_error) == (MessageStatus.SENT, 1, None)
    assert "0 sent" in runner.invoke(args=["worker", "--once"]).output  # never twice
    assert len(inbox.messages) == 1


def test_a_rolled_back_transaction_sends_nothing(app, session, smtp):
    inbox, _port = smtp
    services.queue_mail(session, to="me@example.com", subject="Hello", body="Hi")
    session.rollback()
    assert deliver_due(app).sent == 0 and inbox.messages == [] and _messages(session) == []


def test_a_refusing_server_means_retries_then_a_visible_failure(app, client, auth, make_user, session, runner, smtp):
    from hub.channels.models import ChannelRequest, RequestStatus

    inbox, _port = smtp
    inbox.refuse = True
    employee = make_user(name="Emma Employee", email="emma@example.com")
    comms = make_user(role="comms", name="Cleo Comms")
    auth.login(employee)
    client.post("/channels/request", data={"platform": "x", "handle": "", "purpose": "Jobs", "audience": "Engineers"})
    request = session.scalars(sa.select(ChannelRequest)).one()
    auth.login(comms)
    response = client.post(f"/channels/requests/{request.id}/decline", data={"note": "Use @acme for jobs."})
    assert response.status_code == 302  # the decision is saved whatever the mail server says
    session.expire_all()
    assert request.status == RequestStatus.DECLINED

    now = utcnow()
    report = deliver_due(app, now=now)
    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    [message] = _messages(session)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 1)
    assert "550" in message.last_error and "No such mailbox" in message.last_error
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert deliver_due(app, now=now + timedelta(seconds=59)).retrying == 0  # not due yet: backoff

    assert deliver_due(app, now=now + timedelta(seconds=60)).retrying == 1
    [message] = _messages(session)
    assert (message.attempts, message.next_attempt_at) == (2, now + timedelta(seconds=180))  # doubled
    assert deliver_due(app, now=now + timedelta(seconds=180)).failed == 1
    [message] = _messages(session)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert deliver_due(app, now=now + timedelta(days=1)).failed == 0  # given up: no more attempts
    assert inbox.messages == []

    listing = runner.invoke(args=["outbox", "--status", "failed"]).output
    assert f"#{message.id} failed" in listing and "attempts=3" in listing and "emma@example.com" in listing
    assert "550" in listing and "1 failed" in listing

    inbox.refuse = False  # the mailbox exists now: an admin retries
    assert "will be sent again" in runner.invoke(args=["outbox", "retry", str(message.id)]).output
    assert "1 sent" in runner.invoke(args=["worker", "--once"]).output
    [mail] = inbox.messages
    assert mail["To"] == "emma@example.com" and "declined" in mail["Subject"]
    assert "not failed" in runner.invoke(args=["outbox", "retry", str(message.id)]).output


def test_a_message_whose_worker_died_is_claimed_again(app, session, smtp):
    inbox, _port = smtp
    message = services.queue_mail(session, to="me@example.com", subject="Hello", body="Hi")
    session.commit()
    now = utcnow()
    assert services.claim_next(session, now) is not None  # a worker claimed it, then died
    session.commit()
    assert deliver_due(app, now=now + timedelta(seconds=60)).sent == 0  # still someone's
    assert deliver_due(app, now=now + timedelta(seconds=601)).sent == 1
    assert [m["To"] for m in inbox.messages] == ["me@example.com"]
    session.refresh(message)
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)


def test_several_workers_side_by_side_send_each_message_once(app, session, smtp):
    inbox, _port = smtp
    for i in range(24):
        services.queue_mail(session, to=f"person{i}@example.com", subject=f"Message {i}", body="Hi")
    session.commit()
    errors: list[BaseException] = []

    def work() -> None:
        try:
            deliver_due(app)
        except BaseException as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert errors == []
    assert sorted(m["To"] for m in inbox.messages) == sorted(f"person{i}@example.com" for i in range(24))
    assert {(m.status, m.attempts) for m in _messages(session)} == {(MessageStatus.SENT, 1)}


@pytest.mark.parametrize("app_config", [{"OUTBOX_DELIVER_IN_WEB": True}], indirect=False)
def test_the_web_process_delivers_after_the_commit_in_the_background(app, client, session, smtp, make_user):
    inbox, port = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    make_user(email="me@example.com")
    try:
        assert client.post("/password/forgot", data={"email": "me@example.com"}).status_code == 302
        deadline = time.monotonic() + 20
        while not inbox.messages and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        [mail] = inbox.messages
        assert mail["To"] == "me@example.com"
        deadline = time.monotonic() + 20
        while _messages(session)[0].status != MessageStatus.SENT and time.monotonic() < deadline:
            threading.Event().wait(0.02)
        assert _messages(session)[0].status == MessageStatus.SENT
    finally:
        app.extensions["hub.outbox.courier"].stop()


def test_admins_see_failed_mail_and_retry_it(app, client, auth, make_user, session):
    message = services.queue_mail(session, to="gone@example.com", subject="Your request", body="Hi")
    session.commit()
    message.status, message.attempts, message.last_error = MessageStatus.FAILED, 3, "SMTPRecipientsRefused: 550 <b>"
    session.commit()
    auth.login(make_user(role="employee"))
    assert client.get("/admin/outbox").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/retry").status_code == 403
    auth.login(make_user(role="comms"))
    assert client.get("/admin/outbox").status_code == 403

    auth.login(make_user(role="admin"))
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "gone@example.com" in page and "550 &lt;b&gt;" in page and "Failed (1)" in page
    assert client.get("/admin/outbox?status=nonsense").status_code == 400
    response = client.post(f"/admin/outbox/{message.id}/retry")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/outbox?status=failed"
    session.refresh(message)
    assert (message.status, message.attempts) == (MessageStatus.PENDING, 0)
    client.post(f"/admin/outbox/{message.id}/retry")  # not failed any more: refused, nothing changes
    assert "is pending, not failed" in client.get("/admin/outbox").get_data(as_text=True)
