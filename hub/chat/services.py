"""Domain verbs for chat channels: add, test and remove a webhook (comms and admins), the reactions to
hub.topics' signals (a new topic on the board, a post published for a topic), and the weekly digest.
Every message is queued in the outbox in the caller's transaction and leaves after the commit."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy.orm import Session, joinedload

from hub.auth.models import User
from hub.chat import messages
from hub.chat.messages import Item, Note
from hub.chat.models import TARGET_PREFIX, ChatEvent, ChatKind, ChatWebhook
from hub.db import utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _, _n
from hub.inputs import unstorable
from hub.lib.markdown import markdown_to_text
from hub.lib.sealed import Unsealable, is_sealed, reseal, seal, unseal
from hub.lib.text import fold
from hub.lib.webhook import masked
from hub.outbox.services import Undeliverable, cancel_webhooks, queue_webhook
from hub.posts.models import Post, PostStatus
from hub.topics.models import Topic

NAME_MAX = 80
URL_MAX = 2000
AREAS_MAX = 600
DIGEST_DAYS = 7
DIGEST_EVERY = timedelta(days=6)  # a channel never gets two digests closer than this (unless forced)
LOOPBACK = frozenset({"localhost"})


@dataclass(frozen=True)
class Site:
    """Where links point and what the site is called."""

    base_url: str
    name: str


@dataclass(frozen=True)
class WebhookInput:
    kind: str
    name: str
    url: str
    events: tuple[str, ...]
    areas: str = ""


def can_manage(actor: User) -> bool:
    """Comms and admins set up chat channels."""
    return actor.is_active and actor.is_comms


def _require_manager(actor: User) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("Only comms and admins manage chat channels."))


def _host_allowed(host: str, allowed: Sequence[str]) -> bool:
    for entry in allowed:
        if entry.startswith(".") and (host.endswith(entry) or host == entry[1:]):
            return True
        if host == entry:
            return True
    return False


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(raw: str, allowed_hosts: str | Sequence[str]) -> str:
    """The webhook address, checked: https (http only on this machine), no user name or password,
    on a host of ``allowed_hosts`` (CHAT_WEBHOOK_HOSTS), so the setting cannot aim hub's requests
    at an internal service."""
    url = (raw or "").strip()
    if not url:
        raise ValidationError("url", _("Paste the channel's incoming webhook address."))
    if len(url) > URL_MAX or unstorable(url) or any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise ValidationError(
            "url", _("That is not a webhook address: paste it exactly as Slack or Teams shows it.")) from None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _port = parts.port  # a port that is not a number raises here
    except ValueError:
        raise ValidationError(
            "url", _("That is not a webhook address: paste it exactly as Slack or Teams shows it.")) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ValidationError("url", _("A webhook address starts with https://."))
    if parts.username or parts.password:
        raise ValidationError("url", _("A webhook address carries no user name or password."))
    if parts.scheme == "http" and not _is_loopback(host):
        raise ValidationError("url", _("A webhook address must start with https:// (it carries a secret)."))
    allowed = [h.strip().lower() for h in (allowed_hosts.split(",") if isinstance(allowed_hosts, str)
                                           else allowed_hosts) if h.strip()]
    if not _host_allowed(host, allowed):
        raise ValidationError("url", _("hub only posts to %(hosts)s (the CHAT_WEBHOOK_HOSTS setting); "
                                       "this address is on another host.", hosts=", ".join(allowed) or _("no host")))
    return url


def _clean(data: WebhookInput, allowed_hosts: str | Sequence[str]) -> dict[str, Any]:
    if data.kind not in {k.value for k in ChatKind}:
        raise ValidationError("kind", _("Choose Slack or Microsoft Teams."))
    name = " ".join((data.name or "").split())
    if not name:
        raise ValidationError("name", _("Name the channel, e.g. #marketing."))
    if len(name) > NAME_MAX or unstorable(name):
        raise ValidationError("name", _("Keep the channel's name under %(num)s characters.", num=NAME_MAX))
    events = [e for e in ChatEvent if e.value in set(data.events)]
    if not events or len(events) != len(set(data.events)):
        raise ValidationError("events", _("Choose at least one thing to tell the channel."))
    areas = []
    for part in (data.areas or "").split(","):
        key = fold(part)
        if key and key != "*" and key not in areas:
            areas.append(key)
    areas_text = ",".join(areas)
    if len(areas_text) > AREAS_MAX or unstorable(areas_text):
        raise ValidationError("areas", _("Name fewer areas."))
    return {"kind": ChatKind(data.kind), "name": name, **_address(data.url, allowed_hosts),
            "events_text": ",".join(e.value for e in events), "areas_text": areas_text}


def _address(raw: str, allowed_hosts: str | Sequence[str]) -> dict[str, str]:
    """The checked address, sealed, and its hint for pages."""
    url = check_url(raw, allowed_hosts)
    return {"sealed_url": seal(url), "url_hint": masked(url)[:160]}


def add_webhook(session: Session, actor: User, data: WebhookInput, *, allowed_hosts: str | Sequence[str]
                ) -> ChatWebhook:
    """Save a channel's webhook (comms and admins)."""
    _require_manager(actor)
    webhook = ChatWebhook(**_clean(data, allowed_hosts), created_by_id=actor.id)
    session.add(webhook)
    session.flush()
    return webhook


