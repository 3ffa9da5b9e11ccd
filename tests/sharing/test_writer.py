"""The language-model writer's endpoint on the share page, against a real chat-completions server."""

from __future__ import annotations

import logging

import pytest

from hub import create_app, platforms
from hub.rewrite import OWN_WORDS_MAX
from hub.sharing.writer import WriterSettings
from hub.strategy import services as strategy
from tests.fake_llm import KEY, good_texts

TONE = "We sound like engineers talking to engineers: concrete numbers, no hype."


@pytest.fixture
def app_config(fake_model):
    return {
        "LLM_URL": fake_model.url,
        "LLM_MODEL": "test-model",
        "LLM_API_KEY": KEY,
        "LLM_TIMEOUT_SECONDS": 2,
    }


@pytest.fixture
def signed_in(client, auth, shared):
    post, sharer, links = shared
    auth.login(sharer)
    return post, sharer, links


def ask(client, post, **data):
    return client.post(f"/p/{post.id}/share/written", data=data)


def test_the_model_texts_come_back_with_the_persons_own_links(client, fake_model, signed_in):
    post, _sharer, links = signed_in
    fake_model.reply_texts(good_texts())
    response = ask(client, post)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["model"] == "test-model"
    assert {pid: t["source"] for pid, t in answer["platforms"].items()} == {
        pid: "model" for pid in platforms.PLATFORMS
    }
    x = answer["platforms"]["x"]
    own_link = f"http://hub.test/s/{links['x'].code}"
    assert x["text"] == good_texts()["x"]["text"].replace("{URL}", own_link)
    assert x["ok"] and x["limit"] == 280 and x["count"] == platforms.measure("x", x["text"])
    assert x["intent"].startswith("https://x.com/intent/tweet?")
    assert answer["platforms"]["email"]["subject"] == "We moved 400 services to Argo CD"
    assert own_link not in fake_model.received[0].prompt  # the tracked link never goes to the model


def test_answers_are_cached_per_revision_person_and_own_words(client, auth, fake_model, signed_in, make_user):
    post, _sharer, _links = signed_in
    fake_model.reply_texts(good_texts())
    ask(client, post)
    ask(client, post)
    assert len(fake_model.received) == 1  # a reload does not ask again
    own = "Two years of my life, and worth every minute."
    fake_model.reply_texts(good_texts(own))
    answer = ask(client, post, own_words=own).get_json()
    assert len(fake_model.received) == 2
    assert own in fake_model.received[1].prompt
    assert (
        answer["platforms"]["linkedin"]["source"] == "model"
        and own in answer["platforms"]["linkedin"]["text"]
    )
    auth.login(make_user())  # someone else: asked for themselves
    ask(client, post, own_words=own)
    assert len(fake_model.received) == 3


def test_the_prompt_carries_the_strategys_tone_of_voice(client, session, fake_model, signed_in, make_user):
    post, _sharer, _links = signed_in
    strategy.save_section(session, make_user(role="comms"), "tone", TONE, base_revision_id=None)
    session.commit()
    fake_model.reply_texts(good_texts())
    ask(client, post)
    assert TONE in fake_model.received[0].prompt


def test_a_slow_model_leaves_the_rules_texts(client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    fake_model.reply_texts(good_texts())
    fake_model.hang = True
    response = ask(client, post)
    assert response.status_code == 200
    assert {t["source"] for t in response.get_json()["platforms"].values()} == {"rules"}


def test_sign_in_is_required(client, shared, fake_model):
    post, _sharer, _links = shared
    response = ask(client, post)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fake_model.received == []


def test_unpublished_and_missing_posts_are_404(client, auth, make_post, make_user, fake_model):
    auth.login(make_user())
    draft = make_post()
    assert ask(client, draft).status_code == 404
    assert client.post("/p/999999/share/written").status_code == 404
    assert fake_model.received == []


def test_the_request_needs_a_csrf_token(app, client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    app.config["WTF_CSRF_ENABLED"] = True
    assert ask(client, post).status_code == 400
    assert fake_model.received == []


def test_own_words_too_long_are_refused(client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    assert ask(client, post, own_words="x" * (OWN_WORDS_MAX + 1)).status_code == 422
    assert fake_model.received == []


def test_without_llm_url_nothing_is_sent(app, client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    app.config["LLM_URL"] = ""
    assert ask(client, post).status_code == 404
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert "data-writer-url" not in html and "share-writer.js" not in html
    assert fake_model.received == []


def test_the_share_page_never_waits_for_the_model(client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    fake_model.hang = True  # were the page to ask, it would take 2 seconds and the request would be seen
    html = client.get(f"/p/{post.id}/share").get_data(as_text=True)
    assert f'data-writer-url="/p/{post.id}/share/written"' in html and "js/share-writer.js" in html
    assert 'data-source="proposed"' in html
    assert fake_model.received == []


def test_the_key_never_shows_on_a_page_nor_in_the_logs(
    client, auth, fake_model, signed_in, make_user, caplog
):
    caplog.set_level(logging.DEBUG)
    post, _sharer, _links = signed_in
    fake_model.reply_texts(good_texts())
    pages = [
        ask(client, post).get_data(as_text=True),
        client.get(f"/p/{post.id}/share").get_data(as_text=True),
    ]
    fake_model.status = 500
    pages.append(ask(client, post, own_words="Proud of this one.").get_data(as_text=True))
    auth.login(make_user(role="admin"))
    admin = client.get("/admin/sharing").get_data(as_text=True)
    assert "On." in admin and f"<code>{fake_model.url}</code>" in admin and "test-model" in admin
    pages.append(admin)
    assert fake_model.received[0].headers["Authorization"] == f"Bearer {KEY}"
    assert all(KEY not in page for page in pages)
    assert all(KEY not in record.getMessage() for record in caplog.records)


def test_the_admin_page_says_when_the_writer_is_off(app, client, auth, make_user):
    app.config["LLM_URL"] = ""
    auth.login(make_user(role="admin"))
    html = client.get("/admin/sharing").get_data(as_text=True)
    assert "Off." in html and "nothing about a post leaves this server" in html


def test_shown_url_drops_credentials_and_query():
    settings = WriterSettings.from_config(
        {"LLM_URL": "https://user:pw@llm.example:8443/v1?key=abc", "LLM_TIMEOUT_SECONDS": "x"}
    )
    assert settings.shown_url == "https://llm.example:8443/v1"
    assert settings.timeout == 4.0 and settings.enabled
    assert not WriterSettings.from_config({}).enabled
    for odd, expected in (("nan", 4.0), ("inf", 4.0), (0.01, 0.5), (600, 60.0), ("2.5", 2.5)):
        assert WriterSettings.from_config({"LLM_TIMEOUT_SECONDS": odd}).timeout == expected


@pytest.mark.parametrize("raw", ["12345", "true", "null", '"quoted"', "1e5"])
def test_the_api_key_from_the_environment_is_always_the_string_given(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("HUB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("HUB_LLM_API_KEY", raw)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    )
    assert app.config["LLM_API_KEY"] == raw


def test_a_person_asks_the_model_at_most_llm_max_per_hour_times(app, client, fake_model, signed_in):
    post, _sharer, _links = signed_in
    app.config["LLM_MAX_PER_HOUR"] = 2
    fake_model.reply_texts(good_texts())
    answers = [ask(client, post, own_words=f"Take {n}.").get_json() for n in range(3)]
    assert len(fake_model.received) == 2
    assert {t["source"] for t in answers[2]["platforms"].values()} == {"rules"}
    ask(client, post, own_words="Take 0.")  # a cached answer costs nothing
    assert len(fake_model.received) == 2
