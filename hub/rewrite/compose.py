"""Per-platform structure of a share text: which pieces of the post, in which order.

Every platform has a few *variants* (different pieces of the post in the same structure);
variant 0 is the preferred one, the others exist so that no two platforms end up with
near-identical texts. A draft is a list of ``Part``s; ``fit`` then makes it fit.

=========  ==============================================================================
Platform   Structure (variant 0)
=========  ==============================================================================
x          one sharp line (the title), the link, at most 2 hashtags (disclosure counts)
linkedin   hook (title), a short context paragraph, 2-3 "•" points (list items, headings
           or sentences), optional audience line, a question, the link, up to 5 hashtags
bluesky    conversational opener ("Worth a read:") + the lead sentence, the link, 1 tag
mastodon   title, a short paragraph, "Read more: <link>", up to 4 CamelCase hashtags
threads    a second idea of the post + "What's your take?", the link, ONE topic tag
facebook   friendly intro line, a few sentences of the body, audience line, link, 2 tags
instagram  title, two sentences, "Link in bio." (no URL), up to 5 hashtags
reddit     subject: the title toned down (no hashtags, "!" or emoji); text: a neutral
           summary without the link (submitted beside the title) + plain disclosure
whatsapp   short personal intro, the title, the link (no hashtags)
email      subject: the title (<= 78 graphemes); text: greeting, intro, title, a short
           paragraph, the link, disclosure (no hashtags)
=========  ==============================================================================

Hashtag-style disclosures count towards a platform's hashtag maximum; where hashtags do
nothing (Reddit, WhatsApp, email) they are spelled out as words ("#IWorkAtAcme" -> "I Work
At Acme").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ugrapheme import grapheme_len

from hub.rewrite.fit import Part
from hub.rewrite.hashtags import dehashtag, find_hashtags
from hub.rewrite.language import phrase
from hub.rewrite.source import SourcePost
from hub.rewrite.text import join_sentences, neutral, one_line, shorten, space_after, split_sentences

EMAIL_SUBJECT_MAX = 78
T = TypeVar("T")


@dataclass(frozen=True)
class Style:
    """House style of one platform, independent of the platform's own hard limit.

    ``max_hashtags`` counts every hashtag in the text, the disclosure's included (0: a
    hashtag disclosure is spelled out in words); ``tags``: whether the post's hashtags are
    added at all; ``soft_limit``: a length (as ``measure`` counts) the text stays within
    even when the platform allows more; ``carries_url``: whether the text has the link.
    """

    max_hashtags: int
    soft_limit: int | None = None
    carries_url: bool = True
    tags: bool = True


STYLES: dict[str, Style] = {
    "x": Style(max_hashtags=2),
    "linkedin": Style(max_hashtags=5, soft_limit=1300),
    "bluesky": Style(max_hashtags=1),
    "mastodon": Style(max_hashtags=4),
    "threads": Style(max_hashtags=1),
    "facebook": Style(max_hashtags=2, soft_limit=700),
    "instagram": Style(max_hashtags=5, soft_limit=1000, carries_url=False),
    "reddit": Style(max_hashtags=0, carries_url=False),
    "whatsapp": Style(max_hashtags=0, soft_limit=400),
    "email": Style(max_hashtags=0, soft_limit=1500),
}
DEFAULT_STYLE = Style(max_hashtags=2, soft_limit=700)


def style_for(platform: str) -> Style:
    """The house style of ``platform`` (a Facebook-like default for unknown platforms)."""
    return STYLES.get(platform, DEFAULT_STYLE)


@dataclass(frozen=True)
class Context:
    """What a composer needs: the post, its platform's style, tags and disclosure for it."""

    post: SourcePost
    platform: str
    style: Style
    hashtags: tuple[str, ...]
    disclosure: str | None

    def phrase(self, key: str, **values: str) -> str:
        """A fixed phrase in the post's language."""
        return phrase(self.post.language, key, **values)


