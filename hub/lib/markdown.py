"""Markdown to safe HTML, and Markdown to plain text.

CommonMark through markdown-it-py's ``js-default`` preset: raw HTML is off, so ``<script>`` in a
body is shown as text. The rendered HTML still goes through ``sanitize_html``; one function for
the live preview and for publishing, so the preview is exactly what readers get.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from hub.lib.sanitize import sanitize_html

_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)


def _demote_h1(state) -> None:  # type: ignore[no-untyped-def]
    # The post's title is the page's only <h1>: body headings start at <h2>.
    for token in state.tokens:
        if token.tag == "h1" and token.type in {"heading_open", "heading_close"}:
            token.tag = "h2"


_md.core.ruler.push("hub_demote_h1", _demote_h1)


def render_markdown(text: str) -> str:
    """Render Markdown ``text`` to sanitized HTML, ready to store and serve."""
    return sanitize_html(_md.render(text or ""))


_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def markdown_to_text(text: str) -> str:
    """Plain text of Markdown ``text`` (for search, summaries, word counts and feeds)."""
    tokens = _md.parse(text or "")
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in {"text", "code_inline"}:
                    parts.append(child.content)
                elif child.type in {"softbreak", "hardbreak"}:
                    parts.append(" ")
            parts.append("\n")
        elif token.type in {"code_block", "fence"}:
            parts.append(token.content + "\n")
    return re.sub(r"[ \t]+", " ", "".join(parts)).strip()


def word_count(plain: str) -> int:
    """Words in plain text; each CJK character counts as a word, as readers of those scripts read."""
    cjk = len(_CJK.findall(plain))
    rest = _CJK.sub(" ", plain)
    return cjk + len(_WORD.findall(rest))


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at 230 words a minute, at least 1."""
    return max(1, round(words / 230))
