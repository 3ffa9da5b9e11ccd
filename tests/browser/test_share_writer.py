"""The language-model writer on the share page in a real browser: the page shows hub's texts at
once, and the model's texts replace only the suggestions the person has not touched."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hub.sharing import services
from tests.browser.conftest import PASSWORD
from tests.fake_llm import good_texts

pytestmark = pytest.mark.browser


def test_model_texts_replace_only_untouched_suggestions(
    app, session, live_server, signed_in_page, make_user, make_post, fake_model
):
    app.config.update(LLM_URL=fake_model.url, LLM_MODEL="test-model", LLM_TIMEOUT_SECONDS=20)
    post = make_post(
        author=make_user(password=PASSWORD),
        title="How we moved 400 services off our deploy tool",
        body="Over two years the platform team moved all 400 services to Argo CD.",
        publish=True,
    )
    page, sharer = signed_in_page()
    services.save_share_text(session, post, sharer, "linkedin", "My own LinkedIn words.")
    session.commit()
    fake_model.reply_texts(good_texts())
    fake_model.hang = True  # the model answers only when the test lets it

    page.goto(f"/p/{post.id}/share")
    form = page.locator("#share-form")
    expect(form).to_have_attribute("data-writer", "asking")  # the page is there while the model writes
    rules_bluesky = page.locator("#text-bluesky").input_value()
    assert rules_bluesky  # hub's own suggestion, shown at once
    page.locator("#text-x").fill("I edited this one myself.")
    expect(page.locator("#counter-x .count")).to_have_text("25")  # share.js measured it
    fake_model.released.set()
    expect(form).to_have_attribute("data-writer", "done")

    link = page.locator("#card-bluesky").get_attribute("data-link")
    expected = good_texts()["bluesky"]["text"].replace("{URL}", link)
    expect(page.locator("#text-bluesky")).to_have_value(expected)
    expect(page.locator("#card-bluesky .written-with")).to_have_text(
        re.compile(r"^Written with test-model\.")
    )
    expect(page.locator("#counter-bluesky .count")).to_have_text(str(len(expected)))
    expect(page.locator("#open-bluesky")).to_have_attribute("href", re.compile(r"My%20team%20just%20moved"))
    expect(page.locator("#subject-email")).to_have_value("We moved 400 services to Argo CD")
    # what the person wrote, now or before, stays
    expect(page.locator("#text-x")).to_have_value("I edited this one myself.")
    expect(page.locator("#text-linkedin")).to_have_value("My own LinkedIn words.")
    expect(page.locator("#card-x .written-with")).to_have_count(0)
    expect(page.locator("#card-linkedin .written-with")).to_have_count(0)
