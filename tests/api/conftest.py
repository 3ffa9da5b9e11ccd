"""The API's fixtures: tokens, and a client whose every answer is checked against the OpenAPI 3.1
document (openapi-core): a response the document does not describe fails the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import OpenAPI
from werkzeug.datastructures import Headers, ImmutableMultiDict

from hub.api import openapi, services
from hub.auth.models import User


class Request:
    """The request side of an exchange, in the shape openapi-core reads."""

    def __init__(self, url: str, method: str, body: bytes | None, headers: Headers) -> None:
        from openapi_core.datatypes import RequestParameters

        parts = urlsplit(url)
        self.host_url = f"{parts.scheme}://{parts.netloc}"
        self.path = parts.path
        self.method = method.lower()
        self.body = body
        self.content_type = headers.get("Content-Type", "application/octet-stream")
        self.parameters = RequestParameters(query=ImmutableMultiDict(parse_qsl(parts.query)), header=headers,
                                            cookie=ImmutableMultiDict())


class Response:
    """The answer side of an exchange, for openapi-core."""

    def __init__(self, status_code: int, data: bytes, content_type: str, headers: Headers) -> None:
        self.status_code, self.data, self.content_type, self.headers = status_code, data, content_type, headers


class Checked:
    """Check an exchange with the API against the document served at ``base``: every answer, and
    the request too when it succeeded (so the document describes what the API accepts)."""

    def __init__(self, base: str) -> None:
        self.spec = OpenAPI.from_dict(openapi.document(base))

    def __call__(self, url: str, method: str, status: int, data: bytes, content_type: str,
                 headers: Headers, *, request_body: bytes | None = None,
                 request_headers: dict[str, str] | None = None) -> None:
        request = Request(url, method, request_body, Headers(request_headers or {}))
        self.spec.validate_response(request, Response(status, data, content_type, headers))
        if status < 400:
            self.spec.validate_request(request)


class Api:
    """The Flask test client, speaking to /api/v1 with a token; every answer is JSON and matches the
    document."""

    def __init__(self, client: Any, checked: Checked) -> None:
        self.client = client
        self.checked = checked
        self.token: str | None = None

    def call(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if (token or self.token) and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {token or self.token}"
        sent = json.dumps(kwargs["json"]).encode() if "json" in kwargs else kwargs.get("data")
        if "json" in kwargs:
            headers.setdefault("Content-Type", "application/json")
        response = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        assert response.mimetype == "application/json", (response.status, response.data[:300])
        assert response.headers.get("Set-Cookie") is None  # the API never starts or changes a session
        self.checked(f"http://localhost{response.request.full_path.rstrip('?')}", method, response.status_code,
                     response.data, response.content_type, response.headers,
                     request_body=sent.encode() if isinstance(sent, str) else sent, request_headers=headers)
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.call("POST", path, **kwargs)


@pytest.fixture(scope="session")
def checked() -> Checked:
    return Checked("http://localhost")


@pytest.fixture
def api(client: Any, checked: Checked) -> Api:
    return Api(client, checked)


@pytest.fixture
def make_token(session: Any) -> Callable[..., str]:
    """``make_token(user, scopes=("read", "write"))``: a committed token; returns the token itself."""

    def make(user: User, scopes: tuple[str, ...] = ("read", "write"), name: str = "script") -> str:
        _token, raw = services.create_token(session, user, name=name, scopes=scopes)
        session.commit()
        return raw

    return make


def body(response: Any) -> Any:
    return json.loads(response.data)
