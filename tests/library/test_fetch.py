"""The safe fetcher: every kind of address it must refuse, and the limits on what it reads.
Local servers stand in for the web; a public address is pointed at them by replacing the
socket connection alone (the checks see the public address)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from hub.library import fetch
from hub.library.fetch import FetchError, check_url, refusal
from tests.library.servers import Handler, serve

PUBLIC = "93.184.215.14"  # a public address; its connections are sent to the local server


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve() as base:
        yield base


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("127.1.2.3", "loopback"), ("::1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("172.31.255.254", "private"), ("192.168.1.1", "private"),
    ("169.254.10.10", "link-local"), ("fe80::1", "link-local"),
    ("169.254.169.254", "metadata"), ("fd00:ec2::254", "metadata"),
    ("fc00::1", "private"), ("fd12:3456:789a::1", "private"),  # IPv6 unique local addresses
    ("::ffff:127.0.0.1", "inside an IPv6"), ("::ffff:10.0.0.1", "inside an IPv6"),
    ("::ffff:169.254.169.254", "inside an IPv6"), ("2002:7f00:1::1", "inside an IPv6"),  # 6to4 of 127.0.0.1
    ("64:ff9b::a00:1", "inside an IPv6"),  # NAT64 of 10.0.0.1
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", ""), ("2001:db8::1", ""), ("255.255.255.255", ""),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
    ("100.64.0.1", "not a public"), ("192.0.2.1", ""), ("198.18.0.1", ""),
])
def test_every_non_public_address_is_refused(address, why):
    found = refusal(address)
    assert found is not None, address
    assert why in found


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert refusal(address) is None


def test_loopback_only_opens_with_the_test_setting_and_nothing_else_does():
    assert refusal("127.0.0.1", allow_loopback=True) is None
    assert refusal("::1", allow_loopback=True) is None
    for other in ("10.0.0.1", "169.254.169.254", "192.168.0.1", "fd00::1", "::ffff:10.0.0.1"):
        assert refusal(other, allow_loopback=True) is not None


def resolver(answers: dict[str, list[str]]):
    return lambda host, port: answers[host]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/",
                                 "javascript:alert(1)", "http://user:pw@example.com/", "http:///nohost",
                                 "http://example.com:99999/", "http://exa mple.com/"])
def test_urls_that_are_not_plain_web_addresses_are_refused(url):
    with pytest.raises(FetchError):
        check_url(url, resolver=resolver({"example.com": [PUBLIC]}))


def test_a_name_with_any_private_answer_is_refused_and_the_checked_address_is_pinned():
    with pytest.raises(FetchError, match="private"):
        check_url("http://intranet.example/", resolver=resolver({"intranet.example": ["10.0.0.5"]}))
    # one public and one loopback answer (a rebinding attempt): refused outright
    with pytest.raises(FetchError, match="loopback"):
        check_url("http://rebind.example/", resolver=resolver({"rebind.example": [PUBLIC, "127.0.0.1"]}))
    target = check_url("https://news.example/a?b=1", resolver=resolver({"news.example": [PUBLIC]}))
    assert (target.host, target.port, target.path, target.address) == ("news.example", 443, "/a?b=1", PUBLIC)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/",
                                 "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost/", "http://0/"])
def test_loopback_in_every_spelling_is_refused_by_the_real_resolver(url):
    with pytest.raises(FetchError):
        check_url(url)


@pytest.fixture
def public_server(server: str, monkeypatch: pytest.MonkeyPatch):
    """``http://news.example`` resolves to a public address whose connections reach the local server."""
    port = int(server.rsplit(":", 1)[1])
    real = socket.create_connection
    connected: list[str] = []

    def connect(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        connected.append(address[0])
        return real(("127.0.0.1", port) if address[0] == PUBLIC else address, *args, **kwargs)

    monkeypatch.setattr(fetch.socket, "create_connection", connect)
    return f"http://news.example:{port}", resolver({"news.example": [PUBLIC], "127.0.0.1": ["127.0.0.1"],
                                                   "10.0.0.1": ["10.0.0.1"]}), connected


def test_a_public_page_is_read_with_its_host_name_and_no_cookies(public_server):
    base, resolve, connected = public_server
    Handler.cookies_seen.clear()
    page = fetch.fetch(f"{base}/page", resolver=resolve)
    assert page.status == 200 and page.content_type == "text/html" and page.charset == "utf-8"
    assert b"og:title" in page.body
    fetch.fetch(f"{base}/redirect", resolver=resolve)  # the server set a cookie before: never sent back
    assert Handler.cookies_seen == []
    assert connected and set(connected) == {PUBLIC}


def test_a_redirect_to_loopback_is_refused_at_the_hop(public_server):
    base, resolve, _connected = public_server
    port = base.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match="loopback"):
        fetch.fetch(f"{base}/redirect-to/http:||127.0.0.1:{port}|page", resolver=resolve)
    with pytest.raises(FetchError, match="private"):
        fetch.fetch(f"{base}/redirect-to/http:||10.0.0.1|admin", resolver=resolve)
    page = fetch.fetch(f"{base}/redirect", resolver=resolve)  # a relative redirect on the same host is fine
    assert page.url.endswith("/page")


def test_slow_huge_missing_and_looping_pages_fail_with_clear_messages(server):
    with pytest.raises(FetchError, match="longer than 0.5 seconds"):
        fetch.fetch(f"{server}/slow", timeout=0.5, allow_loopback=True)
    with pytest.raises(FetchError, match="larger than 2 MB"):
        fetch.fetch(f"{server}/huge", allow_loopback=True)
    with pytest.raises(FetchError, match="larger than"):
        fetch.fetch(f"{server}/huge-unannounced", max_bytes=1024 * 1024, allow_loopback=True)
    with pytest.raises(FetchError, match="404"):
        fetch.fetch(f"{server}/missing", allow_loopback=True)
    with pytest.raises(FetchError, match="redirects more than"):
        fetch.fetch(f"{server}/loop", allow_loopback=True)
    with pytest.raises(FetchError, match="loopback"):
        fetch.fetch(f"{server}/page")  # the test setting is off: even the local server is refused


def test_nothing_listening_is_a_clear_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(FetchError, match="could not be read"):
        fetch.fetch(f"http://127.0.0.1:{port}/", timeout=1, allow_loopback=True)
