"""Markdown to plain text blocks (headings, paragraphs, list items, quotes); never HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hub.rewrite.text import tidy_inline

BlockKind = Literal["heading", "paragraph", "item", "quote"]

_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_CONTAINERS: dict[str, BlockKind] = {
    "heading_open": "heading",
    "list_item_open": "item",
    "blockquote_open": "quote",
}


@dataclass(frozen=True)
class Block:
    """One block of a Markdown document as plain single-line text without hashtag marks."""

    kind: BlockKind
    text: str


def markdown_blocks(markdown: str) -> list[Block]:
    """Parse Markdown into plain-text blocks in document order.

    Headings, paragraphs, list items and block quotes keep their text; emphasis and code
    marks are removed, links become their text, images, raw HTML, code blocks and tables
    are dropped and ``#word`` becomes ``word``. Bare URLs stay. Empty blocks are skipped.
    """
    blocks: list[Block] = []
    stack: list[BlockKind] = []
    in_table = 0
    for token in _PARSER.parse(markdown or ""):
        if token.type in _CONTAINERS:
            stack.append(_CONTAINERS[token.type])
        elif token.type in ("heading_close", "list_item_close", "blockquote_close"):
            stack.pop()
        elif token.type == "table_open":
            in_table += 1
        elif token.type == "table_close":
            in_table -= 1
        elif token.type == "inline" and not in_table:
            text = tidy_inline(_inline_text(token.children or []))
            if text:
                kind: BlockKind = stack[-1] if stack else "paragraph"
                blocks.append(Block(kind, text))
    return blocks


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def plain_text(markdown: str) -> str:
    """The readable text of a Markdown document: one line per block, no markup."""
    return "\n\n".join(block.text for block in markdown_blocks(markdown))