def get_webhook(session: Session, actor: User, webhook_id: int) -> ChatWebhook:
    _require_manager(actor)
    webhook = session.get(ChatWebhook, webhook_id)
    if webhook is None:
        raise NotFound(_("No such chat channel."))
    return webhook


def replace_address(session: Session, actor: User, webhook_id: int, raw_url: str, *,
                    allowed_hosts: str | Sequence[str]) -> ChatWebhook:
    """Save a channel's webhook address again (comms and admins): after SECRET_KEY changed without
    the old key in SECRET_KEY_FALLBACKS, or when Slack or Teams gave the channel a new one."""
    webhook = get_webhook(session, actor, webhook_id)
    for key, value in _address(raw_url, allowed_hosts).items():
        setattr(webhook, key, value)
    session.flush()
    return webhook


def address(webhook: ChatWebhook) -> str:
    """The webhook's address, unsealed (only to deliver a message); Unsealable when SECRET_KEY
    changed since it was saved and no SECRET_KEY_FALLBACKS key opens it. An address saved before
    hub sealed them (not migrated) is read as it is and sealed now; one that only a fallback key
    opens is sealed again with SECRET_KEY (the caller commits)."""
    if not is_sealed(webhook.sealed_url):
        plain = webhook.sealed_url
        webhook.sealed_url = seal(plain)
        return plain
    renewed = reseal(webhook.sealed_url)
    if renewed is not None:
        webhook.sealed_url = renewed
    return unseal(webhook.sealed_url)


@dataclass(frozen=True)
class ResealReport:
    resealed: tuple[str, ...]  # channels whose address is now sealed with SECRET_KEY
    unreadable: tuple[str, ...]  # channels whose address no key opens (paste it again)


def reseal_all(session: Session) -> ResealReport:
    """Seal every address that is plain or opened only by a SECRET_KEY_FALLBACKS key with SECRET_KEY
    (``hub chat reseal``, after rotating the key; then the old key can leave the fallbacks). The
    caller commits."""
    resealed, unreadable = [], []
    for webhook in session.scalars(sa.select(ChatWebhook).order_by(ChatWebhook.id)):
        try:
            renewed = reseal(webhook.sealed_url) if is_sealed(webhook.sealed_url) else seal(webhook.sealed_url)
        except Unsealable:
            unreadable.append(webhook.name)
            continue
        if renewed is not None:
            webhook.sealed_url = renewed
            resealed.append(webhook.name)
    session.flush()
    return ResealReport(tuple(resealed), tuple(unreadable))


def readable(webhook: ChatWebhook) -> bool:
    """Whether hub can read the webhook's address with the keys it has now (pages ask for it
    again when not)."""
    if not is_sealed(webhook.sealed_url):
        return True
    try:
        unseal(webhook.sealed_url)
    except Unsealable:
        return False
    return True


