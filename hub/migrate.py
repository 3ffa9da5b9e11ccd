"""Alembic, driven from hub's own configuration (one command: ``hub migrate``)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from flask import Flask

from hub.resources import resource_dir

MIGRATIONS = resource_dir("migrations")


def alembic_config(app: Flask) -> Config:
    """An Alembic config for ``app``'s database; env.py reads the URL from it."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    cfg.attributes["hub_app"] = app
    return cfg


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database schema to ``revision``."""
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Take the database schema back to ``revision``."""
    command.downgrade(alembic_config(app), revision)


def import_models() -> None:
    """Import every domain's models so that ``Base.metadata`` is complete (Alembic, create_all).
    It lives here, above the domains, because hub.db sits below every one of them."""
    import hub.api.models  # noqa: F401
    import hub.auth.models  # noqa: F401
    import hub.channels.models  # noqa: F401
    import hub.chat.models  # noqa: F401
    import hub.insights.models  # noqa: F401
    import hub.library.models  # noqa: F401
    import hub.notifications.models  # noqa: F401
    import hub.outbox.models  # noqa: F401
    import hub.posts.models  # noqa: F401
    import hub.sharing.models  # noqa: F401
    import hub.strategy.models  # noqa: F401
    import hub.suggestions.models  # noqa: F401
    import hub.throttle  # noqa: F401
    import hub.topics.models  # noqa: F401
