"""Reads for the share page: the texts each person starts from, and similarity warnings."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub import platforms
from hub.auth.models import User
from hub.posts.models import Post
from hub.rewrite import NEAR_DUPLICATE_THRESHOLD, propose, similarity
from hub.sharing import services
from hub.sharing.models import ShareLink, ShareText
from hub.topics.queries import topic_share_context


@dataclass(frozen=True)
class Card:
    platform: str
    name: str
    limit: int
    text: str
    subject: str | None
    source: str  # "yours", "author", "proposed"
    link: str
    count: int
    intent: str | None


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
    if platform == "mastodon" and mastodon_instance(user):
        options["instance"] = mastodon_instance(user)  # type: ignore[assignment]
    try:
        return platforms.intent_url(platform, text, url, **options)
    except ValueError:
        return platforms.intent_url(platform, text, url, **{k: v for k, v in options.items() if k != "instance"})


def cards(session: Session, post: Post, user: User, links: dict[str, ShareLink], base_url: str, disclosure: str | None) -> list[Card]:
    """One card per platform with the text ``user`` starts from: their own saved wording, else
    the author's, else hub's proposal written for that platform, each with ``user``'s own link."""
    revision = post.live_revision
    assert revision is not None
    own = _texts(session, post.id, user.id)
    author = _texts(session, post.id, post.author_id) if post.author_id != user.id else {}
    author_links = {link.platform: link for link in session.scalars(
        sa.select(ShareLink).where(ShareLink.post_id == post.id, ShareLink.user_id == post.author_id))} if author else {}
    placeholder = link_url(base_url, "x" * len(next(iter(links.values())).code))
    proposals = {}
    if any(pid not in own and pid not in author for pid in platforms.PLATFORMS):  # someone still needs hub's draft
        hashtags, audience = topic_share_context(session, post)
        proposals = propose(revision.title, revision.body, url=placeholder, summary=revision.summary,
                            tags=tuple(revision.tag_names), disclosure=disclosure or None,
                            topic=post.topic.title if post.topic else None, hashtags=hashtags, audience=audience)
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
            text, subject, source = proposal.text.replace(placeholder, url), proposal.subject, "proposed"
        result.append(Card(pid, spec.name, services.limit_for(user, pid), text, subject, source, url, platforms.measure(pid, text),
                           intent_for(user, pid, text, url, subject)))
    return result


def _texts(session: Session, post_id: int, user_id: int) -> dict[str, ShareText]:
    return {t.platform: t for t in session.scalars(sa.select(ShareText).where(ShareText.post_id == post_id, ShareText.user_id == user_id))}


@dataclass(frozen=True)
class Warning:
    platform: str
    other: str  # a platform id, or a colleague's name
    score: float
    kind: str  # "platform" or "colleague"


def similarity_warnings(session: Session, post: Post, user: User, texts: dict[str, str]) -> list[Warning]:
    """Near-identical texts: between two of ``user``'s platforms, and between ``user``'s text
    and a colleague's saved share of the same post on the same platform."""
    warnings: list[Warning] = []
    ids = list(texts)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            score = similarity(texts[a], texts[b])
            if score >= NEAR_DUPLICATE_THRESHOLD:
                warnings.append(Warning(a, b, score, "platform"))
    others = session.execute(
        sa.select(ShareText, User.display_name).join(User, User.id == ShareText.user_id)
        .where(ShareText.post_id == post.id, ShareText.user_id != user.id)
    ).all()
    for row, name in others:
        mine = texts.get(row.platform)
        if mine:
            score = similarity(mine, row.text)
            if score >= NEAR_DUPLICATE_THRESHOLD:
                warnings.append(Warning(row.platform, name, score, "colleague"))
    return warnings
