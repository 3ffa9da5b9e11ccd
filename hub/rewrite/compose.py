"""Per-platform form of a share text: the same message, shaped for each platform.

Content is chosen once, by meaning (``SourcePost.core``: the author's key point or the
best run of whole sentences; ``SourcePost.supporting(n)``: the next best, in the post's
order). Platforms differ by *form*: how much of it, line breaks, where the link goes,
hashtags, and register (WhatsApp and e-mail are personal messages). The person's own
words, when given, open every text verbatim. No template framings ("Worth a read:"), and a
question only where the post itself asks one and invites discussion.

=========  ==============================================================================
Platform   Form
=========  ==============================================================================
x          own words, the key point (+ one more unit if it fits), the link, 2 hashtags
linkedin   own words; the title as a hook for hiring/how-to/launch/event posts; the key
           point; two more units; the post's list (whole); the deadline of a job ad; the
           post's own question; the link; up to 5 hashtags at the end
bluesky    own words, the key point and the link in one paragraph, at most 1 hashtag
mastodon   own words; the key point and one more unit; another unit; the link; up to 4
           CamelCase hashtags
threads    own words, the key point and one more unit, the post's own question, the link,
           ONE topic tag
facebook   own words, the key point and one more unit in one paragraph, the link, 2 tags
instagram  own words; the key point; one more unit or the list; "Link in bio." (no URL);
           up to 5 hashtags
reddit     subject: the title toned down (no hashtags, "!" or emoji); text: own words, the
           key point and two more units, toned down, no link (it goes beside the title)
whatsapp   a message to people you know: own words, the key point, a line for a job ad
           ("If you or someone you know might fit..."), the link on its own line; no
           hashtags
email      subject: the title (<= 78 graphemes); "Hi,", own words, the key point and two
           more units, the list, the deadline, the link, the disclosure
=========  ==============================================================================

Each composer has a few *form variants* (variant 0 preferred; later ones carry less or put
the link elsewhere) so that no two platforms' texts are ever identical.

Hashtag-style disclosures count towards a platform's hashtag maximum; where hashtags do
nothing (Reddit, WhatsApp, email) they are spelled out as words ("#IWorkAtAcme" -> "I Work
At Acme").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ugrapheme import grapheme_len

from hub.platforms import PLATFORMS, measure
from hub.rewrite.analysis import PostKind
from hub.rewrite.fit import Part
from hub.rewrite.hashtags import dehashtag, find_hashtags
from hub.rewrite.language import phrase
from hub.rewrite.source import SourcePost
from hub.rewrite.text import is_emoji, neutral, one_line, shorten

EMAIL_SUBJECT_MAX = 78


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


MAX_VARIANTS = 4
# Platforms with room to tell the key point whole (``SourcePost.story``); X, Bluesky and WhatsApp
# keep it short.
STORY_PLATFORMS = frozenset({"linkedin", "mastodon", "threads", "facebook", "instagram", "reddit", "email"})
# A message to people you know tells only the chain that carries the point (``SourcePost.chain``).
CHAIN_PLATFORMS = frozenset({"whatsapp"})
# Short posts tell the chain too when it fits whole beside the link: why tickets dropped says
# more than two hashtags, which give way (the good X and Bluesky texts carry none).
TIGHT_CHAIN_PLATFORMS = frozenset({"x", "bluesky"})
HEADLINE_MAX = 150
HOOK_KINDS = (PostKind.HIRING, PostKind.HOWTO, PostKind.LAUNCH, PostKind.EVENT)


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


def _ends_sentence(text: str) -> bool:
    return bool(text) and (text.rstrip("\"'”’»)]")[-1:] in ".!?…。！？؟" or is_emoji(text[-1]))


def _own(ctx: Context, inline: bool) -> list[Part]:
    """The person's own words, verbatim and never cut. ``inline``: the key point follows on
    the same line when the words end a sentence (else on the next line)."""
    words = ctx.post.own_words
    if not words:
        return []
    return [Part(words, role="own", group="lead" if inline and _ends_sentence(words) else None)]


def _lead_sep(ctx: Context, inline: bool) -> str:
    """What goes between the own words and the key point."""
    if not ctx.post.own_words:
        return "\n\n"
    if inline and _ends_sentence(ctx.post.own_words):
        return " "
    return "\n" if inline else "\n\n"


def _core(ctx: Context, sep: str, neutral_text: bool = False, story: str | None = None) -> Part:
    """The key point: cut only when nothing droppable is left (and then at a sentence end
    where possible). ``story``: the key point told whole (``_told``), its paragraphs joined by
    ``story``, where the platform has room for it."""
    text = ctx.post.core or ctx.post.headline
    if story is not None and (told := _told(ctx)):
        text = story.join(told)
    text = neutral(text) if neutral_text else text
    return Part(text, shrink=True, min_keep=grapheme_len(text), sep=sep)


STORY_ROOM = 120  # what a told story leaves free for own words' neighbours: the link, tags, a question
CHAIN_ROOM = 60  # a message's chain: the link and a line break or two
TIGHT_ROOM = 2  # a short post's chain: the line break before the link


def _told(ctx: Context) -> tuple[str, ...]:
    """What this platform's text tells of the key point beyond the core, as paragraphs (more
    units must not repeat it), or nothing: on platforms with room the whole ``story`` with the
    own words and the link and room to spare; in a WhatsApp message only the ``chain`` that
    carries the point (why tickets dropped), never what follows it; on X and Bluesky the chain
    when it fits whole with the own words, the link and a disclosure (hashtags give way)."""
    if ctx.platform in STORY_PLATFORMS:
        told, spare = ctx.post.story, STORY_ROOM
    elif ctx.platform in CHAIN_PLATFORMS:
        told, spare = ctx.post.chain, CHAIN_ROOM
    elif ctx.platform in TIGHT_CHAIN_PLATFORMS:
        told, spare = ctx.post.chain, TIGHT_ROOM
    else:
        return ()
    if not told:
        return ()
    room = min(PLATFORMS[ctx.platform].limit if ctx.platform in PLATFORMS else 10**6,
               ctx.style.soft_limit or 10**6)
    needed = " ".join(x for x in (ctx.post.own_words, *told, ctx.post.url, ctx.disclosure) if x)
    return told if measure(ctx.platform, needed) + spare <= room else ()


def _gap(ctx: Context, neutral_text: bool = False) -> list[Part]:
    """What the title of a job ad says that the key point does not (the place)."""
    gap = ctx.post.title_gap
    if not gap:
        return []
    return [Part(neutral(gap) if neutral_text else gap, sep=" ", drop_rank=38)]


def _more(
    ctx: Context, count: int, sep: str = " ", rank: int = 10, neutral_text: bool = False,
    first_sep: str | None = None, after_core: bool = False,
) -> list[Part]:
    """``count`` supporting units, each droppable (the later ones first); the first one is
    separated by ``first_sep`` (default ``sep``), the others by ``sep``. ``after_core``: only
    what comes after the key point in the post (short texts)."""
    units = ctx.post.supporting(count, after_core=after_core, beside_story=bool(_told(ctx)))
    return [
        Part(
            neutral(unit) if neutral_text else unit,
            sep=(first_sep if first_sep is not None and i == 0 else sep),
            drop_rank=rank + len(units) - i,
        )
        for i, unit in enumerate(units)
    ]


def _hook(ctx: Context) -> list[Part]:
    """The title as a first line, for posts whose title carries the news (a job, a launch)."""
    post = ctx.post
    title = post.title
    if (
        post.kind not in HOOK_KINDS
        or not title
        or title.endswith(("?", "？"))
        or title.casefold() in post.core.casefold()
    ):
        return []
    if grapheme_len(title) > HEADLINE_MAX:
        return []
    return [Part(title, drop_rank=25)]


def _list(ctx: Context, rank: int = 20) -> list[Part]:
    """The post's list, whole (with the sentence introducing it), or nothing."""
    analysis = ctx.post.analysis
    if not analysis.list_items:
        return []
    lines = ([analysis.list_intro] if analysis.list_intro else []) + ["• " + item for item in analysis.list_items]
    return [Part("\n".join(lines), drop_rank=rank)]


