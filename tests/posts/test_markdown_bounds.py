"""Markdown that would stall the server is refused before parsing, keeping the text; request
bodies are bounded, with room for image uploads (issue 14)."""

from __future__ import annotations

import os

import pytest

from hub.lib import markdown as md

ATTACK = "[a" * 99_500  # ~29 s of CPU per preview before the fix


@pytest.fixture
def skip_token_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = md._md.inline.skipToken

    def counting(state):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return original(state)

    monkeypatch.setattr(md._md.inline, "skipToken", counting)
    md._tokens.cache_clear()
    return calls


def test_preview_refuses_the_hostile_body_without_parsing_it(client, auth, make_user, skip_token_calls):
    auth.login(make_user())
    response = client.post("/posts/preview", data={"body": ATTACK})
    assert response.status_code == 422
    assert "more formatting than hub renders" in response.get_json()["fields"]["body"][0]
    assert skip_token_calls[0] == 0


def test_saving_the_hostile_body_is_a_form_error_that_keeps_the_text(client, auth, make_user, skip_token_calls):
    auth.login(make_user())
    response = client.post("/write", data={"title": "Brackets", "body": ATTACK})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "more formatting than hub renders" in html
    assert ATTACK in html  # every character is still in the textarea
    assert skip_token_calls[0] == 0


def test_a_long_ordinary_post_is_accepted(client, auth, make_user):
    auth.login(make_user())
    paragraph = ("We moved the build to a new machine and learned a lot on the way. " * 5
                 + "The [notes are here](https://example.com/notes), with *every* step and `make` target.\n\n")
    body = "## A long story\n\n" + (paragraph * 600)[:199_000]
    response = client.post("/posts/preview", data={"body": body})
    assert response.status_code == 200 and "<em>every</em>" in response.get_json()["html"]


def test_an_oversized_request_is_refused_but_an_image_upload_has_room(app, client, auth, make_user):
    auth.login(make_user())
    general = app.config["MAX_CONTENT_LENGTH"]
    assert general < app.config["UPLOAD_MAX_CONTENT_LENGTH"]
    response = client.post("/posts/preview", data={"body": "a" * (general + 1)})
    assert response.status_code == 413
    big = b"\x89PNG\r\n\x1a\n" + os.urandom(general + 1024)  # larger than a form may be, smaller than an upload
    boundary = "hubtestboundary"  # encoded here: the test client would spool it to an unclosed temp file
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.png"\r\n'
            "Content-Type: image/png\r\n\r\n").encode() + big + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/images", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code != 413
    assert response.status_code in (400, 422)  # read, then refused as not a valid image
