"""A real OpenID Connect provider for the single sign-on tests: tests/oidc/provider.mjs (the
certified ``oidc-provider`` package on Node), started once per test session on a free port.

Without node and npm the tests that need it are skipped locally and FAIL in CI (CI=true). The
provider's packages are installed with ``npm ci`` from the committed lockfile when
tests/oidc/node_modules is missing.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from flask import Flask

HERE = Path(__file__).resolve().parent / "oidc"
PROVIDER_PASSWORD = "provider-password"
# What the test provider's "groups" claim makes people here (tests/oidc/provider.mjs has the accounts).
ROLE_MAP = {"hub-admins": "admin", "comms-team": "comms"}


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI needs Node.js 18.12+ and npm for the single sign-on tests", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OidcProvider:
    """The running provider, and helpers to register hub with it and to drive its login form."""

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer

    def register(
        self, redirect_uri: str, backchannel_logout_uri: str | None = None, post_logout_redirect_uri: str | None = None
    ) -> dict[str, Any]:
        """A new client (OAuth 2.0 Dynamic Client Registration) for one hub address."""
        metadata: dict[str, Any] = {
            "redirect_uris": [redirect_uri],
            "post_logout_redirect_uris": [post_logout_redirect_uri] if post_logout_redirect_uri else [],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic",
        }
        if backchannel_logout_uri:
            metadata |= {"backchannel_logout_uri": backchannel_logout_uri, "backchannel_logout_session_required": True}
        response = requests.post(f"{self.issuer}/reg", json=metadata, timeout=10)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def configure(self, app: Flask, *, backchannel: bool = False, **settings: Any) -> dict[str, Any]:
        """Register a client for ``app``'s BASE_URL and switch single sign-on on for it."""
        from hub.auth import oidc

        requests.post(f"{self.issuer}/test/reset", json={}, timeout=10).raise_for_status()
        base = app.config["BASE_URL"]
        client = self.register(f"{base}/login/sso/callback", f"{base}/backchannel-logout" if backchannel else None,
                               f"{base}/logout/sso/done")
        app.config.update(
            OIDC_ISSUER=self.issuer,
            OIDC_CLIENT_ID=client["client_id"],
            OIDC_CLIENT_SECRET=client["client_secret"],
            OIDC_SCOPES="openid email profile groups",
            OIDC_ROLE_CLAIM="groups",
            OIDC_ROLE_MAP=dict(ROLE_MAP),
            OIDC_ALLOWED_DOMAINS="example.com",
            **settings,
        )
        oidc.init_app(app)
        return client

    def disable(self, email: str) -> None:
        """The company removes the account: the provider refuses it from now on."""
        requests.post(f"{self.issuer}/test/disable", json={"email": email}, timeout=10).raise_for_status()

    def send_logout(self, email: str, client_id: str) -> None:
        """The provider sends hub a back-channel logout token for the account (it raises if hub
        does not answer 200)."""
        data = {"email": email, "client_id": client_id}
        response = requests.post(f"{self.issuer}/test/logout", json=data, timeout=10)
        assert response.status_code == 200, response.text

    def remembers(self, http: requests.Session, hub_url: str) -> bool:
        """Whether the provider still has a session for this browser: a new company sign-in from
        hub comes straight back to hub (True) rather than asking for credentials (False)."""
        response = http.get(f"{hub_url}/login/sso", allow_redirects=False, timeout=10)
        assert response.status_code == 302 and response.headers["Location"].startswith(self.issuer), response.text
        for _ in range(10):
            response = http.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10)
            if response.status_code == 200:
                assert 'action="/interaction/' in response.text, response.text  # its login form
                return False
            assert response.status_code in (302, 303), response.text
            if urljoin(response.url, response.headers["Location"]).startswith(hub_url):
                return True
        raise AssertionError("the provider neither asked for credentials nor sent the browser back")

    def sign(self, claims: dict[str, Any]) -> str:
        """A JWT of ``claims`` signed with the provider's own key."""
        response = requests.post(f"{self.issuer}/test/sign", json=claims, timeout=10)
        response.raise_for_status()
        return str(response.json()["jwt"])

    def sign_in(
        self,
        http: requests.Session,
        hub_url: str,
        email: str,
        password: str = PROVIDER_PASSWORD,
        *,
        next_url: str | None = None,
        start_path: str = "/login/sso",
        tamper_request: Callable[[str], str] | None = None,
        tamper_callback: Callable[[str], str] | None = None,
    ) -> requests.Response:
        """The whole code flow over HTTP, as a browser does it: hub's ``start_path`` (/login/sso,
        or a page that sends the browser there), the provider's login form (unless the provider
        remembers the person), back to hub's callback. Returns hub's answer to the callback."""
        start = f"{hub_url}{start_path}" + (f"?next={requests.utils.quote(next_url, safe='')}" if next_url else "")
        response = http.get(start, allow_redirects=False, timeout=10)
        for _ in range(5):  # hub's redirects, until it sends the browser to the provider
            assert response.status_code == 302, response.text
            authorize = urljoin(response.url, response.headers["Location"])
            if authorize.startswith(self.issuer):
                break
            response = http.get(authorize, allow_redirects=False, timeout=10)
        else:
            raise AssertionError("hub never sent the browser to the provider")
        if tamper_request:
            authorize = tamper_request(authorize)
        response = http.get(authorize, allow_redirects=False, timeout=10)
        for _ in range(10):  # the provider's pages and redirects, until it sends the browser back to hub
            if response.status_code == 200:  # its login form (none when the provider remembers the person)
                match = re.search(r'action="(/interaction/[\w-]+/login)"', response.text)
                assert match, response.text
                response = http.post(urljoin(self.issuer, match.group(1)), data={"login": email, "password": password},
                                     allow_redirects=False, timeout=10)
                continue
            assert response.status_code in (302, 303), response.text
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(hub_url):
                break
            response = http.get(location, allow_redirects=False, timeout=10)
        else:
            raise AssertionError("the provider never sent the browser back to hub")
        if tamper_callback:
            location = tamper_callback(location)
        return http.get(location, allow_redirects=False, timeout=10)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """tests/oidc/provider.mjs on a free port of 127.0.0.1, for the whole session."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        _unavailable("node and npm are not installed (the single sign-on tests run a real OpenID provider on Node)")
    assert node and npm
    # One `npm ci` at a time: pytest-xdist's workers each start a provider of their own.
    with open(HERE / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                                  capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                _unavailable(f"`npm ci` in {HERE} failed: {done.stderr.strip()[-2000:]}")
    port = _free_port()
    process = subprocess.Popen([node, "provider.mjs", str(port)], cwd=HERE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output: list[str] = []
    deadline = time.monotonic() + 30
    ready = False
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break  # it exited
        output.append(line)
        if line.startswith("READY "):
            ready = True
            break
    if not ready:
        process.kill()
        pytest.fail("the test OpenID provider did not start:\n" + "".join(output), pytrace=False)
    # Keep reading its output so that it never blocks on a full pipe.
    drain = threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True)
    drain.start()
    try:
        yield OidcProvider(f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        drain.join(10)  # it ends at the pipe's end, once the provider has exited
        process.stdout.close()
