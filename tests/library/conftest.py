"""Library fixtures: local web servers the fetcher may read (loopback allowed for tests only)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.library.servers import serve


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    """A local web server with pages and a feed (see tests/library/servers.py)."""
    with serve() as base:
        yield base


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"LIBRARY_FETCH_ALLOW_LOOPBACK": True, "LIBRARY_FETCH_TIMEOUT_SECONDS": 1.0}
