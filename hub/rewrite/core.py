"""Share-text proposals: the ``Proposal`` type, the ``Generator`` protocol and ``propose``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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


def disclosure_forms(disclosure: str | None) -> tuple[str, ...]:
    """The ways ``disclosure`` can appear in share texts (as written, and spelled out in
    words where hashtags are not used): pass them as ``similar_pairs(..., ignore=...)``."""
    if not disclosure:
        return ()
    return (disclosure, dehashtag(disclosure))


class RulesGenerator:
    """The default generator: deterministic rules per platform (see ``hub.rewrite.compose``).

    Every platform says the same thing in its own form (variant 0). Should a platform's text
    come out identical to one already written (a short post, few tags), its next form
    variant is taken, until it differs.
    """

    name = "rules"

    def generate(self, post: SourcePost, platforms: Sequence[str]) -> dict[str, Proposal]:
        """A proposal for every platform in ``platforms``, each fitting its limit."""
        result: dict[str, Proposal] = {}
        for platform in platforms:
            context, notes = make_context(post, platform)
            taken = {proposal.text for proposal in result.values()}
            first: Proposal | None = None
            variant = 0
            while (proposal := self.compose(context, variant, notes)) is not None:
                first = first or proposal
                if proposal.text not in taken:
                    break
                variant += 1
            chosen = proposal or first
            assert chosen is not None, "every platform has a variant 0"
            if chosen.text in taken:
                chosen = _relayout(chosen, post.url, taken)
            result[platform] = chosen
        return result

    def compose(self, context: Context, variant: int, notes: tuple[str, ...] = ()) -> Proposal | None:
        """The proposal of one form variant for one platform, or None if there is no such
        variant."""
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


_LAYOUTS = ("{text}\n\n{url}", "{text}\n{url}", "{text} {url}", "{text}\n→ {url}", "{text} → {url}",
            "{url}\n\n{text}", "{url}\n{text}")


def _relayout(proposal: Proposal, url: str, taken: set[str]) -> Proposal:
    """The same words with the link placed differently, so that a very short post still gets
    a different text on every platform (only when every form variant came out the same)."""
    if not url or proposal.text.count(url) != 1:
        return proposal
    before, after = proposal.text.split(url)
    text = before.rstrip()
    for layout in _LAYOUTS:
        candidate = layout.format(text=text, url=url) + after if text else ""
        if candidate and candidate not in taken and fits_platform(proposal.platform, candidate):
            return replace(proposal, text=candidate)
    return proposal


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
