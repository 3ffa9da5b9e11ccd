"""Factories for official accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from hub.channels import services
from hub.channels.models import Channel
from hub.db import get_engine, utcnow

TODAY = date(2025, 6, 15)


@pytest.fixture
def comms(make_user: Callable[..., Any]) -> Any:
    return make_user(role="comms", name="Cleo Comms")


@pytest.fixture
def make_channel(session: Any, comms: Any) -> Callable[..., Channel]:
    """Register (and commit) an account: ``make_channel(handle="@acme", platform="x", owner=user, ...)``."""
    counter = iter(range(1, 10_000))

    def make(handle: str | None = None, platform: str = "x", owner: Any = None, actor: Any = None, **kw: Any) -> Channel:
        n = next(counter)
        handle = handle or f"@acme{n}"
        data = services.ChannelInput(
            platform=platform, handle=handle, url=kw.pop("url", f"https://example.com/{handle.lstrip('@')}"),
            purpose=kw.pop("purpose", "Company news"), audience=kw.pop("audience", "Customers"),
            owner_id=owner.id if owner is not None else None, **kw,
        )
        channel = services.create_channel(session, actor or comms, data, today=max(TODAY, utcnow().date()))
        session.commit()
        return channel

    return make


@pytest.fixture
def statements(app: Any) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with statements() as run: ...``: ``run`` lists the SQL the app sent inside the block."""
    engine = get_engine(app)

    @contextmanager
    def record() -> Iterator[list[str]]:
        run: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            run.append(statement)

        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            yield run
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)

    return record
