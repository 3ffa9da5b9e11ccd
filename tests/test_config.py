"""Settings from the environment: numbers parse, secrets and addresses stay strings."""

from __future__ import annotations

import pytest

from hub import create_app


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    return monkeypatch


@pytest.mark.parametrize("key, value", [
    ("SECRET_KEY", "2024"),
    ("MAIL_PASSWORD", "123456"),
    ("MAIL_USERNAME", "true"),
    ("SITE_NAME", "null"),
    ("MAIL_FROM", '"hub" <hub@example.com>'),
])
def test_string_settings_stay_strings(env, key, value):
    env.setenv(f"HUB_{key}", value)
    app = create_app()
    assert app.config[key] == value
    assert isinstance(app.config[key], str)


def test_other_settings_still_parse_as_json(env):
    env.setenv("HUB_PROXY_COUNT", "1")
    env.setenv("HUB_MAIL_USE_TLS", "false")
    app = create_app()
    assert app.config["PROXY_COUNT"] == 1
    assert app.config["MAIL_USE_TLS"] is False
