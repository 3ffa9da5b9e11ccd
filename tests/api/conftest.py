"""The API's fixtures: tokens, and a client whose every answer is checked against the OpenAPI 3.1
document (openapi-core): a response the document does not describe fails the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import OpenAPI
from werkzeug.datastructures import Headers, ImmutableMultiDict

from hub.api import openapi, services
from hub.auth.models import User


@dataclass
class Exchange:
    """One request and its answer, in the shape openapi-core reads (its request/response protocols)."""

    url: str
    method: str
    status_code: int
    data: bytes
    content_type: str
    headers: Headers
    body: bytes | None = None
    parameters: Any = field(init=False)

    def __post_init__(self) -> None:
        from openapi_core.datatypes import RequestParameters

        parts = urlsplit(self.url)
        self.host_url = f"{parts.scheme}://{parts.netloc}"
        self.path = parts.path
        self.parameters = RequestParameters(query=ImmutableMultiDict(parse_qsl(parts.query)), header=Headers(),
                                            cookie=ImmutableMultiDict())


class Checked:
    """Check an answer of the API against the document served at ``base``."""

    def __init__(self, base: str) -> None:
        self.spec = OpenAPI.from_dict(openapi.document(base))

    def __call__(self, url: str, method: str, status: int, data: bytes, content_type: str,
                 headers: Headers) -> None:
        exchange = Exchange(url, method.lower(), status, data, content_type, headers)
        self.spec.validate_response(exchange, exchange)


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
        response = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)
        assert response.mimetype == "application/json", (response.status, response.data[:300])
        assert response.headers.get("Set-Cookie") is None  # the API never starts or changes a session
        self.checked(f"http://localhost{response.request.full_path.rstrip('?')}", method, response.status_code,
                     response.data, response.content_type, response.headers)
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
