"""Share-text proposals: the ``Proposal`` type, the ``Generator`` protocol and ``propose``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from hub.platforms import PLATFORMS, measure
from hub.rewrite.compose import (
    Context,
    composer_for,
    email_subject,
    make_context,
    reddit_title_candidates,
    style_for,
)
from hub.rewrite.fit import fit
from hub.rewrite.hashtags import dehashtag, find_hashtags
from hub.rewrite.similarity import NEAR_DUPLICATE_THRESHOLD, token_similarity, tokens, without
from hub.rewrite.source import SourcePost, build_source
from hub.rewrite.text import Shortener, is_emoji

BLUESKY_MAX_BYTES = 3000


@dataclass(frozen=True)
class Proposal:
    """A proposed share text for one platform.

    ``text`` is what the person posts; ``subject`` is the email subject or the Reddit
    title (None elsewhere). ``hashtags`` lists the hashtags in ``text`` (the disclosure's
    included), ``disclosure_included`` tells whether the disclosure made it in, ``notes``
    names what had to be left out (``disclosure_skipped``, ``disclosure_not_allowed``,
    ``url_too_long``, ``phrases_skipped``), ``source`` which generator wrote it.
    """

    platform: str
    text: str
    subject: str | None = None
    hashtags: tuple[str, ...] = ()
    disclosure_included: bool = False
    notes: tuple[str, ...] = ()
    source: str = "rules"


@runtime_checkable
class Generator(Protocol):
    """Writes share texts for a post (e.g. a local language model). Implementations must work
    offline; ``propose`` checks every text they return (``check_proposal``) and uses the
    rules' text wherever one fails, repeats another platform's text, or the call raises."""

    name: str

    def generate(self, post: SourcePost, platforms: Sequence[str]) -> Mapping[str, Proposal]:
        """A proposal for each of ``platforms`` (missing ones are filled in by the rules)."""
        ...


def fits_platform(platform: str, text: str, budget: int | None = None) -> bool:
    """True if ``text`` fits ``platform``'s limit as ``measure`` counts it (and ``budget`` if
    given, and Bluesky's 3000-byte cap)."""
    limit = PLATFORMS[platform].limit
    if budget is not None:
        limit = min(limit, budget)
    if platform == "bluesky" and len(text.encode("utf-8")) > BLUESKY_MAX_BYTES:
        return False
    return int(measure(platform, text)) <= limit


def _fits_for(platform: str, soft: bool = True) -> Callable[[str], bool]:
    budget = style_for(platform).soft_limit if soft else None
    cache: dict[str, bool] = {}

    def fits(text: str) -> bool:
        if text not in cache:
            cache[text] = fits_platform(platform, text, budget)
        return cache[text]

    return fits


def reddit_title(post: SourcePost) -> str:
    """A neutral Reddit title within Reddit's limit: the title without hashtags, "!" or
    emoji, cut at a word boundary if needed (else the lead, else the host name)."""
    fits = _fits_for("reddit")
    for candidate in reddit_title_candidates(post):
        found = candidate if fits(candidate) else Shortener(candidate).longest(fits)
        if found:
            return found
    return post.host


def _comparable_tokens(text: str, post: SourcePost) -> list[str]:
    """Tokens of a share text for the cross-platform guard: the disclosure is the same
    everywhere by design, so it is left out of the comparison."""
    return tokens(without(text, disclosure_forms(post.disclosure)))


def disclosure_forms(disclosure: str | None) -> tuple[str, ...]:
    """The ways ``disclosure`` can appear in share texts (as written, and spelled out in
    words where hashtags are not used): pass them as ``similar_pairs(..., ignore=...)``."""
    if not disclosure:
        return ()
    return (disclosure, dehashtag(disclosure))


