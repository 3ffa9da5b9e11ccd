"""What a chat message says (``Note``), written once and rendered for each kind of channel: Slack's
Block Kit JSON, or a Microsoft Teams message with an Adaptive Card (what Teams' incoming webhooks
and Workflows accept). Pure functions: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SLACK_TEXT_MAX = 3000  # a section block's text
SLACK_HEADER_MAX = 150  # a header block's plain text
MAX_ITEMS = 15  # Slack allows 50 blocks a message; a digest lists at most this many posts


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    detail: str = ""  # one line under the title (author, audience...)


@dataclass(frozen=True)
class Note:
    headline: str
    text: str = ""  # a paragraph under the headline
    items: tuple[Item, ...] = field(default_factory=tuple)
    footer: str = ""
    action: Item | None = None  # the button ("Open the board")

    @property
    def summary(self) -> str:
        """One line for notifications and the outbox listing."""
        return self.headline


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- Slack -----------------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Text as Slack's mrkdwn shows it literally: ``&``, ``<`` and ``>`` escaped, so a title can
    neither mention ``<!channel>`` nor forge a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(item: Item) -> str:
    label = slack_escape(_one_line(item.title) or item.url).replace("|", "¦")
    return f"<{item.url}|{label}>"


def slack(note: Note) -> dict[str, Any]:
    """The note as a Slack message: ``text`` (notifications, and clients without blocks) and blocks."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(_one_line(note.headline), SLACK_HEADER_MAX),
                                    "emoji": False}},
    ]
    if note.text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": _cut(slack_escape(note.text), SLACK_TEXT_MAX)}})
    for item in note.items[:MAX_ITEMS]:
        line = _slack_link(item) + (f"\n{slack_escape(_one_line(item.detail))}" if item.detail else "")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(line, SLACK_TEXT_MAX)}})
    if note.action is not None:
        blocks.append({"type": "actions", "elements": [{
            "type": "button", "text": {"type": "plain_text", "text": _cut(note.action.title, 75)},
            "url": note.action.url}]})
    if note.footer:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(note.footer)}]})
    return {"text": _cut(slack_escape(_one_line(note.headline)), SLACK_TEXT_MAX), "blocks": blocks,
            "unfurl_links": False, "unfurl_media": False}


# --- Microsoft Teams -------------------------------------------------------------------------------


def teams_escape(text: str) -> str:
    """Text for an Adaptive Card's TextBlock, which reads a little Markdown: square brackets become
    parentheses, so a title can never make a link of its own (emphasis is harmless)."""
    return text.replace("[", "(").replace("]", ")")


def _block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def teams(note: Note) -> dict[str, Any]:
    """The note as a Teams message carrying one Adaptive Card (version 1.4)."""
    body: list[dict[str, Any]] = [_block(teams_escape(_one_line(note.headline)), weight="Bolder", size="Medium")]
    if note.text:
        body.append(_block(teams_escape(note.text)))
    for item in note.items[:MAX_ITEMS]:
        label = teams_escape(_one_line(item.title) or item.url)
        body.append(_block(f"[{label}]({item.url})", spacing="Medium"))
        if item.detail:
            body.append(_block(teams_escape(_one_line(item.detail)), isSubtle=True, spacing="None"))
    if note.footer:
        body.append(_block(teams_escape(note.footer), isSubtle=True, size="Small", spacing="Medium"))
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if note.action is not None:
        card["actions"] = [{"type": "Action.OpenUrl", "title": note.action.title, "url": note.action.url}]
    return {"type": "message", "summary": _one_line(note.headline),
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
                             "content": card}]}


def render(kind: str, note: Note) -> dict[str, Any]:
    """The JSON body for a channel of ``kind`` ("slack" or "teams")."""
    return slack(note) if kind == "slack" else teams(note)