def webhook_address(target: str, *, session: Session, **_kw: Any) -> str | None:
    """hub.outbox's ``webhook_address`` (connected in hub/events.py): the address of the channel a
    queued message is for, unsealed at delivery. Undeliverable (the message fails at once, no
    retries) when the channel is gone or its address cannot be read."""
    if not target.startswith(TARGET_PREFIX):
        return None
    webhook_id = target.removeprefix(TARGET_PREFIX)
    webhook = session.get(ChatWebhook, int(webhook_id)) if webhook_id.isdigit() else None
    if webhook is None:
        raise Undeliverable("The chat channel was removed.")
    try:
        return address(webhook)
    except Unsealable:
        raise Undeliverable(f"hub cannot read the webhook address of {webhook.name}: SECRET_KEY changed since "
                            "it was saved and no SECRET_KEY_FALLBACKS key opens it. Paste the address again "
                            "at /admin/chat, then retry this message.") from None


def remove_webhook(session: Session, actor: User, webhook_id: int) -> ChatWebhook:
    """Forget a channel's webhook; messages still waiting for it are not sent."""
    webhook = get_webhook(session, actor, webhook_id)
    cancel_webhooks(session, webhook.target, f"The chat channel {webhook.name} was removed.")
    session.delete(webhook)
    session.flush()
    return webhook


def _queue(session: Session, webhook: ChatWebhook, note: Note, dedupe_key: str | None = None) -> bool:
    message = queue_webhook(session, target=webhook.target, label=webhook.label, summary=note.summary,
                            payload=messages.render(webhook.kind.value, note), dedupe_key=dedupe_key)
    return message is not None


def send_test(session: Session, actor: User, webhook_id: int, site: Site) -> ChatWebhook:
    """Queue a test message to the channel (it shows whether the address works)."""
    webhook = get_webhook(session, actor, webhook_id)
    with company_language():
        note = Note(headline=_("%(site)s is connected to %(channel)s", site=site.name, channel=webhook.name),
                    text=_("%(name)s sent this test. This channel will hear about: %(events)s.",
                           name=actor.display_name, events=", ".join(e.label.lower() for e in webhook.events)),
                    action=Item(_("Open the topic board"), f"{site.base_url}/topics"))
    _queue(session, webhook, note)
    return webhook


# --- what the channels hear --------------------------------------------------------------------------


def company_language() -> Any:
    """The company's channels read the site's default language (BABEL_DEFAULT_LOCALE), whoever
    made the change they hear about."""
    return force_locale((current_app.config.get("BABEL_DEFAULT_LOCALE") or "en") if has_app_context() else "en")


def _site() -> Site:
    return Site(str(current_app.config["BASE_URL"]), str(current_app.config["SITE_NAME"]))


def _listening(session: Session, event: ChatEvent, area: str = "") -> list[ChatWebhook]:
    hooks = session.scalars(sa.select(ChatWebhook).where(ChatWebhook.events_text.contains(event.value))
                            .order_by(ChatWebhook.id))
    return [h for h in hooks if h.hears(event, area)]


def _post_url(site: Site, post: Post) -> str:
    return f"{site.base_url}/p/{post.id}-{post.slug}"


def _brief(text: str, limit: int = 400) -> str:
    plain = " ".join(markdown_to_text(text).split())
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


def topic_note(topic: Topic, site: Site) -> Note:
    details = [_("For %(audience)s", audience=topic.audience) if topic.audience else "",
               " ".join(f"#{t}" for t in topic.hashtags)]
    return Note(
        headline=_("New topic on the board: %(title)s", title=topic.title),
        text=_brief(topic.brief),
        items=(Item(topic.title, f"{site.base_url}/topics/{topic.id}", " · ".join(d for d in details if d)),),
        footer=_("Pick it up and write about it on %(site)s.", site=site.name),
        action=Item(_("Open the topic"), f"{site.base_url}/topics/{topic.id}"),
    )