def make_context(post: SourcePost, platform: str) -> tuple[Context, tuple[str, ...]]:
    """The context for ``platform``, and notes (e.g. a disclosure the platform cannot take)."""
    style = style_for(platform)
    notes: list[str] = []
    disclosure = post.disclosure
    used: list[str] = []
    if disclosure and style.max_hashtags == 0:
        disclosure = one_line(dehashtag(disclosure))
    elif disclosure:
        used = find_hashtags(disclosure)
        if len(used) > style.max_hashtags:
            disclosure, used = None, []
            notes.append("disclosure_not_allowed")
    taken = {tag.casefold() for tag in used}
    candidates = post.hashtags
    if platform == "threads" and post.topic_tag:
        candidates = (post.topic_tag, *candidates)
    hashtags: list[str] = []
    for tag in candidates:
        if tag.casefold() not in taken:
            taken.add(tag.casefold())
            hashtags.append(tag)
    budget = max(0, style.max_hashtags - len(used)) if style.tags else 0
    return Context(post, platform, style, tuple(hashtags[:budget]), disclosure), tuple(notes)


MAX_VARIANTS = 7
HEADLINE_MAX = 150


def _variants(*candidates: T) -> list[T]:
    """Distinct candidates (case-insensitive) whose main text is not empty, at most
    ``MAX_VARIANTS``. A candidate is a text or a (main text, paragraph) pair."""
    seen: set[str] = set()
    result: list[T] = []
    for candidate in candidates:
        main = candidate[0] if isinstance(candidate, tuple) else candidate
        key = str(candidate).casefold()
        if main and key not in seen:
            seen.add(key)
            result.append(candidate)
    return result[:MAX_VARIANTS]


def _pick(options: Sequence[T], variant: int) -> T | None:
    return options[variant] if variant < len(options) else None


def _window(post: SourcePost, start: int, size: int) -> str:
    """``size`` ideas of the post from ``start`` on, as one paragraph."""
    return shorten(join_sentences(post.ideas[start : start + size]), 420)


def _headline(post: SourcePost, max_graphemes: int = HEADLINE_MAX) -> str:
    """The title, cut to ``max_graphemes``; of a longer title only the first sentence
    (titles that are paragraphs make poor headlines)."""
    title = post.headline
    if grapheme_len(title) > max_graphemes:
        title = next(iter(split_sentences(title)), title)
    return shorten(title, max_graphemes)


def _url(ctx: Context, sep: str = "\n\n", group: str | None = None) -> list[Part]:
    return [Part(ctx.post.url, role="url", sep=sep, group=group)] if ctx.post.url else []


def _tags(ctx: Context, group: str = "tags", sep: str = "\n\n", rank: int = 30) -> list[Part]:
    count = len(ctx.hashtags)
    return [
        Part(tag, role="hashtag", sep=sep, group=group, drop_rank=rank + count - 1 - i)
        for i, tag in enumerate(ctx.hashtags)
    ]


def _disclosure(ctx: Context, group: str | None = "tags", sep: str = "\n\n") -> list[Part]:
    if not ctx.disclosure:
        return []
    only_hashtags = " ".join(find_hashtags(ctx.disclosure)) == ctx.disclosure
    return [Part(ctx.disclosure, role="disclosure", sep=sep, group=group if only_hashtags else None)]


def _audience(ctx: Context, rank: int = 5) -> list[Part]:
    if not ctx.post.audience:
        return []
    return [Part(ctx.phrase("audience", audience=ctx.post.audience), drop_rank=rank)]


def _main(text: str, min_keep: int, sep: str = "\n\n") -> Part:
    return Part(text, shrink=True, min_keep=min_keep, sep=sep)


def _with_paragraph(first: str, paragraph: str, rank: int = 8) -> list[Part]:
    parts = [_main(first, 40)]
    if paragraph and paragraph.casefold() != first.casefold():
        parts.append(Part(paragraph, drop_rank=rank))
    return parts