@dataclass(frozen=True)
class _Option:
    """One composed variant of a platform's proposal and its tokens for comparison."""

    proposal: Proposal
    tokens: tuple[str, ...]

    def rank(self, others: Iterable[_Option]) -> tuple[bool, bool, float]:
        """(identical to another, near-identical to another, highest similarity): lower is better."""
        others = list(others)
        identical = any(self.proposal.text == other.proposal.text for other in others)
        scores = [token_similarity(self.tokens, o.tokens) for o in others if o.proposal.text]
        score = max(scores, default=0.0) if self.proposal.text else 0.0
        return identical, score >= NEAR_DUPLICATE_THRESHOLD, score


class _Variants:
    """The structure variants of one platform for one post, composed when first needed."""

    def __init__(self, generator: RulesGenerator, post: SourcePost, platform: str) -> None:
        self._generator = generator
        self._post = post
        self._context, self._notes = make_context(post, platform)
        self._options: list[_Option] = []
        self._complete = False

    def __iter__(self) -> Iterator[_Option]:
        index = 0
        while True:
            if index == len(self._options) and not self._complete:
                self._compose_next()
            if index >= len(self._options):
                return
            yield self._options[index]
            index += 1

    def _compose_next(self) -> None:
        proposal = self._generator.compose(self._context, len(self._options), self._notes)
        if proposal is None:
            self._complete = True
        else:
            self._options.append(_Option(proposal, tuple(_comparable_tokens(proposal.text, self._post))))

    def first_distinct(self, others: list[_Option]) -> _Option:
        """The first variant neither identical nor near-identical to ``others``, else the
        least similar one."""
        best: tuple[tuple[bool, bool, float], _Option] | None = None
        for option in self:
            rank = option.rank(others)
            if best is None or rank < best[0]:
                best = (rank, option)
            if not rank[0] and not rank[1]:
                break
        assert best is not None, "every platform has a variant 0"
        return best[1]


class RulesGenerator:
    """The default generator: deterministic rules per platform (see ``hub.rewrite.compose``).

    Platforms are written in order; for each, the structure's variants are tried until one
    is neither identical nor near-identical (``NEAR_DUPLICATE_THRESHOLD``) to the texts
    already written, else the least similar variant is kept. Then, up to
    ``REPAIR_ROUNDS`` times, each platform still near-identical to another picks again,
    against all the others.
    """

    name = "rules"
    REPAIR_ROUNDS = 2

    def generate(self, post: SourcePost, platforms: Sequence[str]) -> dict[str, Proposal]:
        """A proposal for every platform in ``platforms``, each fitting its limit."""
        variants = {platform: _Variants(self, post, platform) for platform in platforms}
        chosen: dict[str, _Option] = {}
        for platform in platforms:
            chosen[platform] = variants[platform].first_distinct(list(chosen.values()))
        for _ in range(self.REPAIR_ROUNDS):
            repaired = False
            for platform in platforms:
                others = [option for other, option in chosen.items() if other != platform]
                if chosen[platform].rank(others)[:2] != (False, False):
                    chosen[platform] = variants[platform].first_distinct(others)
                    repaired = True
            if not repaired:
                break
        return {platform: chosen[platform].proposal for platform in platforms}

    def compose(self, context: Context, variant: int, notes: tuple[str, ...] = ()) -> Proposal | None:
        """The proposal of one structure variant for one platform, or None if there is no
        such variant."""
        parts = composer_for(context.platform)(context, variant)
        if parts is None:
            return None
        fitted = fit(parts, _fits_for(context.platform))
        if fitted.notes and style_for(context.platform).soft_limit:
            # the house length is too short for the link or disclosure: use the real limit
            fitted = fit(parts, _fits_for(context.platform, soft=False))
        subject = None
        if context.platform == "email":
            subject = email_subject(context.post)
        elif context.platform == "reddit":
            subject = reddit_title(context.post)
        return Proposal(
            platform=context.platform,
            text=fitted.text,
            subject=subject,
            hashtags=tuple(find_hashtags(fitted.text)),
            disclosure_included=fitted.has("disclosure"),
            notes=notes + fitted.notes,
        )


