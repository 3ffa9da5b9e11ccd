"""Sharing fixtures: a published post, its tracked links, and flushing the click log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.sharing import services
from hub.sharing.models import Click


@pytest.fixture
def shared(session, make_post, make_user):
    """(post, sharer, links) for a published post shared by a colleague."""
    post = make_post(title="Shipping faster with smaller PRs", body="Small PRs get reviewed faster.\n\n- less risk\n- more focus",
                     tags="engineering, code review", publish=True)
    sharer = make_user(name="Sam Sharer")
    links = services.links_for(session, post, sharer)
    session.commit()
    return post, sharer, links


@pytest.fixture
def clicks(app, session):
    """A function that flushes the click log and returns the clicks in the database."""

    def read(**filters):  # type: ignore[no-untyped-def]
        app.extensions["hub.clicklog"].flush_all()
        session.expire_all()
        stmt = sa.select(Click)
        for key, value in filters.items():
            stmt = stmt.where(getattr(Click, key) == value)
        return session.scalars(stmt.order_by(Click.id)).all()

    yield read
    app.extensions["hub.clicklog"].close()
