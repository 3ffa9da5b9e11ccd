"""Reads for the share page (the texts each person starts from, similarity warnings) and a post's reach."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session

from hub import platforms
from hub.auth.models import User
from hub.db import utcnow
from hub.i18n import _
from hub.lib.text import excerpt
from hub.posts.models import Post
from hub.rewrite import (
    NEAR_DUPLICATE_THRESHOLD,
    Generator,
    Proposal,
    compared,
    disclosure_forms,
    propose,
    similar_pairs,
)
from hub.rewrite.similarity import tokens, without
from hub.sharing import proposals as proposal_cache
from hub.sharing import services
from hub.sharing.models import OwnWords, ShareEvent, ShareLink, ShareNetwork, ShareText


@dataclass(frozen=True)
class Card:
    platform: str
    name: str
    limit: int
    text: str
    subject: str | None
    source: str  # "yours", "author", "proposed", "words" (proposed around the person's own words)
    link: str
    count: int
    intent: str | None
    problems: tuple[str, ...] = ()  # why it could not be posted as it is (services.text_problems)

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "subject": self.subject, "source": self.source, "count": self.count,
                "limit": self.limit, "ok": self.count <= self.limit, "intent": self.intent,
                "problems": list(self.problems)}


def link_url(base_url: str, code: str) -> str:
    return f"{base_url}/s/{code}"


def mastodon_instance(user: User) -> str | None:
    """The server of the person's Mastodon handle (``@me@example.social``), if they gave one."""
    parts = (user.handle_for("mastodon") or "").strip().lstrip("@").split("@")
    host = parts[1].strip().lower() if len(parts) == 2 else ""
    return host or None


def intent_for(user: User, platform: str, text: str, url: str, subject: str | None) -> str | None:
    """The share-screen link for ``text``, or None (Instagram; or an unusable Mastodon server)."""
    options: dict[str, str] = {}
    if subject:
        options["subject"] = subject
    instance = mastodon_instance(user) if platform == "mastodon" else None
    if instance:
        options["instance"] = instance
    try:
        return platforms.intent_url(platform, text, url, **options)
    except ValueError:
        return platforms.intent_url(platform, text, url, **{k: v for k, v in options.items() if k != "instance"})


@dataclass(frozen=True)
class LinkPreview:
    """How the post's link card looks where it is shared: the page's og:title, og:description
    and cover image (og:image), as the public post page states them."""

    title: str
    description: str
    image: str | None  # the cover's file name
    image_alt: str
    host: str


def link_preview(post: Post, base_url: str) -> LinkPreview:
    revision = post.live_revision
    assert revision is not None
    description = revision.summary.strip() or excerpt(Markup(revision.body_html).striptags(), 200)
    cover = revision.cover_image
    host = base_url.split("://", 1)[-1].split("/", 1)[0]
    return LinkPreview(revision.title, description, cover.filename if cover else None,
                       (cover.alt or "") if cover else "", host)


LEARN_DAYS = 90  # shares older than this say little about where someone shares now


@dataclass(frozen=True)
class Networks:
    """Where ``user`` shares: ``first`` (shown first and in full) and ``chosen`` (whether they
    chose them on their profile, or hub learned them from what they shared recently)."""

    first: tuple[str, ...]
    chosen: bool

    def split(self, items: Sequence[Any], key: str = "platform") -> tuple[list[Any], list[Any]]:
        """``items`` (cards) as (first, in ``first``'s order; the rest, in platform order)."""
        rank = {p: i for i, p in enumerate(self.first)}
        mine = sorted((i for i in items if getattr(i, key) in rank), key=lambda i: rank[getattr(i, key)])
        return mine, [i for i in items if getattr(i, key) not in rank]

    def relevant(self, warnings: Sequence[Warning]) -> list[Warning]:
        """Warnings that matter to someone who shares on ``first``: two of their own networks'
        texts alike (not a network they do not use), or a colleague's text alike on any card."""
        if not self.first:
            return list(warnings)
        return [w for w in warnings if w.kind != "platform" or (w.platform in self.first and w.other in self.first)]


