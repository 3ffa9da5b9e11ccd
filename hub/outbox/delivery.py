"""Delivering the outbox after the commit: one pass (``deliver_due``), the web process's background
courier, and the wiring into the app."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from hub.db import get_session, request_committed, utcnow
from hub.lib.mail import send_mail
from hub.lib.webhook import post_json
from hub.outbox import queries, services
from hub.outbox.models import MessageKind, MessageStatus, OutboxMessage


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    next_attempt: datetime | None = None  # when the earliest message still waiting is due


def deliver_due(app: Flask, now: datetime | None = None, limit: int = 100) -> DeliveryReport:
    """Send the messages whose attempt is due, one at a time, each in small transactions: claim and
    commit, send (no transaction open meanwhile), record the outcome and commit. Several workers
    can run this side by side; each message is claimed by one of them."""
    now = now or utcnow()
    cfg = app.config
    sent = retrying = failed = 0
    with app.app_context():
        session = get_session()
        services.release_stale(session, now, float(cfg["OUTBOX_STALE_SECONDS"]))
        session.commit()
        for _ in range(limit):
            message = services.claim_next(session, now)
            session.commit()
            if message is None:
                break
            try:
                address = _address(session, message)
                session.commit()  # no transaction stays open while sending
                _send(app, message, address)
            except Exception as exc:  # any failure of one message is recorded; the others go on
                session.rollback()
                give_up = isinstance(exc, services.Undeliverable)  # no later attempt does better
                error = str(exc) if give_up else f"{type(exc).__name__}: {exc}"
                status = services.record_failure(
                    session, message, error, now, give_up=give_up,
                    max_attempts=int(cfg["OUTBOX_MAX_ATTEMPTS"]), retry_seconds=float(cfg["OUTBOX_RETRY_SECONDS"]))
                app.logger.warning("outbox message %s to %s failed (attempt %s): %s", message.id, message.recipient,
                                   message.attempts, error)
                failed += status == MessageStatus.FAILED
                retrying += status == MessageStatus.PENDING
            else:
                services.record_sent(session, message, utcnow())
                sent += 1
            session.commit()
        next_attempt = queries.next_attempt(session)
    return DeliveryReport(sent, retrying, failed, next_attempt)


def _address(session: Session, message: OutboxMessage) -> str | None:
    """A webhook's address, asked of the domain that owns its target (None for mail)."""
    if message.kind != MessageKind.WEBHOOK:
        return None
    if not message.target:
        raise services.Undeliverable(f"Webhook message {message.id} has no target: its receiver was removed.")
    return services.address_of(session, message.target)


def _send(app: Flask, message: OutboxMessage, address: str | None) -> None:
    if message.kind == MessageKind.WEBHOOK:
        assert address is not None, f"webhook message {message.id} has no address"
        post_json(address, message.body.encode("utf-8"), timeout=float(app.config["WEBHOOK_TIMEOUT_SECONDS"]))
        return
    send_mail(app.config, app.instance_path, to=message.recipient, subject=message.subject, body=message.body)


class Courier:
    """A web process's background thread that delivers the outbox, woken after a request that
    queued mail has committed, and again when a retry falls due. Never runs inside a request."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def wake(self) -> None:
        """Deliver soon; starts the thread on first use (again in a forked child)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._stopping.clear()
                self._thread = threading.Thread(target=self._run, name="hub-outbox-courier", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        """Finish the current pass and end the thread."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        poll = float(self.app.config["OUTBOX_POLL_SECONDS"])
        while not self._stopping.is_set():
            self._wake.clear()
            wait = poll
            try:
                report = deliver_due(self.app)
            except Exception:  # a database hiccup must not end the thread
                self.app.logger.exception("outbox delivery failed")
            else:
                if report.next_attempt is not None:
                    wait = min(poll, max((report.next_attempt - utcnow()).total_seconds(), 0.05))
            self._wake.wait(wait)


def init_app(app: Flask) -> None:
    """The admins' outbox page, and a courier for this web process (unless OUTBOX_DELIVER_IN_WEB is off)."""
    from hub.outbox.views import bp

    app.register_blueprint(bp)
    if app.config.get("OUTBOX_DELIVER_IN_WEB"):
        app.extensions["hub.outbox.courier"] = Courier(app)
    request_committed.connect(_wake_courier)  # one receiver for every app; each finds its own courier


def _wake_courier(sender: Flask, session: Session, **_: Any) -> None:
    """After a request's commit: if it queued mail, wake its app's courier."""
    courier = sender.extensions.get("hub.outbox.courier")
    if session.info.pop(services.QUEUED, False) and courier is not None:
        courier.wake()
