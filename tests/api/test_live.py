"""The API over a real HTTP server (live_server, CSRF on as in production): a script with a token
reads, writes a draft and publishes it; every answer matches the OpenAPI document."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from werkzeug.datastructures import Headers

from tests.api.conftest import Checked


def _call(server: Any, checked: Checked, method: str, path: str, token: str | None,
          payload: Any = None) -> tuple[int, Any, Any]:
    url = f"{server.url}/api/v1{path}"
    request = urllib.request.Request(url, method=method, data=None if payload is None else json.dumps(payload).encode())
    if payload is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            status, headers, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, data = exc.code, exc.headers, exc.read()
    assert headers.get("Set-Cookie") is None
    checked(url, method, status, data, headers.get("Content-Type", ""), Headers(list(headers.items())),
            request_body=request.data if isinstance(request.data, bytes) else None,
            request_headers=dict(request.header_items()))
    return status, headers, json.loads(data)


def test_a_script_drafts_and_publishes_over_http(live_server, make_user, make_token):
    checked = Checked(live_server.url)
    token = make_token(make_user(name="Scripted Sam"))

    status, headers, _ = _call(live_server, checked, "GET", "/me", None)
    assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
    status, _, me = _call(live_server, checked, "GET", "/me", token)
    assert status == 200 and me["name"] == "Scripted Sam"

    status, headers, draft = _call(live_server, checked, "POST", "/posts", token,
                                   {"title": "Written by a script", "body": "Hello **world**.", "tags": ["Automation"]})
    assert status == 201 and draft["status"] == "draft" and headers["Location"].endswith(f"/posts/{draft['id']}")
    status, _, published = _call(live_server, checked, "POST", f"/posts/{draft['id']}/publish", token)
    assert status == 200 and published["status"] == "published"
    assert published["url"] == f"{live_server.url}/p/{draft['id']}-written-by-a-script"

    status, _, share = _call(live_server, checked, "GET", f"/posts/{draft['id']}/share", token)
    assert status == 200 and all(link["url"].startswith(f"{live_server.url}/s/") for link in share["links"])
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(published["url"], timeout=10) as page:
        assert "Written by a script" in page.read().decode()