def chosen_networks(session: Session, user: User) -> list[str]:
    """The networks ``user`` chose on their profile, in their order (empty: none chosen)."""
    return [p for p in session.scalars(sa.select(ShareNetwork.platform).where(ShareNetwork.user_id == user.id)
                                       .order_by(ShareNetwork.position, ShareNetwork.id)) if p in platforms.PLATFORMS]


def networks(session: Session, user: User, *, now: datetime | None = None) -> Networks:
    """The networks ``user``'s share page starts with: the ones they chose; else the ones they
    shared to (copied, opened, shared) in the last LEARN_DAYS days, most shares first, the most
    recent first on a tie. Nothing chosen and nothing shared: no card comes first."""
    chosen = chosen_networks(session, user)
    if chosen:
        return Networks(tuple(chosen), True)
    since = (now or utcnow()) - timedelta(days=LEARN_DAYS)
    rows = session.execute(
        sa.select(ShareEvent.platform, sa.func.count(), sa.func.max(ShareEvent.id))
        .where(ShareEvent.user_id == user.id, ShareEvent.at >= since)
        .group_by(ShareEvent.platform)
    ).all()
    learned = [p for p, _n, _last in sorted(rows, key=lambda r: (-r[1], -r[2])) if p in platforms.PLATFORMS]
    return Networks(tuple(learned), False)


def own_words(session: Session, post: Post, user: User) -> str:
    """``user``'s own line about ``post``, as they last typed it on the share page ("" if none)."""
    words = session.scalar(sa.select(OwnWords.words).where(OwnWords.post_id == post.id, OwnWords.user_id == user.id))
    return words or ""


def post_proposals(
    session: Session, post: Post, *, url: str, disclosure: str | None, own_words: str = "",
    generator: Generator | None = None,
) -> dict[str, Proposal]:
    """hub's proposal for every platform of ``post``'s live revision, built around its key
    point and ``own_words``, with the topic's hashtags and audience; ``generator`` (the
    language-model writer) writes them where it can."""
    revision = post.live_revision
    assert revision is not None
    theme = services.theme_of(session, post)  # the topic it was written for, as hub.topics answers
    return propose(revision.title, revision.body, url=url, summary=revision.summary,
                   tags=tuple(revision.tag_names), disclosure=disclosure or None,
                   topic=theme.title if theme else None, hashtags=theme.hashtags if theme else (),
                   audience=(theme.audience or None) if theme else None,
                   key_point=revision.key_point or None, own_words=own_words or None, generator=generator)


def cards(
    session: Session, post: Post, user: User, links: dict[str, ShareLink], base_url: str, disclosure: str | None,
    *, words: str = "",
) -> list[Card]:
    """One card per platform with the text ``user`` starts from: their own saved wording, else
    (with ``words``, their own line) hub's proposal built around those words, else the author's
    wording, else hub's proposal; each with ``user``'s own link. Every proposal is built around
    the live revision's key point."""
    revision = post.live_revision
    assert revision is not None
    own = _texts(session, post.id, user.id)
    author = _texts(session, post.id, post.author_id) if post.author_id != user.id and not words else {}
    author_links = (
        {
            link.platform: link
            for link in session.scalars(
                sa.select(ShareLink).where(ShareLink.post_id == post.id, ShareLink.user_id == post.author_id)
            )
        }
        if author
        else {}
    )
    placeholder = link_url(base_url, "x" * len(next(iter(links.values())).code))
    proposals: dict[str, Proposal] = {}
    if any(pid not in own and pid not in author for pid in platforms.PLATFORMS):  # someone still needs hub's draft
        proposals = proposal_cache.cached_proposals(session, post, user_id=user.id, url=placeholder,
                                                    disclosure=disclosure, own_words=words)
    result = []
    for pid, spec in platforms.PLATFORMS.items():
        url = link_url(base_url, links[pid].code)
        if pid in own:
            text, subject, source = own[pid].text, own[pid].subject, "yours"
        elif pid in author:
            theirs = author_links.get(pid)
            text = author[pid].text.replace(link_url(base_url, theirs.code), url) if theirs else author[pid].text
            subject, source = author[pid].subject, "author"
        else:
            proposal = proposals[pid]
            text, subject = proposal.text.replace(placeholder, url), proposal.subject
            source = "words" if words else "proposed"
        result.append(
            Card(
                pid,
                spec.name,
                services.limit_for(user, pid),
                text,
                subject,
                source,
                url,
                platforms.measure(pid, text),
                intent_for(user, pid, text, url, subject),
                tuple(services.text_problems(user, pid, text, link=url)) if source == "yours" else (),
            )
        )
    return result