def compose_x(ctx: Context, variant: int) -> list[Part] | None:
    """One sharp line, the link and at most two hashtags on the line below."""
    post = ctx.post
    line = _pick(_variants(_headline(post, 200), *post.ideas), variant)
    if line is None:
        return None
    return [_main(line, 30), *_url(ctx, group="tail"), *_tags(ctx, group="tail"), *_disclosure(ctx, "tail")]


def compose_linkedin(ctx: Context, variant: int) -> list[Part] | None:
    """Hook, context, two or three points, a question, the link, hashtags at the end."""
    post = ctx.post
    headline = _headline(post)
    options = _variants(
        (headline, post.summary_text), (post.lead, post.body_text), (headline, post.key), (post.lead, "")
    )
    picked = _pick(options, variant)
    if picked is None:
        return None
    hook, context = picked
    parts = _with_paragraph(hook, context)
    used = f"{hook}\n{context}".casefold()
    points = [p for p in post.points if p.casefold() not in used]
    for i, point in enumerate(points):
        parts.append(Part("• " + point, sep="\n\n" if i == 0 else "\n", drop_rank=20 + len(points) - i))
    parts += _audience(ctx)
    parts.append(Part(ctx.phrase("question"), role="phrase"))
    return parts + _url(ctx) + _tags(ctx) + _disclosure(ctx)


def compose_bluesky(ctx: Context, variant: int) -> list[Part] | None:
    """Conversational: "Worth a read:" and the lead sentence, the link, at most one tag."""
    post = ctx.post
    line = _pick(_variants(*post.ideas, _headline(post)), variant)
    if line is None:
        return None
    opener = Part(ctx.phrase("worth_reading"), role="phrase")
    tail = [*_url(ctx, group="tail"), *_tags(ctx, group="tail"), *_disclosure(ctx, "tail")]
    return [opener, _main(line, 30, sep=space_after(opener.text)), *tail]


def compose_mastodon(ctx: Context, variant: int) -> list[Part] | None:
    """Plain: title, a short paragraph, "Read more: <link>", CamelCase hashtags."""
    post = ctx.post
    headline = _headline(post)
    options = _variants(
        (headline, post.summary_text),
        *((headline, _window(post, start, 2)) for start in (1, 3, 5)),
        (post.lead, post.key),
        (headline, ""),
    )
    picked = _pick(options, variant)
    if picked is None:
        return None
    parts = _with_paragraph(*picked)
    parts.append(Part(ctx.phrase("read_more"), role="phrase"))
    return parts + _url(ctx, sep=" ") + _tags(ctx) + _disclosure(ctx)


def compose_threads(ctx: Context, variant: int) -> list[Part] | None:
    """Short and conversational: one idea and "What's your take?", the link, ONE topic tag."""
    post = ctx.post
    line = _pick(_variants(post.key, *post.ideas, _headline(post)), variant)
    if line is None:
        return None
    take = Part(ctx.phrase("take"), role="phrase")
    tail = [*_url(ctx, group="tail"), *_tags(ctx, group="tail"), *_disclosure(ctx, "tail")]
    return [_main(line, 30), take, *tail]


def compose_facebook(ctx: Context, variant: int) -> list[Part] | None:
    """Friendly: an intro line, a few sentences, the audience, the link, two hashtags."""
    post = ctx.post
    with_title = f"{_headline(post)} – {post.summary_text}" if post.summary_text else ""
    windows = (_window(post, start, 3) for start in (2, 4, 0))
    options = _variants(post.body_text or post.summary_text, *windows, with_title, _headline(post))
    text = _pick(options, variant)
    if text is None:
        return None
    intro = Part(ctx.phrase("facebook_intro"), role="phrase")
    return [intro, _main(text, 60), *_audience(ctx), *_url(ctx), *_tags(ctx), *_disclosure(ctx)]


