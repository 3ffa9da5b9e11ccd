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
