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


@pytest.mark.parametrize(
    "value, expected", [("off", False), ("false", False), ("0", False), ("on", True), ("true", True)]
)
def test_password_login_is_switched_with_on_or_off(env, value, expected):
    env.setenv("HUB_PASSWORD_LOGIN", value)
    assert create_app().config["PASSWORD_LOGIN"] is expected


def test_ending_the_provider_session_is_off_unless_switched_on(env):
    assert create_app().config["OIDC_END_PROVIDER_SESSION"] is False
    env.setenv("HUB_OIDC_END_PROVIDER_SESSION", "on")
    assert create_app().config["OIDC_END_PROVIDER_SESSION"] is True


def test_single_sign_on_settings_from_the_environment(env):
    env.setenv("HUB_OIDC_ISSUER", "https://login.example.com")
    env.setenv("HUB_OIDC_CLIENT_ID", "12345")
    env.setenv("HUB_OIDC_CLIENT_SECRET", "987654")
    env.setenv("HUB_OIDC_ROLE_CLAIM", "groups")
    env.setenv("HUB_OIDC_ROLE_MAP", '{"hub-admins": "Admin", "comms": "comms"}')
    app = create_app()
    assert (app.config["OIDC_CLIENT_ID"], app.config["OIDC_CLIENT_SECRET"]) == ("12345", "987654")
    assert app.config["OIDC_ROLE_MAP"] == {"hub-admins": "admin", "comms": "comms"}
    assert "hub.oidc" in app.extensions  # discovery waits for the first sign-in: nothing is fetched at start
    env.setenv("HUB_OIDC_ROLE_MAP", "hub-admins=admin, comms=comms")
    assert create_app().config["OIDC_ROLE_MAP"] == {"hub-admins": "admin", "comms": "comms"}


@pytest.mark.parametrize("value", ['{"hub-admins": "owner"}', "hub-admins", "[1, 2]"])
def test_a_role_map_that_names_no_role_stops_the_start(env, value):
    env.setenv("HUB_OIDC_ROLE_MAP", value)
    with pytest.raises(ValueError, match="OIDC_ROLE_MAP"):
        create_app()


def test_a_password_login_setting_that_is_neither_on_nor_off_stops_the_start(env):
    env.setenv("HUB_PASSWORD_LOGIN", "maybe")
    with pytest.raises(ValueError, match="PASSWORD_LOGIN must be on or off"):
        create_app()


@pytest.mark.parametrize("value, expected", [
    ("old-key-1, old-key-2", ["old-key-1", "old-key-2"]),  # as typed, separated by commas
    ('["old-key-1", "old-key-2"]', ["old-key-1", "old-key-2"]),  # or a JSON list
    ("2024", ["2024"]),  # a key that looks like a number stays a key
])
def test_secret_key_fallbacks_from_the_environment_are_a_list(env, value, expected):
    env.setenv("HUB_SECRET_KEY_FALLBACKS", value)
    assert create_app().config["SECRET_KEY_FALLBACKS"] == expected