def compose_instagram(ctx: Context, variant: int) -> list[Part] | None:
    """A caption: title, two sentences, "Link in bio." instead of a URL, up to five hashtags."""
    post = ctx.post
    headline = _headline(post)
    bullets = "\n".join("• " + p for p in post.points)
    options = _variants(
        (headline, shorten(join_sentences(post.body[:2]), 600)),
        (headline, bullets),
        *((headline, _window(post, start, 2)) for start in (3, 5)),
        (post.lead, post.key),
        (post.key, _window(post, 2, 2)),
        (headline, ""),
    )
    picked = _pick(options, variant)
    if picked is None:
        return None
    parts = _with_paragraph(*picked)
    parts.append(Part(ctx.phrase("link_in_bio"), role="phrase"))
    return parts + _tags(ctx) + _disclosure(ctx)


def compose_reddit(ctx: Context, variant: int) -> list[Part] | None:
    """Optional self-text (no link: Reddit takes it beside the title): a neutral summary,
    then the disclosure in words. May be empty."""
    post = ctx.post
    candidates = (post.summary_text, post.body_text, *post.ideas)
    options = [*_variants(*(neutral(c) for c in candidates)), ""]
    text = _pick(options, variant)
    if text is None:
        return None
    return [_main(text, 40), *_disclosure(ctx, group=None)]


def compose_whatsapp(ctx: Context, variant: int) -> list[Part] | None:
    """A short personal message: intro, the title, the link."""
    post = ctx.post
    line = _pick(_variants(_headline(post), *post.ideas), variant)
    if line is None:
        return None
    intro = Part(ctx.phrase("whatsapp_intro"), role="phrase")
    return [intro, _main(line, 30, sep="\n"), *_url(ctx, sep="\n"), *_disclosure(ctx, group=None)]


def compose_email(ctx: Context, variant: int) -> list[Part] | None:
    """A short note: greeting, intro, title, a paragraph, the link, the disclosure."""
    post = ctx.post
    paragraphs = _variants(post.summary_text, *(_window(post, start, 2) for start in (2, 4)), post.body_text)
    options = [(True, p) for p in paragraphs or [""]] + [(False, p) for p in paragraphs]
    picked = _pick(options, variant)
    if picked is None:
        return None
    with_title, paragraph = picked
    parts = [Part(ctx.phrase("email_greeting"), role="phrase"), Part(ctx.phrase("email_intro"), role="phrase")]
    if with_title and post.title:
        parts.append(Part(_headline(post), sep="\n", drop_rank=9))
    if paragraph.casefold() != post.title.casefold():
        parts.append(_main(paragraph, 80))
    return parts + _url(ctx) + _disclosure(ctx, group=None)


Composer = Callable[[Context, int], "list[Part] | None"]

COMPOSERS: dict[str, Composer] = {
    "x": compose_x,
    "linkedin": compose_linkedin,
    "bluesky": compose_bluesky,
    "mastodon": compose_mastodon,
    "threads": compose_threads,
    "facebook": compose_facebook,
    "instagram": compose_instagram,
    "reddit": compose_reddit,
    "whatsapp": compose_whatsapp,
    "email": compose_email,
}


def composer_for(platform: str) -> Composer:
    """The composer of ``platform`` (Facebook's structure for unknown platforms)."""
    return COMPOSERS.get(platform, compose_facebook)


def email_subject(post: SourcePost) -> str:
    """The email subject: the title (or lead) cut to ``EMAIL_SUBJECT_MAX`` graphemes."""
    for candidate in (post.title, post.lead, post.host):
        subject = shorten(candidate, EMAIL_SUBJECT_MAX)
        if subject:
            return subject
    return post.host


def reddit_title_candidates(post: SourcePost) -> list[str]:
    """Neutral titles to try for Reddit, best first: the title, the lead, the host name."""
    return [t for t in (neutral(post.title).rstrip(".。"), neutral(post.lead), post.host) if t]
