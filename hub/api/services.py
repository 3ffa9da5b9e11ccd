"""Domain verbs for personal access tokens: make one (shown once), revoke it, and find the token a
request presents. Only the SHA-256 of a token is stored, so a copy of the database holds no usable
token."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hub.api.models import ApiToken, Scope
from hub.auth.models import User
from hub.db import utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _
from hub.inputs import unstorable, unstorable_kind

TOKEN_PREFIX = "hub_"
PREFIX_SHOWN = 12  # "hub_" and 8 random characters: enough to tell one's tokens apart, useless to guess
NAME_MAX = 100
TOKENS_MAX = 20  # active tokens per person
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


def token_hash(raw: str) -> str:
    """The SHA-256 (hex) a token is stored and looked up by."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _scopes(requested: Iterable[str]) -> list[Scope]:
    wanted = {str(s).strip().lower() for s in requested}
    unknown = wanted - {s.value for s in Scope}
    if unknown:
        raise ValidationError("scopes", _("Scopes are “read” and “write”."))
    if not wanted:
        raise ValidationError("scopes", _("Choose what the token may do: read, or read and write."))
    if Scope.WRITE in wanted:
        wanted.add(Scope.READ)  # a token that writes may read what it wrote
    return [s for s in Scope if s.value in wanted]


def create_token(session: Session, actor: User, *, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token for ``actor``; returns the row and the token itself, which is never shown again."""
    if not actor.is_active:
        raise PermissionDenied(_("Deactivated accounts cannot make tokens."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("name", _("Give the token a name, e.g. the script or tool that uses it."))
    if len(name) > NAME_MAX:
        raise ValidationError("name", _("Keep the name under %(num)s characters.", num=NAME_MAX))
    if kind := unstorable_kind(name):
        raise ValidationError("name", _("The name contains a NUL character, which cannot be stored; "
                                        "remove it and try again.") if kind == "nul" else
                              _("The name contains a character that is not valid Unicode text; "
                                "remove it and try again."))
    chosen = _scopes(scopes)
    active = session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == actor.id, ApiToken.revoked_at.is_(None))) or 0
    if active >= TOKENS_MAX:
        raise ValidationError(None, _("You have %(num)s tokens already: revoke one you no longer use first.",
                                      num=TOKENS_MAX))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, prefix=raw[:PREFIX_SHOWN], token_hash=token_hash(raw),
                     scopes_text=",".join(s.value for s in chosen))
    session.add(token)
    session.flush()
    return token, raw


def revoke_token(session: Session, actor: User, token_id: int) -> ApiToken:
    """Revoke one of ``actor``'s tokens: it stops working at once. Someone else's token does not
    exist for them (NotFound)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token


def authenticate(session: Session, raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, whose owner is active; None for anything else. Reads
    only (the rate limit writes on its own connection next, and SQLite has one writer at a time)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200 or unstorable(raw):
        return None
    token = session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == token_hash(raw)))
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def note_use(session: Session, token: ApiToken, now: datetime | None = None) -> None:
    """Note when ``token`` was last used (written at most once a minute)."""
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        session.flush()