def _deadline(ctx: Context, rank: int = 40, sep: str = "\n\n") -> list[Part]:
    deadline = ctx.post.analysis.deadline
    if not deadline or deadline.casefold() in ctx.post.core.casefold():
        return []
    return [Part(deadline, drop_rank=rank, sep=sep)]


def _question(ctx: Context, rank: int = 15) -> list[Part]:
    question = ctx.post.analysis.question
    if not question or question.casefold() in ctx.post.core.casefold():
        return []
    return [Part(question, drop_rank=rank)]


def _hiring_nudge(ctx: Context) -> list[Part]:
    if ctx.post.kind is not PostKind.HIRING:
        return []
    return [Part(ctx.phrase("hiring_nudge"), role="phrase", sep=" ", drop_rank=35)]


def _pick(variant: int, count: int = MAX_VARIANTS) -> int | None:
    return variant if variant < count else None


def compose_x(ctx: Context, variant: int) -> list[Part] | None:
    """Own words and the key point (and one more unit if it fits), the link, two hashtags."""
    if _pick(variant) is None:
        return None
    more = _more(ctx, 1 if variant in (0, 2) else 0, after_core=True)
    url_sep = "\n\n" if variant < 2 else "\n"
    return [
        *_own(ctx, inline=True), _core(ctx, _lead_sep(ctx, True), story=" "), *_gap(ctx), *more,
        *_deadline(ctx, sep=" "),
        *_url(ctx, sep=url_sep, group="tail"), *_tags(ctx, group="tail"), *_disclosure(ctx, "tail"),
    ]


