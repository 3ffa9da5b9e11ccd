"""Secrets kept in the database, sealed (encrypted and authenticated) with a key derived from the
app's SECRET_KEY, so no other setting is needed.

``seal(text)`` gives a Fernet token (AES-128-CBC and HMAC-SHA256) under a key derived from
SECRET_KEY with HKDF-SHA256 (info ``hub webhook urls v1``); ``unseal(token)`` reads it back with
SECRET_KEY or any of SECRET_KEY_FALLBACKS (Flask 3.1's list of previous keys), so a rotated
SECRET_KEY still reads what the old one sealed. A token no key opens raises Unsealable: the value
has to be typed in again. Without ``keys``, both read the current app's configuration."""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"hub webhook urls v1"
TOKEN_START = "gAAAAA"  # every Fernet token (version byte 0x80, then a 64-bit timestamp) starts so


class Unsealable(Exception):
    """No key opens this token: SECRET_KEY changed and the old key is not in SECRET_KEY_FALLBACKS
    (or the value was damaged)."""


def fallback_keys(value: Any) -> list[str]:
    """SECRET_KEY_FALLBACKS as a list: a list of keys, or a string of keys separated by commas
    (what an environment variable gives)."""
    if not value:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [k.decode() if isinstance(k, bytes) else str(k) for k in value if k]
    text = value.decode() if isinstance(value, bytes) else str(value)
    return [k.strip() for k in text.split(",") if k.strip()]


def config_keys(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys of a configuration, newest first: SECRET_KEY, then SECRET_KEY_FALLBACKS."""
    key = config.get("SECRET_KEY")
    if not key:
        raise RuntimeError("SECRET_KEY is not set: nothing can be sealed")
    first = key.decode() if isinstance(key, bytes) else str(key)
    return (first, *(k for k in fallback_keys(config.get("SECRET_KEY_FALLBACKS")) if k != first))


def _app_keys() -> tuple[str, ...]:
    from flask import current_app

    return config_keys(current_app.config)


@functools.lru_cache(maxsize=16)
def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def _multi(keys: Iterable[str]) -> MultiFernet:
    fernets = [_fernet(k) for k in keys]
    if not fernets:
        raise RuntimeError("no key to seal with")
    return MultiFernet(fernets)


def seal(text: str, keys: Sequence[str] | None = None) -> str:
    """``text`` sealed with the first of ``keys`` (the app's SECRET_KEY by default)."""
    return _multi((keys or _app_keys())[:1]).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str, keys: Sequence[str] | None = None) -> str:
    """What ``seal`` sealed, with any of ``keys`` (SECRET_KEY and SECRET_KEY_FALLBACKS by default);
    Unsealable when none opens it."""
    try:
        return _multi(keys or _app_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise Unsealable("sealed with another SECRET_KEY") from None


def is_sealed(value: str) -> bool:
    """Whether ``value`` looks like a token of ``seal`` (not a value stored before sealing)."""
    return value.startswith(TOKEN_START)



def reseal(token: str, keys: Sequence[str] | None = None) -> str | None:
    """``token`` sealed again with the first key when only a fallback opens it (None when the first
    key already does); Unsealable when no key opens it."""
    keys = keys or _app_keys()
    try:
        _fernet(keys[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError):
        return seal(unseal(token, keys), keys)
    return None
