"""Posting a JSON message to an incoming webhook (Slack, Microsoft Teams).

Only the outbox's delivery (``hub.outbox.delivery``) calls this, after the commit and outside any
request; code that wants to send a webhook queues it with ``hub.outbox.services.queue_webhook``.
The address is a secret (whoever has it can post to the channel): errors never repeat it."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

USER_AGENT = "hub-webhook/1"
MAX_ANSWER = 2000  # bytes of an error answer kept for the outbox's last_error


class WebhookError(Exception):
    """The receiver refused the message or could not be reached (the outbox retries it)."""


def masked(url: str) -> str:
    """How a webhook address is shown once saved: its host and the last four characters
    (``https://hooks.slack.com/…WxYz``), never the secret path."""
    parts = urlsplit(url)
    tail = url.rstrip("/")[-4:] if len(url) > 12 else ""
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}/…{tail}"


def post_json(url: str, body: bytes, *, timeout: float = 10.0) -> str:
    """POST ``body`` (JSON) to ``url`` and return the answer's text; WebhookError on any status
    outside 2xx or a network failure. No proxy from the environment is used."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.read(MAX_ANSWER).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        answer = exc.read(MAX_ANSWER).decode("utf-8", "replace").strip()
        raise WebhookError(f"{masked(url)} answered HTTP {exc.code}: {answer[:300]}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"{masked(url)} could not be reached: {reason}") from None
