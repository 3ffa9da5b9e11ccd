"""What a share text can be made of: a post reduced to clean plain-text pieces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from hub.rewrite.hashtags import make_hashtag, merge_hashtags
from hub.rewrite.language import detect_language, normalize_language
from hub.rewrite.markdown import markdown_blocks
from hub.rewrite.text import clean_inline, has_url, join_sentences, nfc, one_line, shorten, split_sentences

TITLE_MAX = 1000
SENTENCE_MAX = 280
POINT_MAX = 160
PARAGRAPH_MAX = 420
MAX_POINTS = 3


@dataclass(frozen=True)
class SourcePost:
    """A post as material for share texts. Every text field is plain, single-line text
    without URLs or hashtag marks; ``hashtags`` are valid, deduplicated hashtags."""

    title: str
    url: str
    summary: tuple[str, ...]
    body: tuple[str, ...]
    items: tuple[str, ...]
    headings: tuple[str, ...]
    hashtags: tuple[str, ...]
    topic_tag: str | None
    disclosure: str | None
    audience: str | None
    language: str
    key_point: str = ""
    own_words: str = ""

    @property
    def sentences(self) -> tuple[str, ...]:
        """Summary sentences, then body sentences."""
        return self.summary + self.body

    @cached_property
    def lead(self) -> str:
        """The sentence that best says what the post is about (the title if nothing else)."""
        return next(iter(self.sentences), self.title)

    @property
    def headline(self) -> str:
        """The title, or the lead when the post has no usable title."""
        return self.title or self.lead

    @cached_property
    def summary_text(self) -> str:
        """The summary as one paragraph, or the first body sentences when there is none."""
        return shorten(join_sentences(self.summary or self.body[:2]), PARAGRAPH_MAX)

    @cached_property
    def body_text(self) -> str:
        """The first body sentences as one paragraph (may be empty)."""
        return shorten(join_sentences(self.body[:3]), PARAGRAPH_MAX)

    @cached_property
    def points(self) -> tuple[str, ...]:
        """Two or three short points: list items, else headings, else body sentences."""
        if len(self.items) >= 2:
            return self.items[:MAX_POINTS]
        headings = tuple(h for h in self.headings if h.casefold() != self.title.casefold())
        if len(headings) >= 2:
            return headings[:MAX_POINTS]
        rest = [s for s in self.body if s != self.lead and len(s) <= POINT_MAX]
        return tuple(rest[:MAX_POINTS])

    @cached_property
    def key(self) -> str:
        """A second idea of the post, different from the lead (empty if there is none)."""
        for candidate in self.points + self.sentences:
            if candidate.casefold() not in (self.lead.casefold(), self.title.casefold()):
                return candidate
        return ""

    @cached_property
    def ideas(self) -> tuple[str, ...]:
        """Distinct sentences and points other than the title, the lead first."""
        seen = {self.title.casefold()}
        result: list[str] = []
        for idea in (self.lead, *self.sentences, *self.points):
            if idea.casefold() not in seen:
                seen.add(idea.casefold())
                result.append(idea)
        return tuple(result)

    @property
    def host(self) -> str:
        """The host name of the post's URL (used when there is no text at all)."""
        return urlsplit(self.url).hostname or self.url


def build_source(
    title: str,
    body: str,
    *,
    url: str,
    summary: str = "",
    tags: Iterable[str] = (),
    disclosure: str | None = None,
    topic: str | None = None,
    hashtags: Iterable[str] = (),
    audience: str | None = None,
    language: str | None = None,
    key_point: str | None = None,
    own_words: str | None = None,
) -> SourcePost:
    """Reduce a post (title, Markdown body, summary, tags...) to a ``SourcePost``.

    Topic hashtags come first, then the post's tags, deduplicated case-insensitively. The
    language is ``language`` if it has phrases, else detected from the text.
    """
    blocks = markdown_blocks(body)
    summary_sentences = _sentences(" ".join(b.text for b in markdown_blocks(summary)))
    body_sentences = _sentences("\n".join(b.text for b in blocks if b.kind in ("paragraph", "quote")))
    clean_title = shorten(clean_inline(title), TITLE_MAX)
    sample = " ".join([clean_title, *summary_sentences, *body_sentences[:10]])
    return SourcePost(
        title=clean_title,
        url=url.strip(),
        summary=summary_sentences,
        body=body_sentences,
        items=_short_lines(b.text for b in blocks if b.kind == "item"),
        headings=_short_lines(b.text for b in blocks if b.kind == "heading"),
        hashtags=merge_hashtags(hashtags, tags),
        topic_tag=make_hashtag(topic) if topic else None,
        disclosure=one_line(nfc(disclosure)) or None if disclosure else None,
        audience=clean_inline(audience) or None if audience else None,
        language=normalize_language(language) or detect_language(sample),
        key_point=one_line(clean_inline(key_point or "")),
        own_words=one_line(nfc(own_words or "")).strip(),
    )


def _sentences(text: str) -> tuple[str, ...]:
    """Sentences of ``text`` cut to ``SENTENCE_MAX``; sentences with a URL are dropped
    (removing the URL would leave a broken sentence, and the post's link is added anyway)."""
    result = (shorten(s, SENTENCE_MAX) for s in split_sentences(text) if not has_url(s))
    return tuple(s for s in result if s)


def _short_lines(lines: Iterable[str]) -> tuple[str, ...]:
    result = (shorten(line, POINT_MAX) for line in lines if not has_url(line))
    return tuple(line for line in result if line)


def suggest_key_point(title: str, body: str, *, summary: str = "", language: str | None = None) -> str:
    """The best candidate hub finds for a post's key point (one or two whole sentences), to
    prefill the editor's "key point" field; empty when the post has no usable sentence."""
    post = build_source(title, body, url="", summary=summary, language=language)
    return post.lead if post.lead != post.title else ""
