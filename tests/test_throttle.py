"""Sign-in and feedback throttling over HTTP (issue 14): keyed on who and where, atomic under
concurrency, in the database or in Redis, and not fooled by spellings or forged headers.

These tests speak HTTP (the test client, or a real server on a socket), so they hold for any
implementation of hub.throttle; only the last one looks at what is stored.
"""

from __future__ import annotations

import http.client
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/0"
STORES = ["database", "redis"]


def _redis_or_skip() -> Any:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:  # pragma: no cover - the CI machine has Redis
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    return client


@pytest.fixture(params=STORES)
def app_config(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Run each test with the database store and with Redis (a key prefix of its own)."""
    if request.param == "database":
        yield {}
        return
    client = _redis_or_skip()
    prefix = f"hub-test:{uuid.uuid4().hex}:"
    yield {"RATELIMIT_STORAGE_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


def login(client, email: str, password: str, **kw: Any):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"email": email, "password": password}, **kw)


def signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/posts").status_code == 200


def _fail_to_the_limit(app, client, email: str, **kw: Any) -> None:  # type: ignore[no-untyped-def]
    for _ in range(app.config["LOGIN_MAX_PER_ACCOUNT"]):
        assert login(client, email, "not the password", **kw).status_code == 200


def test_another_spelling_of_the_address_shares_the_budget(app, client, make_user):
    make_user(email="maria@example.com")
    _fail_to_the_limit(app, client, "maria@example.com")
    for spelling in ("maria@ｅxample.com", "MARIA@EXAMPLE.COM", " maria@example.com "):  # fullwidth e
        response = login(client, spelling, TEST_PASSWORD)
        assert response.status_code == 429, spelling
        assert int(response.headers["Retry-After"]) > 0
    assert not signed_in(client)


def test_the_owner_elsewhere_is_not_locked_out_by_an_attackers_failures(app, client, make_user):
    make_user(email="maria@example.com")
    attacker = {"environ_base": {"REMOTE_ADDR": "203.0.113.66"}}
    _fail_to_the_limit(app, client, "maria@example.com", **attacker)
    assert login(client, "maria@example.com", TEST_PASSWORD, **attacker).status_code == 429
    owner = app.test_client()
    assert login(owner, "maria@example.com", TEST_PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 302
    assert signed_in(owner)


def test_a_successful_sign_in_gives_its_attempts_back(app, client, make_user):
    make_user(email="maria@example.com")
    for _ in range(app.config["LOGIN_MAX_PER_ACCOUNT"] - 1):
        login(client, "maria@example.com", "typo typo typo")
    assert login(client, "maria@example.com", TEST_PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(app.config["LOGIN_MAX_PER_ACCOUNT"] - 1):  # a fresh budget
        assert login(client, "maria@example.com", "typo typo typo").status_code == 200
    assert login(client, "maria@example.com", TEST_PASSWORD).status_code == 302


def test_a_252_character_address_is_counted(app, client, make_user):
    long_address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 55 + ".com"
    assert len(long_address) == 252
    make_user(email=long_address)
    _fail_to_the_limit(app, client, long_address)
    assert login(client, long_address, TEST_PASSWORD).status_code == 429


def test_a_forged_x_forwarded_for_is_ignored_without_a_proxy(app, client, make_user):
    make_user(email="maria@example.com")
    for i in range(app.config["LOGIN_MAX_PER_ACCOUNT"]):
        login(client, "maria@example.com", "wrong wrong", headers={"X-Forwarded-For": f"10.1.1.{i}"})
    response = login(client, "maria@example.com", TEST_PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"})
    assert response.status_code == 429


@pytest.mark.parametrize("app_config", [{"PROXY_COUNT": 1}], ids=["one-proxy"])
def test_only_the_address_the_proxy_saw_counts(app, client, make_user):
    make_user(email="maria@example.com")
    proxy_saw = "192.0.2.10"
    for i in range(app.config["LOGIN_MAX_PER_ACCOUNT"]):
        login(client, "maria@example.com", "wrong wrong", headers={"X-Forwarded-For": f"10.1.1.{i}, {proxy_saw}"})
    forged = login(client, "maria@example.com", TEST_PASSWORD, headers={"X-Forwarded-For": f"10.7.7.7, {proxy_saw}"})
    assert forged.status_code == 429
    elsewhere = login(client, "maria@example.com", TEST_PASSWORD, headers={"X-Forwarded-For": "192.0.2.99"})
    assert elsewhere.status_code == 302


# --- concurrency: a real server, real sockets, many threads at once ---------------------------------


def _storm(url: str, path: str, forms: list[dict[str, str]]) -> list[int | str]:
    """POST every form at once (one thread and one connection each); the status codes, or for a
    request that got no answer, what went wrong (so a failure says why, not just "0")."""
    parts = urlsplit(url)
    barrier = threading.Barrier(len(forms), timeout=120)
    statuses: list[int | str] = ["no answer"] * len(forms)

    def send(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            body = urlencode(forms[i])
            conn.connect()
            barrier.wait()
            conn.request("POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
            statuses[i] = conn.getresponse().status
        except Exception as exc:  # reported in the assertion, with the statuses of the others
            statuses[i] = f"{type(exc).__name__}: {exc}"
            barrier.abort()
        finally:
            conn.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return statuses


def test_200_simultaneous_sign_ins_get_at_most_the_limit_through(app, live_server, make_user):
    app.config["WTF_CSRF_ENABLED"] = False  # about counting, not about CSRF
    app.config["LOGIN_MAX_PER_ADDRESS"] = 1000  # the per-account budget is the one under test
    make_user(email="maria@example.com")
    forms = [{"email": "maria@example.com", "password": f"guess {i:03d} guess"} for i in range(199)]
    forms.append({"email": "maria@example.com", "password": TEST_PASSWORD})
    statuses = Counter(_storm(live_server.url, "/login", forms))
    limit = app.config["LOGIN_MAX_PER_ACCOUNT"]
    checked = statuses[200] + statuses[302]  # password actually checked
    assert checked <= limit, statuses
    assert statuses[429] == 200 - checked, statuses


def test_50_simultaneous_feedback_forms_store_at_most_the_limit(app, live_server, session, make_post):
    from hub.insights.models import Feedback

    app.config["WTF_CSRF_ENABLED"] = False
    post = make_post(publish=True)
    forms = [{"message": f"Feedback number {i}"} for i in range(50)]
    statuses = Counter(_storm(live_server.url, f"/p/{post.id}/feedback", forms))
    limit = app.config["FEEDBACK_MAX_PER_ADDRESS"]
    stored = session.scalar(sa.select(sa.func.count()).select_from(Feedback))
    assert stored <= limit and statuses[302] == stored, statuses
    assert statuses[429] == 50 - stored, statuses


def test_no_address_is_stored_in_the_clear(app, client, session, make_user):
    from hub.throttle import ThrottleCounter

    login(client, "maria@example.com", "wrong wrong")
    keys = session.scalars(sa.select(ThrottleCounter.key)).all()
    if app.config.get("RATELIMIT_STORAGE_URL"):
        assert keys == []  # all of it is in Redis
    else:
        assert len(keys) == 2 and all(len(k) == 64 and "maria" not in k for k in keys)


class _Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


WINDOW = 900
EDGE = 1_900_000 * WINDOW  # a window's end (epoch seconds)


def test_a_burst_at_a_windows_edge_gets_no_second_budget(app, monkeypatch):
    """Fixed windows gave five attempts at 14:59:59 and five more at 15:00:00: the sliding window
    still sees the first five a second later."""
    from hub import throttle

    clock = _Clock(EDGE - 1)
    monkeypatch.setattr(throttle, "_now", clock)
    with app.test_request_context():
        assert all(throttle.hit("edge", 5, WINDOW).allowed for _ in range(5))
        clock.at = EDGE + 1
        decisions = [throttle.hit("edge", 5, WINDOW) for _ in range(5)]
        assert not any(d.allowed for d in decisions), decisions
        # The first refusal: the earlier five fade during this window; the next attempt (this
        # window's second) goes through when 2 + 5 * remaining / 900 <= 5: 540 s before this
        # window ends, 360 s after it began, 359 s from now.
        assert decisions[0].retry_after == 359
        clock.at += decisions[-1].retry_after - 1  # Retry-After is the truth: a second early is refused...
        refused = throttle.hit("edge", 5, WINDOW)
        assert not refused.allowed
        clock.at += refused.retry_after  # ...(and counted), and after its own Retry-After one goes through
        assert throttle.hit("edge", 5, WINDOW).allowed


def test_the_budget_comes_back_gradually_in_the_next_window(app, monkeypatch):
    from hub import throttle

    clock = _Clock(EDGE - 1)
    monkeypatch.setattr(throttle, "_now", clock)
    with app.test_request_context():
        assert all(throttle.hit("fade", 5, WINDOW).allowed for _ in range(5))
        assert throttle.peek("fade", WINDOW) == 5
        clock.at = EDGE + WINDOW / 2  # half of the earlier window is still in sight: 2.5 attempts
        assert [throttle.hit("fade", 5, WINDOW).allowed for _ in range(3)] == [True, True, False]
        clock.at = EDGE + 2 * WINDOW + 1  # both windows out of sight
        assert throttle.peek("fade", WINDOW) == 0
        assert throttle.hit("fade", 5, WINDOW).allowed


def test_a_successful_sign_in_forgets_the_failures_the_window_still_sees(app, monkeypatch):
    from hub import throttle

    clock = _Clock(EDGE - 1)
    monkeypatch.setattr(throttle, "_now", clock)
    with app.test_request_context():
        for _ in range(4):
            throttle.hit("owner", 5, WINDOW)
        clock.at = EDGE + 1
        throttle.forget("owner", WINDOW)
        assert throttle.peek("owner", WINDOW) == 0
        assert all(throttle.hit("owner", 5, WINDOW).allowed for _ in range(5))