def _texts(session: Session, post_id: int, user_id: int) -> dict[str, ShareText]:
    return {
        t.platform: t
        for t in session.scalars(sa.select(ShareText).where(ShareText.post_id == post_id, ShareText.user_id == user_id))
    }


@dataclass(frozen=True)
class Warning:
    platform: str
    other: str  # a platform id, or a colleague's name
    score: float
    kind: str  # "platform" or "colleague"
    more: int = 0  # colleagues: how many others' texts are also almost the same

    @property
    def message(self) -> str:
        """What the share page says, on the card of ``platform``."""
        name = platforms.PLATFORMS[self.platform].name
        pct = f"{round(self.score * 100)}%"
        if self.kind == "platform":
            other = platforms.PLATFORMS[self.other].name
            return _("Your %(name)s and %(other)s texts read almost the same (%(score)s): "
                     "people who follow you on both will notice.", name=name, other=other, score=pct)
        if not self.more:
            return _("This reads almost the same as %(colleague)s's %(name)s text (%(score)s). When many colleagues "
                     "post the same words it looks scripted, and people scroll past: add a line in your own words "
                     "(at the top), or change this text.", colleague=self.other, name=name, score=pct)
        return _("This reads almost the same as %(colleague)s's and %(more)s other colleagues' %(name)s text "
                 "(%(score)s). When many colleagues post the same words it looks scripted, and people scroll past: "
                 "add a line in your own words (at the top), or change this text.",
                 colleague=self.other, more=self.more, name=name, score=pct)

    def as_json(self) -> dict[str, object]:
        return {"platform": self.platform, "other": self.other, "score": self.score, "kind": self.kind,
                "more": self.more, "message": self.message}


def similarity_warnings(
    session: Session, post: Post, user: User, texts: dict[str, str], *, words: str = "", disclosure: str | None = None,
) -> list[Warning]:
    """Near-identical texts: between two of ``user``'s platforms (their own ``words``, the
    post's key point and the ``disclosure``, the same everywhere by design, aside), and between
    ``user``'s text and a colleague's saved share of the same post on the same platform.

    Kept in this process, keyed by everything they depend on: ``texts``, ``words``, the key
    point, the disclosure, and a fingerprint of colleagues' saved texts of this post (how many,
    the sum of their ids, the latest change), so a colleague saving, changing or resetting a text
    is a new key; a reload with nothing changed costs one small aggregate query."""
    key_point = post.live_revision.key_point if post.live_revision else None
    return _warnings(session, ShareText.post_id, post.id, user, texts, (words, key_point or "", disclosure))


def item_similarity_warnings(
    session: Session, item_id: int, user: User, texts: dict[str, str], *, words: str = "", title: str = "",
    disclosure: str | None = None,
) -> list[Warning]:
    """``similarity_warnings`` for a library item: between ``user``'s platforms (their words, the
    article's ``title`` and the disclosure, the same everywhere by design, aside), and with
    colleagues' saved texts about the same outside article. Two texts that hold nothing but those
    parts (hub's proposals before the person edits them) are not flagged: there is nothing else
    to say about someone else's article, and nothing for the person to change but their words."""
    found = _warnings(session, ShareText.item_id, item_id, user, texts, (words, title, disclosure))
    ignore = tuple(t for t in (words, " ".join(words.split()), title, *disclosure_forms(disclosure)) if t)

    def bare(platform: str) -> bool:
        return not tokens(without(texts.get(platform, ""), ignore))

    return [w for w in found if w.kind != "platform" or not (bare(w.platform) and bare(w.other))]


