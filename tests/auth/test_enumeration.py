"""Sign-up and password reset never tell whether an address has an account (issue 14)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from hub.auth import services
from hub.outbox.delivery import deliver_due
from tests.conftest import TEST_PASSWORD


def written(app) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    """The mail delivered so far (without SMTP, the outbox's courier writes .eml files)."""
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted((Path(app.instance_path) / "outbox").glob("*.eml"))]


def outbox(app) -> list[email.message.EmailMessage]:  # type: ignore[no-untyped-def]
    """Deliver what the requests queued (as `hub worker --once` does), then read it."""
    deliver_due(app)
    return written(app)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often the costly steps ran: password hashing and reset-token signing."""
    calls = {"hash_password": 0, "make_reset_token": 0}
    for name in calls:
        original = getattr(services, name)

        def counting(*args, _name=name, _original=original, **kw):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _original(*args, **kw)

        monkeypatch.setattr(services, name, counting)
    return calls


def _sign_up(client, address: str):  # type: ignore[no-untyped-def]
    response = client.post("/signup", data={"display_name": "Maria", "email": address, "password": TEST_PASSWORD})
    page = client.get(response.headers.get("Location", "/signup")).get_data(as_text=True)
    return response, page.replace(address, "<address>")


def test_sign_up_with_a_taken_address_answers_exactly_like_a_new_one(app, client, make_user, counted):
    make_user(email="maria@example.com", name="Maria Owner")
    counted["hash_password"] = 0
    taken, taken_page = _sign_up(client, "maria@example.com")
    hashed_for_taken = counted["hash_password"]
    fresh, fresh_page = _sign_up(app.test_client(), "newcomer@example.com")
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"]
    assert taken_page == fresh_page and "Check your e-mail" in taken_page
    assert "already" not in taken_page
    assert hashed_for_taken == 1 and counted["hash_password"] == 2  # the same work for both
    mails = {m["To"]: m for m in outbox(app)}
    notice, confirm = mails["maria@example.com"], mails["newcomer@example.com"]
    assert len(mails) == 2 and "/signup/confirm/" not in notice.get_content()
    assert "already" in notice["Subject"]
    assert "/signup/confirm/" in confirm.get_content()


def test_password_reset_answers_and_works_the_same_for_known_and_unknown(app, client, make_user, counted):
    make_user(email="maria@example.com")
    known = client.post("/password/forgot", data={"email": "maria@example.com"})
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = client.post("/password/forgot", data={"email": "nobody@example.com"})
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert known.get_data() == unknown.get_data() and known_page == unknown_page
    assert counted["make_reset_token"] == 2  # a token is signed for nobody too
    assert [m["To"] for m in outbox(app)] == ["maria@example.com"]


def test_the_reset_mail_leaves_after_the_response(app, client, make_user):
    """The request only queues the mail (in its own transaction); delivery comes after."""
    make_user(email="maria@example.com")
    response = client.post("/password/forgot", data={"email": "maria@example.com"}, buffered=False)
    assert response.status_code == 302 and written(app) == []  # answered; nothing sent yet
    response.close()  # the server has sent the answer
    assert [m["To"] for m in outbox(app)] == ["maria@example.com"]
