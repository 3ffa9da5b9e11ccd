"""Chat messages as plain functions: Slack's Block Kit and Teams' Adaptive Card from one Note."""

from __future__ import annotations

from hub.chat import messages
from hub.chat.messages import Item, Note
from hub.lib.webhook import masked


def test_slack_escapes_what_slack_would_read_as_markup():
    note = Note("Q&A <@U123> today", text="<https://evil.test|click> & more",
                items=(Item("Title | with <!here>", "https://hub.test/p/1-x", "by <b>"),))
    body = messages.slack(note)
    assert body["text"] == "Q&amp;A &lt;@U123&gt; today"
    section = body["blocks"][1]["text"]["text"]
    assert section == "&lt;https://evil.test|click&gt; &amp; more"
    link = body["blocks"][2]["text"]["text"]
    assert link == "<https://hub.test/p/1-x|Title ¦ with &lt;!here&gt;>\nby &lt;b&gt;"
    assert body["unfurl_links"] is False


def test_slack_stays_within_block_limits():
    note = Note("x" * 500, items=tuple(Item(f"Post {n}", f"https://hub.test/p/{n}") for n in range(40)))
    body = messages.slack(note)
    header = body["blocks"][0]["text"]["text"]
    assert len(header) == messages.SLACK_HEADER_MAX and header.endswith("…")
    assert sum(1 for b in body["blocks"] if b["type"] == "section") == messages.MAX_ITEMS
    assert len(body["blocks"]) <= 50


def test_teams_is_an_adaptive_card_whose_titles_cannot_make_links():
    note = Note("New [topic](https://evil.test)", items=(Item("A [b]", "https://hub.test/p/2-a", "by C"),),
                footer="Share it.", action=Item("Open", "https://hub.test/topics/1"))
    body = messages.teams(note)
    card = body["attachments"][0]["content"]
    assert body["type"] == "message" and card["version"] == "1.4" and card["type"] == "AdaptiveCard"
    texts = [b["text"] for b in card["body"]]
    assert texts == ["New (topic)(https://evil.test)", "[A (b)](https://hub.test/p/2-a)", "by C", "Share it."]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open", "url": "https://hub.test/topics/1"}]
    assert messages.render("teams", note) == body and messages.render("slack", note) == messages.slack(note)


def test_a_webhook_address_is_shown_masked():
    assert masked("https://hooks.slack.com/services/T00/B00/abcdWxYz") == "https://hooks.slack.com/…WxYz"
    assert masked("http://127.0.0.1:8080/hook/secret1234") == "http://127.0.0.1:8080/…1234"
