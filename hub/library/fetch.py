"""The safe fetcher: hub's only way to read an outside page or feed.

A URL a person pastes is fetched by *this server*, so it must not become a way to reach what
only this server can reach (SSRF). Every request here:

- goes to ``http``/``https`` only, with no user name or password in the URL;
- resolves the host name itself (``socket.getaddrinfo``) and refuses it when *any* answer is
  not a public address: loopback, private (RFC 1918, IPv6 ULA), link-local (169.254/16 with the
  cloud metadata address 169.254.169.254, fe80::/10), shared (100.64/10), multicast, reserved,
  unspecified, documentation, and IPv4 hidden in IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64);
- connects to the address it checked (pinned: the ``Host`` header and TLS name stay the host's),
  so a second DNS answer cannot switch it to another address (DNS rebinding);
- follows redirects itself, checking every hop the same way;
- gives up after ``timeout`` seconds in all, reads at most ``max_bytes`` (refusing larger),
  asks for no compression, and sends and keeps no cookies.

Failures raise ``FetchError`` with a message that can be shown to the person as it is (in
their language inside a request: ``hub.i18n``; in English elsewhere). No database.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from hub.i18n import _
from hub.templating import number

DEFAULT_TIMEOUT = 5.0
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 5
USER_AGENT = "hub-library/1.0 (+link preview; employee advocacy)"
# Cloud instance metadata (AWS/GCP/Azure, AWS over IPv6, Alibaba): refused by name in the message.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """The page could not be read (or must not be): ``str(error)`` says why, for people."""


@dataclass(frozen=True)
class Fetched:
    url: str  # the address finally read (after redirects)
    status: int
    content_type: str  # lower case, without parameters
    charset: str | None
    body: bytes


def refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why ``address`` (an IP address as text) must not be fetched from, or None when it is public."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return str(_("not an IP address"))
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or (ip.sixtofour) or (ip.teredo[1] if ip.teredo else None)
        if inner is None and ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            why = refusal(str(inner), allow_loopback=allow_loopback)
            return str(_("%(why)s (inside an IPv6 address)", why=why)) if why else None
    if ip in METADATA_ADDRESSES:
        return str(_("a cloud metadata address"))
    if ip.is_loopback:
        return None if allow_loopback else str(_("a loopback address (this server itself)"))
    if ip.is_unspecified:
        return str(_("an unspecified address"))
    if ip.is_link_local:
        return str(_("a link-local address"))
    if ip.is_multicast:
        return str(_("a multicast address"))
    if ip.is_private:
        return str(_("a private network address"))
    if ip.is_reserved:
        return str(_("a reserved address"))
    if not ip.is_global:
        return str(_("not a public address"))
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError(_("The address %(host)s could not be found.", host=host)) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    address: str  # the checked IP address connected to


def check_url(url: str, *, allow_loopback: bool = False, resolver: Resolver = system_resolver) -> Target:
    """The checked, pinned target of ``url``; FetchError when it must not be fetched."""
    if not isinstance(url, str) or len(url) > 2000 or any(ch in url for ch in "\r\n\t\x00 "):
        raise FetchError(_("This is not a web address hub can read."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(_("This web address is not valid.")) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(_("Only http:// and https:// addresses can be read."))
    if parts.username is not None or parts.password is not None:
        raise FetchError(_("Web addresses with a user name or password are not read."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError(_("This web address has no host name."))
    try:
        host = host.encode("idna").decode("ascii") if not _is_ip(host) else host
    except UnicodeError as exc:
        raise FetchError(_("This host name is not valid.")) from exc
    port = port or (443 if scheme == "https" else 80)
    addresses = resolver(host, port)
    if not addresses:
        raise FetchError(_("The address %(host)s could not be found.", host=host))
    for address in addresses:
        why = refusal(address, allow_loopback=allow_loopback)
        if why:
            raise FetchError(_("hub does not read pages at %(host)s: it points to %(why)s.", host=host, why=why))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme, host, port, path, addresses[0])


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]  # set by HTTPSConnection


def fetch(
    url: str,
    *,
    accept: str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
) -> Fetched:
    """GET ``url`` safely (see the module docstring); the body of the final 200 answer."""
    deadline = time.monotonic() + timeout
    for _hop in range(MAX_REDIRECTS + 1):
        target = check_url(url, allow_loopback=allow_loopback, resolver=resolver)
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(_("The page took longer than %(seconds)s seconds to answer.", seconds=number(timeout)))
        conn: http.client.HTTPConnection = (
            _PinnedHTTPS(target, left) if target.scheme == "https" else _PinnedHTTP(target, left)
        )
        try:
            conn.putrequest("GET", target.path, skip_accept_encoding=True)
            conn.putheader("User-Agent", USER_AGENT)
            conn.putheader("Accept", accept)
            conn.putheader("Accept-Encoding", "identity")
            conn.putheader("Connection", "close")
            conn.endheaders()
            response = conn.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(_("The page redirects without saying where."))
                url = urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise FetchError(
                    _("The page answered with an error (%(status)s).",
                      status=" ".join((str(response.status), response.reason)))
                )
            length = response.getheader("Content-Length")
            if length and length.strip().isdigit() and int(length) > max_bytes:
                raise FetchError(_("The page is larger than %(size)s; hub does not read it.", size=_size(max_bytes)))
            body = _read_capped(response, max_bytes, deadline, timeout)
            content_type = (response.getheader("Content-Type") or "").lower()
            media, _sep, params = content_type.partition(";")
            charset = None
            for param in params.split(";"):
                key, _sep, value = param.strip().partition("=")
                if key == "charset" and value:
                    charset = value.strip().strip('"')
            return Fetched(url, response.status, media.strip(), charset, body)
        except TimeoutError as exc:
            raise FetchError(
                _("The page took longer than %(seconds)s seconds to answer.", seconds=number(timeout))
            ) from exc
        except ssl.SSLError as exc:
            raise FetchError(_("The page's secure connection could not be checked (TLS certificate).")) from exc
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(_("The page could not be read (the connection failed).")) from exc
        finally:
            conn.close()
    raise FetchError(_("The page redirects more than %(count)d times.", count=MAX_REDIRECTS))


def _read_capped(response: http.client.HTTPResponse, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(_("The page took longer than %(seconds)s seconds to answer.", seconds=number(timeout)))
        chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(_("The page is larger than %(size)s; hub does not read it.", size=_size(max_bytes)))
        chunks.append(chunk)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else str(_("%(count)s bytes", count=number(count)))
