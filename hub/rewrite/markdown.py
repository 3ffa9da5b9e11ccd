"""Markdown to plain text blocks (headings, paragraphs, list items, quotes); never HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hub.rewrite.text import tidy_inline

BlockKind = Literal["heading", "paragraph", "item", "quote", "code"]

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
    group: int = 0
    """Blocks of one list (its items) or one block quote share a ``group`` number (0: none)."""


def markdown_blocks(markdown: str) -> list[Block]:
    """Parse Markdown into plain-text blocks in document order.

    Headings, paragraphs, list items and block quotes keep their text; emphasis and code
    marks are removed, links become their text, images, raw HTML and tables are dropped and
    ``#word`` becomes ``word``. Bare URLs stay. Empty blocks are skipped. A code block (or
    a table) leaves a ``code`` block with empty text, so that readers of the blocks know
    that something was there (a sentence ending in ":" before it introduced it).
    """
    blocks: list[Block] = []
    stack: list[tuple[BlockKind, int]] = []
    groups = 0
    in_table = 0
    for token in _PARSER.parse(markdown or ""):
        if token.type in ("bullet_list_open", "ordered_list_open") and not _inside(stack, "item"):
            groups += 1
            stack.append(("paragraph", groups))
        elif token.type in ("bullet_list_close", "ordered_list_close") and stack and stack[-1][0] == "paragraph":
            stack.pop()
        elif token.type == "blockquote_open" and not _inside(stack, "quote"):
            groups += 1
            stack.append(("quote", groups))
        elif token.type in _CONTAINERS:
            stack.append((_CONTAINERS[token.type], stack[-1][1] if stack else 0))
        elif token.type in ("heading_close", "list_item_close", "blockquote_close"):
            stack.pop()
        elif token.type in ("fence", "code_block"):
            blocks.append(Block("code", "", stack[-1][1] if stack else 0))
        elif token.type == "table_open":
            in_table += 1
            blocks.append(Block("code", ""))
        elif token.type == "table_close":
            in_table -= 1
        elif token.type == "inline" and not in_table:
            text = tidy_inline(_inline_text(token.children or []))
            if text:
                kind: BlockKind = _innermost(stack)
                blocks.append(Block(kind, text, stack[-1][1] if stack else 0))
    return blocks


def _inside(stack: list[tuple[BlockKind, int]], kind: BlockKind) -> bool:
    return any(entry[0] == kind for entry in stack)


def _innermost(stack: list[tuple[BlockKind, int]]) -> BlockKind:
    """The kind of the innermost container that gives text a kind (a list's own entry only
    carries its group number)."""
    for kind, _group in reversed(stack):
        if kind != "paragraph":
            return kind
    return "paragraph"


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
    return "\n\n".join(block.text for block in markdown_blocks(markdown) if block.text)