def post_note(topic: Topic, post: Post, author: User, site: Site) -> Note:
    revision = post.live_revision
    summary = revision.summary if revision and revision.summary else ""
    return Note(
        headline=_("Published for “%(topic)s”: %(title)s", topic=topic.title, title=post.title),
        items=(Item(post.title, _post_url(site, post),
                    " · ".join(p for p in (_("by %(name)s", name=author.display_name), summary) if p)),),
        footer=_("Share it in your own words: every share text carries your own tracked link."),
        action=Item(_("Share it"), f"{site.base_url}/p/{post.id}/share"),
    )


def on_topic_announced(topic: Topic, *, session: Session, **_kw: Any) -> None:
    """hub.topics' ``topic_announced`` (connected in hub/events.py): a topic is new on the board."""
    hooks = _listening(session, ChatEvent.TOPIC, topic.area)
    if hooks:
        with company_language():
            note = topic_note(topic, _site())
        for hook in hooks:
            _queue(session, hook, note, dedupe_key=f"chat:{hook.id}:topic:{topic.id}")


def on_topic_post_published(topic: Topic, *, session: Session, post: Post, **_kw: Any) -> None:
    """hub.topics' ``topic_post_published``: a post written for ``topic`` went live (once per post
    and channel)."""
    hooks = _listening(session, ChatEvent.POST, topic.area)
    if hooks:
        author = session.get(User, post.author_id)
        assert author is not None
        with company_language():
            note = post_note(topic, post, author, _site())
        for hook in hooks:
            _queue(session, hook, note, dedupe_key=f"chat:{hook.id}:post:{post.id}")


# --- the weekly digest ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestReport:
    sent: tuple[str, ...]  # the channels a digest was queued for
    skipped: tuple[str, ...]  # had one less than DIGEST_EVERY ago
    posts: int  # published in the period


def digest_note(posts: Sequence[Post], total: int, site: Site, since: datetime, now: datetime) -> Note:
    more = total - len(posts)
    return Note(
        headline=_n("This week on %(site)s: %(num)d new post by colleagues",
                    "This week on %(site)s: %(num)d new posts by colleagues", total, site=site.name),
        text=_("Published from %(start)s to %(end)s. Share the ones your network would like, in your own words.",
               start=since.strftime("%d %b"), end=now.strftime("%d %b %Y")),
        items=tuple(Item(p.title, _post_url(site, p), _("by %(name)s", name=p.author.display_name)
                         + (f" · {p.live_revision.summary}" if p.live_revision and p.live_revision.summary else ""))
                    for p in posts),
        footer=_n("And %(num)d more.", "And %(num)d more.", more) if more > 0 else "",
        action=Item(_("Read them on %(site)s", site=site.name), f"{site.base_url}/"),
    )


def send_digests(session: Session, *, now: datetime | None = None, force: bool = False,
                 site: Site | None = None) -> DigestReport:
    """Queue the weekly digest (posts published in the last DIGEST_DAYS days) for every channel that
    asked for it and got none in the last DIGEST_EVERY (``force``: regardless). Nothing is sent when
    nothing was published. The caller commits."""
    now = now or utcnow()
    site = site or _site()
    since = now - timedelta(days=DIGEST_DAYS)
    window = sa.and_(Post.status == PostStatus.PUBLISHED, Post.published_at > since, Post.published_at <= now)
    total = session.scalar(sa.select(sa.func.count()).select_from(Post).where(window)) or 0
    hooks = _listening(session, ChatEvent.DIGEST)
    if not total or not hooks:
        return DigestReport((), (), total)
    posts = session.scalars(
        sa.select(Post).where(window).options(joinedload(Post.author), joinedload(Post.live_revision))
        .order_by(Post.published_at.desc(), Post.id.desc()).limit(messages.MAX_ITEMS)
    ).unique().all()
    with company_language():
        note = digest_note(posts, total, site, since, now)
    sent, skipped = [], []
    for hook in hooks:
        if not force and hook.digest_sent_at is not None and now - hook.digest_sent_at < DIGEST_EVERY:
            skipped.append(hook.name)
            continue
        _queue(session, hook, note)
        hook.digest_sent_at = now
        sent.append(hook.name)
    session.flush()
    return DigestReport(tuple(sent), tuple(skipped), total)
