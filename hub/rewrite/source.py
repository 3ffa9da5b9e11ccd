"""What a share text can be made of: a post reduced to clean plain-text pieces."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from hub.rewrite.analysis import Analysis, PostKind, analyse, stems
from hub.rewrite.hashtags import make_hashtag, merge_hashtags
from hub.rewrite.language import detect_language, normalize_language
from hub.rewrite.markdown import Block, markdown_blocks
from hub.rewrite.text import clean_inline, has_url, join_sentences, nfc, one_line, shorten, split_sentences

TITLE_MAX = 1000
KEY_POINT_MAX = 400
OWN_WORDS_MAX = 250
SENTENCE_MAX = 280
POINT_MAX = 160
MAX_POINTS = 3


@dataclass(frozen=True)
class SourcePost:
    """A post as material for share texts. Every text field is plain, single-line text
    without URLs or hashtag marks; ``hashtags`` are valid, deduplicated hashtags.

    ``key_point`` is the author's own key point (empty if they gave none), ``own_words``
    the sharing person's own line, kept verbatim (forms should refuse more than
    ``OWN_WORDS_MAX`` graphemes; longer words are cut here). ``analysis`` is what the post says and
    what kind of post it is (``hub.rewrite.analysis``).
    """

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
    analysis: Analysis = field(default_factory=lambda: analyse("", [], [], "en"), compare=False)

    @property
    def kind(self) -> PostKind:
        """What kind of post this is (hiring, result, event...)."""
        return self.analysis.kind

    @property
    def sentences(self) -> tuple[str, ...]:
        """Summary sentences, then body sentences."""
        return self.summary + self.body

    @cached_property
    def core(self) -> str:
        """What every text is built around: the author's key point, else the best unit of
        whole sentences hub found, else the title."""
        if self.key_point:
            return self.key_point
        best = self.analysis.best()
        if best is not None and (best.score > 0 or not self.title):
            return join_sentences(u.text for u in self.analysis.key_units(self.title))
        return self.title or (best.text if best else "")

    @cached_property
    def story(self) -> tuple[str, ...]:
        """The core told whole, as paragraphs, for platforms with room (``Analysis.story``):
        the sentences that carry the core from its setting to its point, and what follows
        from it. Empty when the author wrote a key point or the core is all there is."""
        if self.key_point or self.core == self.title:
            return ()
        return self.analysis.story(self.title)

    @cached_property
    def chain(self) -> tuple[str, ...]:
        """The ``story`` without what follows the key point: only the sentences that carry it from
        its setting to its result (for a short personal message). Empty when there are none."""
        if self.key_point or self.core == self.title:
            return ()
        return self.analysis.story(self.title, after=False)

    @cached_property
    def support(self) -> tuple[str, ...]:
        """Other units of whole sentences that say something the core does not, best first."""
        core = self.core.casefold()
        title = self.title.casefold()
        deadline = self.analysis.deadline.casefold()
        core_figures = _figures(self.core)
        used: set[str] = set()
        result = []
        for unit in sorted(self.analysis.units, key=lambda u: (-u.score, u.start)):
            text = unit.text.casefold()
            gap = self.title_gap.casefold()
            if text in core or core in text or text == title or unit.score < -1.0 or text in (deadline, gap):
                continue
            sentences = {s.casefold() for s in unit.sentences}
            if any(s in core for s in sentences) or sentences & used:
                continue
            figures = _figures(unit.text)
            if figures and figures <= core_figures:
                continue  # the same figure said twice ("down 40 %" in the summary and the body)
            used |= sentences
            result.append(unit)
        return tuple(u.text for u in result)

    @cached_property
    def title_gap(self) -> str:
        """For a job ad: the unit that says what the title says and the key point leaves out
        (usually the place: "The role is based in our Berlin office"), else empty."""
        if self.kind is not PostKind.HIRING or self.key_point:
            return ""
        missing = stems(self.title) - stems(self.core)
        names = {w[:5].casefold() for w in self.title.split()[1:] if w[:1].isupper()} & missing  # places, teams
        best, best_count = "", 0
        for unit in self.analysis.units:
            found = stems(unit.text) & missing
            count = len(found) + 2 * len(found & names)
            if count > best_count and unit.text.casefold() not in self.core.casefold():
                best, best_count = unit.text, count
        return best

    def supporting(self, count: int, *, after_core: bool = False, beside_story: bool = False) -> tuple[str, ...]:
        """The ``count`` best supporting units, in the post's order. ``after_core``: only
        units that come after the key point in the post (what followed from it, not the
        backstory, which reads as a non sequitur right after the point in a short text).
        ``beside_story``: none that repeats a sentence of the ``story``."""
        order = {u.text: u.start for u in self.analysis.units}
        candidates = self.support
        if beside_story and (self.story or self.chain):
            told = " ".join(self.story or self.chain).casefold()
            sentences = {u.text: u.sentences for u in self.analysis.units}
            candidates = tuple(t for t in candidates if not any(s.casefold() in told for s in sentences.get(t, (t,))))
        if after_core:
            core_start = max((u.start for u in self.analysis.units if u.text.casefold() in self.core.casefold()),
                             default=-1)
            candidates = tuple(t for t in candidates if order.get(t, 0) > core_start)
        return tuple(sorted(candidates[:count], key=lambda text: order.get(text, 0)))

    @property
    def lead(self) -> str:
        """The sentence that best says what the post is about (the title if nothing else)."""
        return self.core or self.title

    @property
    def headline(self) -> str:
        """The title, or the core when the post has no usable title."""
        return self.title or self.core

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
    summary_blocks = [Block("paragraph", " ".join(b.text for b in markdown_blocks(summary) if b.text))]
    summary_blocks = [b for b in summary_blocks if b.text]
    summary_sentences = _sentences(" ".join(b.text for b in summary_blocks))
    body_sentences = _sentences("\n".join(b.text for b in blocks if b.kind == "paragraph"))
    clean_title = shorten(clean_inline(title), TITLE_MAX)
    sample = " ".join([clean_title, *summary_sentences, *body_sentences[:10]])
    detected = normalize_language(language) or detect_language(sample)
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
        language=detected,
        key_point=shorten(one_line(clean_inline(key_point or "")), KEY_POINT_MAX),
        own_words=shorten(" ".join(nfc(own_words or "").split()), OWN_WORDS_MAX),
        analysis=analyse(clean_title, blocks, summary_blocks, detected, clean_inline(key_point or "")),
    )


def _sentences(text: str) -> tuple[str, ...]:
    """Whole sentences of ``text`` (none longer than ``SENTENCE_MAX``, none with a URL:
    removing the URL would leave a broken sentence, and the post's link is added anyway)."""
    return tuple(s for s in split_sentences(text) if not has_url(s) and len(s) <= SENTENCE_MAX)


def _short_lines(lines: Iterable[str]) -> tuple[str, ...]:
    result = (shorten(line, POINT_MAX) for line in lines if not has_url(line))
    return tuple(line for line in result if line)


def suggest_key_point(title: str, body: str, *, summary: str = "", language: str | None = None) -> str:
    """The best candidate hub finds for a post's key point (one or two whole sentences), to
    prefill the editor's "key point" field; empty when the post has no usable sentence."""
    post = build_source(title, body, url="", summary=summary, language=language)
    best = post.analysis.best()
    return best.text if best is not None and best.score > 0 else ""


def _figures(text: str) -> set[str]:
    """The numbers ``text`` states ("40", "1,8")."""
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))
