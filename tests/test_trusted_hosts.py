"""Only the site's own host names are answered; a forged Host never ends up in a redirect (issue 14)."""

from __future__ import annotations

import pytest

from hub import create_app


@pytest.mark.parametrize("path", ["/insights", "/login", "/", "/posts"])
def test_a_forged_host_header_gets_400_never_a_redirect_to_it(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "evil.example" not in response.get_data(as_text=True)


def test_the_base_url_host_and_the_test_hosts_are_answered(client):
    assert client.get("/login", headers={"Host": "hub.test"}).status_code == 200
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 200
    assert client.get("/login", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    response = client.get("/insights", headers={"Host": "hub.test"})
    assert response.status_code in (301, 302, 308)
    assert response.headers["Location"].startswith(("/", "http://hub.test/"))


@pytest.mark.parametrize("app_config", [{"PROXY_COUNT": 1}], ids=["proxy"])
def test_a_forged_forwarded_host_is_refused_too(client):
    response = client.get("/insights", headers={"Host": "hub.test", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_trusted_hosts_come_from_base_url_and_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HUB_TRUSTED_HOSTS", "www.example.org, .cdn.example.org")
    app = create_app({"BASE_URL": "https://hub.example.com/", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                      "SECRET_KEY": "k"})
    assert app.config["TRUSTED_HOSTS"] == ["hub.example.com", "www.example.org", ".cdn.example.org"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "www.example.org"}).status_code != 400
    assert client.get("/login", headers={"Host": "a.cdn.example.org"}).status_code != 400
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 400
