"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise an ``.eml`` file in instance/outbox/.

Only the outbox's delivery (``hub.outbox.delivery``) calls this, after the commit and outside any
request; code that wants to send mail queues it with ``hub.outbox.services.queue_mail``."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Any


def send_mail(config: Mapping[str, Any], instance_path: str, *, to: str, subject: str, body: str) -> Path | None:
    """Send one plain-text message. Returns the outbox file when no SMTP server is configured."""
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 587), timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(msg)
        return None
    outbox = Path(instance_path) / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    safe_to = "".join(c if c.isalnum() or c in "@.-_" else "_" for c in to)[:80]
    path = outbox / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 1_000_000:06d}-{safe_to}.eml"
    path.write_bytes(bytes(msg))
    return path