def _warnings(session: Session, column: Any, key: int, user: User, texts: dict[str, str],
              same: tuple[str, str, str | None]) -> list[Warning]:
    """The warnings, kept in this process keyed by everything they depend on: ``texts``, the
    parts the same everywhere (``same``), and a fingerprint of colleagues' saved texts of this
    post or item (how many, the sum of their ids, the latest change), so a colleague saving,
    changing or resetting a text is a new key; a reload with nothing changed costs one small
    aggregate query."""
    colleagues = session.execute(
        sa.select(sa.func.count(), sa.func.sum(ShareText.id), sa.func.max(ShareText.updated_at))
        .where(column == key, ShareText.user_id != user.id)
    ).one()
    digest = proposal_cache.digest(["warnings", str(column), key, user.id, sorted(texts.items()), list(same),
                                    [colleagues[0], colleagues[1], str(colleagues[2])]])
    memory = proposal_cache.memories().warnings
    found = memory.get(digest)
    if found is None:
        found = _compute_warnings(session, column, key, user, texts, same, colleagues=colleagues[0])
        memory.put(digest, found)
    return list(found)


def _compute_warnings(session: Session, column: Any, key: int, user: User, texts: dict[str, str],
                      same: tuple[str, str, str | None], *, colleagues: int) -> tuple[Warning, ...]:
    words, key_point, disclosure = same
    same_everywhere = (words, " ".join(words.split()), key_point, *disclosure_forms(disclosure))
    ignore = tuple(text for text in same_everywhere if text)
    warnings = [Warning(a, b, score, "platform")
                for a, b, score in similar_pairs({k: v for k, v in texts.items() if v}, NEAR_DUPLICATE_THRESHOLD,
                                                 ignore=ignore)]
    if not colleagues:
        return tuple(warnings)
    others = session.execute(
        sa.select(ShareText.platform, ShareText.text, User.display_name).join(User, User.id == ShareText.user_id)
        .where(column == key, ShareText.user_id != user.id, ShareText.platform.in_(list(texts)))
        .order_by(ShareText.updated_at.desc())
    ).all()
    closest: dict[str, tuple[float, str, int]] = {}  # platform -> (best score, whose, how many alike)
    mine = {platform: compared(text) for platform, text in texts.items() if text}  # tokenized once, not per colleague
    for platform, text, name in others:
        if platform in mine and (score := mine[platform].similarity(compared(text))) >= NEAR_DUPLICATE_THRESHOLD:
            best, whose, alike = closest.get(platform, (0.0, "", 0))
            closest[platform] = (score, name, alike + 1) if score > best else (best, whose, alike + 1)
    for platform, (score, name, alike) in closest.items():
        warnings.append(Warning(platform, name, score, "colleague", alike - 1))
    return tuple(warnings)


@dataclass(frozen=True)
class Studio:
    """The share studio's cards laid out for ``user`` (templates/sharing/_studio.html): their
    networks' cards first (``cards``), the rest folded away (``other_cards``), and the warnings
    that matter to them. The post share page and a library item's page both use it."""

    cards: list[Card]
    other_cards: list[Card]
    networks: Networks
    warnings: list[Warning]
    linkless: frozenset[str] = services.LINKLESS_PLATFORMS

    def context(self) -> dict[str, Any]:
        return {"cards": self.cards, "other_cards": self.other_cards, "networks": self.networks,
                "warnings": self.warnings, "linkless": self.linkless}


def studio(session: Session, user: User, cards: Sequence[Card], warnings: Sequence[Warning]) -> Studio:
    """``cards`` and ``warnings`` of ``user``'s share studio, laid out by the networks they share to."""
    found = networks(session, user)
    first, others = found.split(cards) if found.first else (list(cards), [])
    return Studio(first, others, found, found.relevant(warnings))