def compose_linkedin(ctx: Context, variant: int) -> list[Part] | None:
    """Hook, key point, context, the list, the deadline, a real question, link, hashtags."""
    if _pick(variant) is None:
        return None
    parts = [*_own(ctx, inline=False), *_hook(ctx)]
    parts += [_core(ctx, "\n\n", story="\n\n"), *_gap(ctx)]
    count = 2 if variant in (0, 1) else 1
    parts += _more(ctx, count, sep="\n\n" if variant % 2 else " ", first_sep="\n\n", rank=12)
    parts += _list(ctx) + _deadline(ctx) + _question(ctx)
    return parts + _url(ctx) + _tags(ctx) + _disclosure(ctx)


def compose_bluesky(ctx: Context, variant: int) -> list[Part] | None:
    """Own words and the key point as one short paragraph, the link, at most one tag."""
    if _pick(variant) is None:
        return None
    more = _more(ctx, 1, after_core=True) if variant >= 2 else []
    url = _url(ctx, sep=" " if variant % 2 == 0 else "\n\n", group="tail")
    return [*_own(ctx, inline=True), _core(ctx, _lead_sep(ctx, True), story=" "), *_gap(ctx), *more,
            *_deadline(ctx, sep=" "), *url, *_tags(ctx, group="tail"), *_disclosure(ctx, "tail")]


def compose_mastodon(ctx: Context, variant: int) -> list[Part] | None:
    """Plain paragraphs: own words, key point and context, the link, CamelCase hashtags."""
    if _pick(variant) is None:
        return None
    parts = [*_own(ctx, inline=False), _core(ctx, "\n\n", story="\n\n"), *_gap(ctx)]
    units = ctx.post.supporting(2 if variant < 2 else 1, beside_story=bool(_told(ctx)))
    for i, unit in enumerate(units):
        parts.append(Part(unit, sep=" " if i == 0 and variant % 2 == 0 else "\n\n", drop_rank=10 + len(units) - i))
    return parts + _deadline(ctx) + _url(ctx) + _tags(ctx) + _disclosure(ctx)