def check_proposal(post: SourcePost, proposal: Proposal) -> list[str]:
    """What is wrong with ``proposal`` for ``post`` (empty if nothing): over the limit, URL
    missing, repeated or present where it must not be, too many hashtags, a missing or
    unfit subject."""
    platform = proposal.platform
    if platform not in PLATFORMS:
        return ["unknown platform"]
    problems: list[str] = []
    style = style_for(platform)
    if not fits_platform(platform, proposal.text):
        problems.append("over the limit")
    url_count = proposal.text.count(post.url) if post.url else 0
    if style.carries_url and post.url and url_count != 1:
        problems.append("the link must appear exactly once")
    if not style.carries_url and url_count:
        problems.append("the link must not appear")
    if len(find_hashtags(proposal.text)) > style.max_hashtags:
        problems.append("too many hashtags")
    if platform == "email" and not (proposal.subject or "").strip():
        problems.append("an email needs a subject")
    if platform == "reddit":
        problems += _reddit_title_problems(proposal.subject or "")
    return problems


def _reddit_title_problems(title: str) -> list[str]:
    problems = []
    if not title.strip() or not fits_platform("reddit", title):
        problems.append("the Reddit title must be 1-300 characters")
    if find_hashtags(title) or "!" in title or "！" in title or any(is_emoji(ch) for ch in title):
        problems.append("the Reddit title must be neutral: no hashtags, no !, no emoji")
    return problems


def propose(
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
    generator: Generator | None = None,
) -> dict[str, Proposal]:
    """A share-text proposal for every platform in ``PLATFORMS``, in that order.

    Promises, for every proposal: ``measure(platform, text) <= limit`` (Bluesky also within
    3000 bytes); ``url`` appears exactly once in the text except on Instagram (never: "link
    in bio") and Reddit (never: the link is submitted beside ``subject``, the title, and
    ``text`` is an optional neutral self-text, possibly empty); at most the platform's
    hashtags (X 2, Threads 1, Bluesky 1, Mastodon 4, Instagram 5, LinkedIn 5; Reddit,
    WhatsApp, email none: a hashtag disclosure is spelled out there), the disclosure
    counted; the email and Reddit proposals have a ``subject``; no two texts are identical,
    and pairs of near-identical texts are avoided as far as the post's material allows.
    The only exception: a URL longer than a platform's whole limit is left out there (noted
    ``url_too_long``).

    ``body`` and ``summary`` are Markdown; ``hashtags`` (a comms topic's) come before
    ``tags``; ``topic`` names the topic (Threads' one tag); ``audience`` may add a line;
    ``disclosure`` is added where allowed and kept over any other content. ``language``
    (e.g. "sv") picks the fixed phrases, detected from the text if not given. A
    ``generator`` writes the texts instead of the rules; any text of it that fails
    ``check_proposal`` or repeats another is replaced by the rules' text.

    ``key_point`` (the author's one or two sentences) is what every text is built around;
    ``own_words`` (the sharing person's own line) appear verbatim in every text that is posted.
    """
    post = build_source(
        title, body, url=url, summary=summary, tags=tags, disclosure=disclosure,
        topic=topic, hashtags=hashtags, audience=audience, language=language,
        key_point=key_point, own_words=own_words,
    )
    platforms = list(PLATFORMS)
    rules = RulesGenerator()
    if generator is None:
        return rules.generate(post, platforms)
    return _with_fallback(post, platforms, generator, rules)


def _with_fallback(
    post: SourcePost, platforms: list[str], generator: Generator, rules: RulesGenerator
) -> dict[str, Proposal]:
    ruled = rules.generate(post, platforms)
    try:
        drafts = dict(generator.generate(post, platforms))
    except Exception:  # a pluggable generator (e.g. a model) must never break sharing
        return ruled
    result: dict[str, Proposal] = {}
    for platform in platforms:
        draft = drafts.get(platform)
        usable = draft is not None and draft.platform == platform and not check_proposal(post, draft)
        result[platform] = replace(draft, source=generator.name) if usable and draft else ruled[platform]
    texts = [p.text for p in result.values()]
    if len(set(texts)) != len(texts):
        return ruled
    return result
