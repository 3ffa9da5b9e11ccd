"""Markdown to safe HTML, and Markdown to plain text.

CommonMark through markdown-it-py's ``js-default`` preset: raw HTML is off, so ``<script>`` in a
body is shown as text. The rendered HTML still goes through ``sanitize_html``; one function for
the live preview and for publishing, so the preview is exactly what readers get.
"""

from __future__ import annotations

import re
import types
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it import helpers as _helpers
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from hub.i18n import _
from hub.lib.sanitize import sanitize_html
from hub.templating import number

# Bounds on the work one paragraph can cause (issue 14: "[a" x 99,500 took ~29 s, because every
# "[" scanned to the end of the paragraph for its "]"). Ordinary text never comes near them;
# past them, a "[" is plain text instead of the start of a link.
LABEL_MAX_NESTING = 32  # brackets nested inside one link text
LABEL_SCAN_BUDGET = 8  # label-scanning steps per character of a paragraph, all "[" together


def _bounded_link_label(state: StateInline, start: int, disableNested: bool = False) -> int:  # noqa: N803
    """markdown-it's parseLinkLabel with bounded work: the end of the label that starts at
    ``start``, or -1. Same answers on ordinary text; on hostile text it gives up early, so a
    paragraph costs at most LABEL_SCAN_BUDGET steps per character in all."""
    bounds = state.env.setdefault("_hub_label_bounds", {})
    key = id(state)
    if key not in bounds or bounds[key][0] is not state:
        bounds.clear()
        budget = [LABEL_SCAN_BUDGET * (state.posMax + 1) + 1000]
        bounds[key] = (state, state.src.rfind("]", 0, state.posMax), budget)
    _state, last_close, budget = bounds[key]
    if last_close <= start or budget[0] <= 0:
        return -1  # no "]" after it at all, or this paragraph has used up its scanning
    old_pos = state.pos
    state.pos = start + 1
    level = 1
    found = False
    while state.pos < state.posMax:
        budget[0] -= 1
        if budget[0] <= 0 or state.pos > last_close:
            break
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                found = True
                break
        prev_pos = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if prev_pos == state.pos - 1:
                level += 1  # a "[" that is plain text, not part of any token
                if level > LABEL_MAX_NESTING:
                    break
            elif disableNested:
                state.pos = old_pos
                return -1
    label_end = state.pos if found else -1
    state.pos = old_pos
    return label_end


_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
# Only this instance's link and image rules use the bounded label scan (they call md.helpers).
_md.helpers = types.SimpleNamespace(  # type: ignore[assignment]  # a stand-in with the same three functions
    parseLinkLabel=_bounded_link_label,
    parseLinkDestination=_helpers.parseLinkDestination,
    parseLinkTitle=_helpers.parseLinkTitle,
)


def _demote_h1(state: StateCore) -> None:
    # The post's title is the page's only <h1>: body headings start at <h2>.
    for token in state.tokens:
        if token.tag == "h1" and token.type in {"heading_open", "heading_close"}:
            token.tag = "h2"


_md.core.ruler.push("hub_demote_h1", _demote_h1)


def _is_own_image(src: str) -> bool:
    """hub shows only its own uploads (``/img/<file>``; the sanitizer and the CSP say the same)."""
    return src.startswith("/img/") and "//" not in src


def _outside_images_as_links(state: StateCore) -> None:
    # An image from elsewhere would be an empty <img> once sanitized: make it a link to the image,
    # named by its description, and note it (``outside_images``) so the editor can say so.
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            src = str(token.attrGet("src") or "") if token.type == "image" else ""
            if token.type != "image" or _is_own_image(src):
                children.append(token)
                continue
            opening = Token("link_open", "a", 1, attrs={"href": src}, meta={"outside_image": src})
            label = Token("text", "", 0, content=f"Image: {token.content}" if token.content.strip() else src)
            children.extend((opening, label, Token("link_close", "a", -1)))
        block.children = children


_md.core.ruler.push("hub_outside_images", _outside_images_as_links)


def outside_images(text: str) -> list[str]:
    """Addresses of the images in ``text`` that hub does not show (not uploaded to hub): each is
    rendered as a link to it instead of an image."""
    found: list[str] = []
    for block in _tokens(text or ""):
        for token in block.children or ():
            if token.type == "link_open" and token.meta.get("outside_image"):
                found.append(token.meta["outside_image"])
    return found


# What one body may ask of the renderer, checked before parsing. markdown-it's work grows with
# the tokens a text makes, not its length: prose is cheap at any accepted length, but 200,000
# characters of "*a" or "- a" lines cost seconds. Each formatting character and each line counts;
# fenced code is free (it is not parsed inline). At the limit the worst text renders in a few
# tenths of a second of CPU (bench/markdown_hostile.py); hub's README, 22,000 characters of
# dense Markdown, uses 1,400.
MARKUP_MAX = 10_000
_MARKUP_CHARS = re.compile(r"[\[\]*_`<>!&\\~|#]")
_FENCED = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)


def markup_count(text: str) -> int:
    """How much formatting ``text`` asks for: formatting characters plus two per line, outside
    fenced code blocks (linear time, no parsing)."""
    outside = _FENCED.sub("", text or "")
    return len(_MARKUP_CHARS.findall(outside)) + 2 * outside.count("\n")


def markup_problem(text: str) -> str | None:
    """The error to show when ``text`` asks for more formatting than hub renders, else None."""
    used = markup_count(text)
    if used <= MARKUP_MAX:
        return None
    return _("This text has more formatting than hub renders (%(used)s marks and lines; at most %(most)s). "
             "Split it into shorter posts, or put long code in a fenced code block (```).",
             used=number(used), most=number(MARKUP_MAX))


@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[Token, ...]:
    # Preview and publishing ask for the HTML and the plain text of the same body: parse once.
    return tuple(_md.parse(text))


def render_markdown(text: str) -> str:
    """Render Markdown ``text`` to sanitized HTML, ready to store and serve."""
    return sanitize_html(_md.renderer.render(list(_tokens(text or "")), _md.options, {}))


_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def markdown_to_text(text: str) -> str:
    """Plain text of Markdown ``text`` (for search, summaries, word counts and feeds)."""
    tokens = _tokens(text or "")
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
