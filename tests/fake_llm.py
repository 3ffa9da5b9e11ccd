"""A small chat-completions server on 127.0.0.1 for testing the language-model writer.

It speaks the OpenAI-compatible protocol for real (``POST /v1/chat/completions``), records
every request it receives (path, headers, JSON body), and answers as the test sets it up:
``reply_texts(...)`` for a proper answer, or ``status``, ``raw`` (any bytes), ``hang``
(answer only when the test ends) and ``drip`` (send the headers, then a byte at a time).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

KEY = "sk-test-secret-4242"  # an API key the tests look for where it must never be


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def prompt(self) -> str:
        """All the messages' contents, joined."""
        return "\n".join(m["content"] for m in self.body["messages"])


@dataclass
class FakeModel:
    url: str = ""
    status: int = 200
    raw: bytes | None = None
    content: str = "{}"
    hang: bool = False
    drip: bool = False
    received: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def reply_texts(self, texts: dict[str, Any], *, fenced: bool = False) -> None:
        """Answer with ``{"texts": texts}`` as the assistant's message (in a code fence if asked)."""
        content = json.dumps({"texts": texts}, ensure_ascii=False)
        self.content = f"Here you go:\n```json\n{content}\n```\n" if fenced else content

    def answer(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return json.dumps(
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": "test-model",
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": self.content},
                    }
                ],
            }
        ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        fake.received.append(Received(self.path, dict(self.headers.items()), body))
        try:
            if fake.hang:
                fake.released.wait(30)  # longer than any budget a test sets; the test's end releases it
            answer = fake.answer()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            if fake.drip:
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                for byte in answer:
                    if fake.released.wait(0.05):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except OSError:  # the client gave up and closed the connection
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close joins the request threads
    fake: FakeModel

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


@pytest.fixture
def fake_model() -> Iterator[FakeModel]:
    """A chat-completions server on a free port of 127.0.0.1; ``fake_model.url`` is its API root."""
    server = _Server(("127.0.0.1", 0), _Handler)
    fake = FakeModel(url=f"http://127.0.0.1:{server.server_port}/v1")
    server.fake = fake
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    fake.released.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def refused_url() -> str:
    """An address where nothing listens: a port bound and closed again."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def good_texts(own: str = "") -> dict[str, Any]:
    """A valid answer for every platform (Example 1 of share-texts.md)."""
    o = f"{own} " if own else ""
    return {
        "x": {
            "text": f"{o}My team moved all 400 of our services off a homegrown deploy tool to Argo CD, "
            "with no outage. Deploys: 42 minutes down to 6. {URL}"
        },
        "linkedin": {
            "text": f"{o}Last month my team switched off the deploy tool we built in-house.\n\nOver two "
            "years we moved all 400 services to Argo CD, one team at a time, with no "
            "customer-facing outage.\n\n{URL}\n\n#PlatformEngineering #ArgoCD"
        },
        "bluesky": {
            "text": f"{o}My team just moved 400 services to Argo CD. Two years, no outage, deploys "
            "from 42 minutes to 6. {URL}"
        },
        "mastodon": {
            "text": f"{o}After two years, my team has moved all 400 of our services to Argo CD.\n\n"
            "Median deploy time: 42 minutes before, 6 now.\n\n{URL}\n\n#ArgoCD #DevOps"
        },
        "threads": {
            "text": f"{o}Two years, 400 services, no customer-facing outage: we retired our in-house "
            "deploy tool. Deploys take 6 minutes now instead of 42.\n\n{URL}"
        },
        "facebook": {
            "text": f"{o}Big day for my team: every one of our 400 services now deploys with Argo CD, "
            "and a deploy takes 6 minutes instead of 42. {URL}"
        },
        "instagram": {
            "text": f"{o}400 services, two years, zero outages: my team retired our homegrown deploy "
            "tool. Link in my bio. #PlatformEngineering"
        },
        "reddit": {
            "text": f"{o}We wrote up our two-year migration of 400 services to Argo CD.",
            "subject": "Moving 400 services from a homegrown deploy tool to Argo CD",
        },
        "whatsapp": {
            "text": f"{o}We did it: all 400 of our services are off the old deploy tool, and deploys "
            "take 6 minutes now instead of 42. {URL}"
        },
        "email": {
            "text": f"{o}Hi, my team just finished moving all 400 of our services to Argo CD, without "
            "an outage. The write-up is here: {URL}",
            "subject": "We moved 400 services to Argo CD",
        },
    }
