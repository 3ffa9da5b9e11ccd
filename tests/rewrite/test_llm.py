"""The language-model writer against a real chat-completions server on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from hub.platforms import PLATFORMS
from hub.rewrite import build_source, propose
from hub.rewrite.llm import ModelError, ModelWriter, parse_texts
from tests.fake_llm import KEY, FakeModel, good_texts

TITLE = "How we moved 400 services off our homegrown deploy tool"
BODY = (
    "For eight years every service shipped through Launchpad, a deploy tool we built ourselves. It had grown "
    "slow, and only three people understood it. Over two years the platform team moved all 400 services to "
    "Argo CD, one team at a time, with no customer-facing outage. "
    "Median deploy time fell from 42 minutes to 6. "
    "So we finally switched Launchpad off last month. This post covers what we would do differently."
)
URL = "https://hub.example.com/s/abcdefgh"
KEY_POINT = "All 400 services moved to Argo CD with no outage; deploys went from 42 minutes to 6."
OWN = "Two years of my life, and worth every minute."
TONE = "Plain words, no superlatives, we say what we measured."


def write(
    fake: FakeModel | None = None,
    *,
    url: str | None = None,
    own: str | None = None,
    timeout: float = 3.0,
    **kwargs: Any,
) -> dict[str, Any]:
    writer = ModelWriter(url or fake.url, "test-model", api_key=KEY, timeout=timeout, tone=TONE, **kwargs)  # type: ignore[union-attr]
    return propose(TITLE, BODY, url=URL, key_point=KEY_POINT, own_words=own, generator=writer)


def sources(result: dict[str, Any]) -> dict[str, str]:
    return {pid: p.source for pid, p in result.items()}


ALL_RULES = {pid: "rules" for pid in PLATFORMS}
ALL_MODEL = {pid: "model" for pid in PLATFORMS}


def test_a_good_answer_is_used_with_the_link_put_in(fake_model):
    fake_model.reply_texts(good_texts())
    result = write(fake_model)
    assert sources(result) == ALL_MODEL
    assert result["x"].text == good_texts()["x"]["text"].replace("{URL}", URL)
    assert result["email"].subject == "We moved 400 services to Argo CD"
    assert result["reddit"].subject.startswith("Moving 400 services") and URL not in result["reddit"].text
    assert result["linkedin"].hashtags == ("#PlatformEngineering", "#ArgoCD")
    assert len(fake_model.received) == 1  # one request per post


def test_an_answer_in_a_code_fence_with_prose_around_it_is_read(fake_model):
    fake_model.reply_texts(good_texts(), fenced=True)
    assert sources(write(fake_model)) == ALL_MODEL


def test_the_request_speaks_chat_completions_and_carries_everything_the_model_needs(fake_model):
    fake_model.reply_texts(good_texts(OWN))
    write(fake_model, own=OWN)
    [request] = fake_model.received
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "test-model"
    assert [m["role"] for m in request.body["messages"]] == ["system", "user"]
    prompt = request.prompt
    assert KEY_POINT in prompt and OWN in prompt and TONE in prompt
    assert "word for word" in prompt  # own words verbatim
    assert "Launchpad" in prompt and TITLE in prompt  # the post itself
    assert '"x" (X): at most 280' in prompt and "every link counts 23" in prompt
    assert "Worth a read" in prompt and "Lead with the point" in prompt  # share-texts.md principles
    assert "personal message" in prompt  # WhatsApp's register
    assert URL not in prompt  # the person's tracked link never leaves: the model writes {URL}
    assert KEY not in prompt


def test_the_key_is_sent_as_a_bearer_header_and_never_logged(fake_model, caplog):
    caplog.set_level(logging.DEBUG)
    fake_model.reply_texts(good_texts())
    write(fake_model)
    assert fake_model.received[0].headers["Authorization"] == f"Bearer {KEY}"
    fake_model.status = 500  # a failure is logged: still without the key
    write(fake_model)
    assert any("HTTP 500" in r.getMessage() for r in caplog.records)
    assert all(KEY not in r.getMessage() for r in caplog.records)
    assert KEY not in repr(ModelWriter(fake_model.url, "m", api_key=KEY))


def test_a_secret_in_the_url_is_sent_but_never_logged(fake_model, caplog):
    caplog.set_level(logging.INFO)
    fake_model.status = 401
    writer = ModelWriter(f"{fake_model.url}?api-key={KEY}", "m")
    propose(TITLE, BODY, url=URL, generator=writer)
    assert fake_model.received[0].path == f"/v1/chat/completions?api-key={KEY}"
    assert any("HTTP 401" in r.getMessage() and "LLM_API_KEY" in r.getMessage() for r in caplog.records)
    assert all(KEY not in r.getMessage() for r in caplog.records) and KEY not in repr(writer)


def test_without_a_key_no_authorization_header_is_sent(fake_model):
    fake_model.reply_texts(good_texts())
    propose(TITLE, BODY, url=URL, generator=ModelWriter(fake_model.url, "m"))
    assert "Authorization" not in fake_model.received[0].headers


def test_a_server_slower_than_the_budget_falls_back_to_the_rules(fake_model):
    fake_model.reply_texts(good_texts())  # a good answer, but only after 30 seconds
    fake_model.hang = True
    assert sources(write(fake_model, timeout=0.3)) == ALL_RULES


def test_an_answer_dripped_a_byte_at_a_time_is_cut_off_at_the_deadline(fake_model):
    # each byte comes well within any per-read timeout; only a deadline for the whole exchange stops it
    fake_model.reply_texts(good_texts())
    fake_model.drip = True
    assert sources(write(fake_model, timeout=0.5)) == ALL_RULES
    assert len(fake_model.received) == 1


def test_a_tls_handshake_that_never_completes_falls_back_to_the_rules():
    # a socket that listens but never answers: the kernel accepts the connection, and hub's
    # TLS hello waits for a reply that never comes (a good answer would not help: there is none)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"https://127.0.0.1:{silent.getsockname()[1]}/v1"
        assert sources(write(url=url, timeout=0.3)) == ALL_RULES


def test_a_refused_connection_falls_back_to_the_rules(refused_url):
    assert sources(write(url=refused_url)) == ALL_RULES


@pytest.mark.parametrize("status", [500, 429, 401, 404])
def test_an_http_error_falls_back_to_the_rules(fake_model, status):
    fake_model.reply_texts(good_texts())
    fake_model.status = status
    assert sources(write(fake_model)) == ALL_RULES


@pytest.mark.parametrize(
    "raw",
    [
        b"<html>Bad gateway</html>",
        b"",
        b"\xff\xfe\x00garbage",
        b'{"choices": []}',
        b'{"choices": [{"message": {"content": 42}}]}',
        b"[1, 2, 3]",
        b"null",
    ],
)
def test_a_garbage_body_falls_back_to_the_rules(fake_model, raw):
    fake_model.raw = raw
    assert sources(write(fake_model)) == ALL_RULES


@pytest.mark.parametrize(
    "content",
    [
        "Sorry, I can't help with that.",
        '{"texts": ["one", "two"]}',
        '{"texts": {"myspace": {"text": "hello"}}}',
        '{"texts": {"x": {"text": 42}, "linkedin": ["a"]}}',
        '{"texts": {"x": {"text": "unterminated',
    ],
)
def test_json_of_the_wrong_shape_falls_back_to_the_rules(fake_model, content):
    fake_model.content = content
    assert sources(write(fake_model)) == ALL_RULES


def test_an_answer_bigger_than_the_cap_falls_back_to_the_rules(fake_model):
    fake_model.reply_texts(good_texts())
    assert sources(write(fake_model, max_response_bytes=500)) == ALL_RULES


def test_a_text_too_long_for_x_falls_back_for_x_only(fake_model):
    texts = good_texts()
    texts["x"]["text"] = "My team moved all 400 services to Argo CD. " * 8 + "{URL}"
    fake_model.reply_texts(texts)
    assert sources(write(fake_model)) == ALL_MODEL | {"x": "rules"}


def test_a_text_without_the_link_falls_back_for_that_platform(fake_model):
    texts = good_texts()
    texts["mastodon"]["text"] = texts["mastodon"]["text"].replace("{URL}", "")
    texts["instagram"]["text"] += " {URL}"  # and a link where it must not be
    fake_model.reply_texts(texts)
    assert sources(write(fake_model)) == ALL_MODEL | {"mastodon": "rules", "instagram": "rules"}


def test_a_text_with_another_link_falls_back_for_that_platform(fake_model):
    texts = good_texts()
    texts["bluesky"]["text"] += " More at https://evil.example/x"
    texts["whatsapp"]["text"] = texts["whatsapp"]["text"].replace("{URL}", "{URL} www.example.org")
    fake_model.reply_texts(texts)
    assert sources(write(fake_model)) == ALL_MODEL | {"bluesky": "rules", "whatsapp": "rules"}


def test_own_words_must_be_there_verbatim(fake_model):
    texts = good_texts(OWN)
    texts["bluesky"]["text"] = texts["bluesky"]["text"].replace(
        OWN, "Two years of my life, worth every minute."
    )
    texts["email"]["text"] = texts["email"]["text"].replace(OWN, "")
    fake_model.reply_texts(texts)
    result = write(fake_model, own=OWN)
    assert sources(result) == ALL_MODEL | {"bluesky": "rules", "email": "rules"}
    assert all(OWN in result[pid].text for pid, source in sources(result).items() if source == "model")


def test_own_words_may_be_the_reddit_title(fake_model):
    texts = good_texts(OWN)
    texts["reddit"] = {"text": "", "subject": OWN}
    fake_model.reply_texts(texts)
    assert write(fake_model, own=OWN)["reddit"].source == "model"


def test_the_writer_itself_returns_only_valid_texts(fake_model):
    texts = good_texts(OWN)
    texts["threads"]["text"] = texts["threads"]["text"].replace(OWN, "")
    fake_model.reply_texts(texts)
    post = build_source(TITLE, BODY, url=URL, own_words=OWN)
    result = ModelWriter(fake_model.url, "m").generate(post, list(PLATFORMS))
    assert set(result) == set(PLATFORMS) - {"threads"}


def test_two_identical_platform_texts_fall_back(fake_model):
    texts = good_texts()
    texts["bluesky"]["text"] = texts["x"]["text"]
    fake_model.reply_texts(texts)
    result = write(fake_model)
    assert result["x"].text != result["bluesky"].text
    assert "rules" in (result["x"].source, result["bluesky"].source)
    assert len({p.text for p in result.values()}) == len(result)


def test_a_missing_disclosure_falls_back(fake_model):
    texts = good_texts()
    texts["x"]["text"] += " #IWorkAtAcme"
    fake_model.reply_texts(texts)
    writer = ModelWriter(fake_model.url, "m")
    result = propose(TITLE, BODY, url=URL, disclosure="#IWorkAtAcme", generator=writer)
    assert result["x"].source == "model" and result["x"].disclosure_included
    assert result["linkedin"].source == "rules"
    assert "#IWorkAtAcme" in fake_model.received[0].prompt


def test_parse_texts_is_tolerant_of_names_lists_and_fences():
    entries = '[{"platform": "X", "text": "a"}, {"platform": "E-mail", "text": "b", "subject": " s "}]'
    content = f"Sure!\n```\n{entries}\n```"
    assert parse_texts(content, ["x", "email"]) == {"x": ("a", None), "email": ("b", "s")}
    thinking = '<think>Use {braces} and [brackets]?</think>Here: {"texts": {"x": "a"}} Hope it helps {:)}'
    assert parse_texts(thinking, ["x"]) == {"x": ("a", None)}
    with pytest.raises(ModelError):
        parse_texts('{"texts": {"x": {"text": "a"}}}', ["linkedin"])


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "http://127.0.0.1:99999/v1", "not a url"])
def test_an_unusable_url_falls_back_without_a_request(url):
    assert sources(write(url=url)) == ALL_RULES
