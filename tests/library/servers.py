"""Local HTTP servers for the library's tests: pages, feeds, a slow one, a huge one, redirects."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Plain title</title>
<meta property="og:title" content="Why four-day weeks work for small teams">
<meta property="og:description" content="A study of 60 small companies &amp; what changed.">
<meta property="og:image" content="/images/cover.jpg">
<meta property="og:site_name" content="Work Review">
</head><body><p>The article.</p></body></html>"""


def feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Industry News</title><link>{base}/</link><language>en-us</language>
<item><title>Remote onboarding that works</title><link>{base}/articles/onboarding</link>
<description>&lt;p&gt;How teams &lt;b&gt;welcome&lt;/b&gt; new people.&lt;/p&gt;</description>
<pubDate>Tue, 10 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Not a web link</title><link>ftp://files.example/x</link></item>
<item><title>Mentoring at scale</title><link>{base}/articles/mentoring</link></item>
</channel></rss>""".encode()


class Handler(BaseHTTPRequestHandler):
    cookies_seen: list[str] = []

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, body: bytes, content_type: str = "text/html; charset=utf-8", status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "tracker=1; Path=/")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.headers.get("Cookie"):
            Handler.cookies_seen.append(self.headers["Cookie"])
        base = f"http://{self.headers.get('Host')}"
        path = self.path.split("?")[0]
        if path.startswith("/articles/"):
            self._send(PAGE.replace(b"Why four-day weeks work for small teams", path.encode()))
        elif path == "/page":
            self._send(PAGE)
        elif path == "/feed.xml":
            self._send(feed(base), "application/rss+xml")
        elif path == "/not-a-feed":
            self._send(b"<html><body>nothing</body></html>", "text/html")
        elif path == "/slow":
            # A site that stalls: it answers only when its server is shut down (or after 10 s),
            # long after any fetch's timeout.
            self.server.stalling.wait(10)  # type: ignore[attr-defined]
            self._send(PAGE)
        elif path == "/huge":
            self._send(b"<html>" + b"x" * (3 * 1024 * 1024))
        elif path == "/huge-unannounced":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(48):
                self.wfile.write(b"y" * 65536)
        elif path == "/redirect":
            self._send(b"", status=302, headers={"Location": "/page"})
        elif path.startswith("/redirect-to/"):
            self._send(b"", status=302, headers={"Location": path[len("/redirect-to/"):].replace("|", "/")})
        elif path == "/loop":
            self._send(b"", status=302, headers={"Location": "/loop"})
        elif path == "/missing":
            self._send(b"gone", status=404)
        elif path == "/image.png":
            self._send(b"\x89PNG", "image/png")
        else:
            self._send(PAGE)


@contextmanager
def serve() -> Iterator[str]:
    """A threaded server on 127.0.0.1 and a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.stalling = threading.Event()  # type: ignore[attr-defined]  # set when the server goes: /slow ends
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stalling.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()