def compose_threads(ctx: Context, variant: int) -> list[Part] | None:
    """Conversational: own words, the key point and one more unit, the post's own question
    if it invites discussion, the link, ONE topic tag."""
    if _pick(variant) is None:
        return None
    more = _more(ctx, 1 if variant in (0, 2) else 0, after_core=True)
    return [*_own(ctx, inline=True), _core(ctx, _lead_sep(ctx, True), story=" "), *_gap(ctx), *more,
            *_deadline(ctx, sep=" "), *_question(ctx), *_url(ctx, sep="\n\n" if variant < 2 else "\n"),
            *_tags(ctx, sep="\n"), *_disclosure(ctx, sep="\n")]


def compose_facebook(ctx: Context, variant: int) -> list[Part] | None:
    """Friendly: own words, the key point and more in a paragraph, the link, two tags."""
    if _pick(variant) is None:
        return None
    parts = [*_own(ctx, inline=False), *(_hook(ctx) if variant == 0 else []), _core(ctx, "\n\n", story=" "),
             *_gap(ctx)]
    parts += _more(ctx, 2 if variant < 2 else 1)
    return parts + _deadline(ctx, sep=" ") + _url(ctx) + _tags(ctx) + _disclosure(ctx)


def compose_instagram(ctx: Context, variant: int) -> list[Part] | None:
    """A caption: own words, the key point, more or the list, "Link in bio.", hashtags."""
    if _pick(variant) is None:
        return None
    parts = [*_own(ctx, inline=False), _core(ctx, "\n\n", story="\n\n"), *_gap(ctx)]
    listed = _list(ctx)
    if listed and variant in (0, 2):
        parts += listed
    else:
        parts += _more(ctx, 2 if variant < 2 else 1, sep="\n\n")
    parts += _deadline(ctx)
    parts.append(Part(ctx.phrase("link_in_bio"), role="phrase"))
    return parts + _tags(ctx) + _disclosure(ctx)


def compose_reddit(ctx: Context, variant: int) -> list[Part] | None:
    """Optional self-text (no link: Reddit takes it beside the title): own words, then the
    key point and context, toned down, then the disclosure in words."""
    if _pick(variant) is None:
        return None
    parts = [*_own(ctx, inline=False), _core(ctx, "\n\n", neutral_text=True, story="\n\n"),
             *_gap(ctx, neutral_text=True)]
    parts += _more(ctx, 2 if variant < 2 else 1, neutral_text=True, sep=" " if variant % 2 == 0 else "\n\n")
    return parts + _deadline(ctx) + _disclosure(ctx, group=None)


def compose_whatsapp(ctx: Context, variant: int) -> list[Part] | None:
    """A short message to people you know: own words, the key point (with the sentences that
    carry it from its setting to its result, when they are few), the link."""
    if _pick(variant) is None:
        return None
    more = _more(ctx, 1, after_core=True) if variant >= 2 else []  # a chat message stays short
    url_sep = "\n" if variant % 2 == 0 else " "
    return [*_own(ctx, inline=True), _core(ctx, _lead_sep(ctx, True), story=" "), *_gap(ctx), *more,
            *_deadline(ctx, sep=" "), *_hiring_nudge(ctx),
            *_url(ctx, sep=url_sep), *_disclosure(ctx, group=None, sep="\n")]


def compose_email(ctx: Context, variant: int) -> list[Part] | None:
    """A short note: "Hi,", own words, the key point and context, the list, the link."""
    if _pick(variant) is None:
        return None
    parts = [Part(ctx.phrase("email_greeting"), role="phrase"), *_own(ctx, inline=False)]
    parts += [_core(ctx, "\n\n", story="\n\n"), *_gap(ctx)]
    parts += _more(ctx, 2 if variant < 2 else 1, sep=" " if variant % 2 == 0 else "\n\n")
    parts += _list(ctx) + _deadline(ctx) + _hiring_nudge(ctx)
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
    return [t for t in (neutral(post.title).rstrip(".。"), neutral(post.core), post.host) if t]
