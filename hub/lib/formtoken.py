"""Cookie-free form tokens: an HMAC of a subject (``feedback:42``) and a time window.

A public page must not put a token in a session: that sets a cookie on every reader and no
shared cache can keep the page. This token is bound to what the form acts on and to the hour it
was issued; it is the same for every reader within that hour (so the page stays cacheable) and
it expires after ``max_windows`` windows. A cross-site form cannot forge it without the secret.
"""

from __future__ import annotations

import hashlib
import hmac

WINDOW_SECONDS = 3600


def _mac(secret: str, subject: str, window: int) -> str:
    message = f"{subject}|{window}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def issue(secret: str, subject: str, now: float, window_seconds: int = WINDOW_SECONDS) -> str:
    """The token for ``subject`` at ``now`` (seconds since the epoch)."""
    window = int(now // window_seconds)
    return f"{window}.{_mac(secret, subject, window)}"


def check(
    secret: str,
    subject: str,
    token: str | None,
    now: float,
    *,
    max_windows: int = 24,
    window_seconds: int = WINDOW_SECONDS,
) -> bool:
    """Whether ``token`` was issued for ``subject`` within the last ``max_windows`` windows."""
    window_text, _, mac = (token or "").partition(".")
    if not window_text.isdigit() or len(window_text) > 12:
        return False
    window = int(window_text)
    current = int(now // window_seconds)
    if not current - max_windows < window <= current:
        return False
    return hmac.compare_digest(mac, _mac(secret, subject, window))
