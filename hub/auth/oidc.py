"""The OpenID Connect protocol: Authlib's Flask client for the authorization code flow (discovery
from the issuer, PKCE, state and nonce, ID token validation), the validation of back-channel
logout tokens (OpenID Connect Back-Channel Logout 1.0, section 2.6) and the address that ends
the provider's session (RP-Initiated Logout 1.0). The rules about people (who gets an account,
which role) are in hub.auth.services."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request, session
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from werkzeug.wrappers import Response

from hub.i18n import _

NAME = "company"
LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class SignInRefused(Exception):
    """The sign-in through the provider did not complete; the message says why, for people.
    ``by_provider`` is True when the provider answered that it refuses the account (as opposed
    to an answer that did not check out, or a provider that could not be reached)."""

    def __init__(self, message: str, by_provider: bool = False) -> None:
        super().__init__(message)
        self.by_provider = by_provider


def now() -> float:
    """Seconds since the epoch (tests move it forward to reach a re-check)."""
    return time.time()


class LogoutTokenInvalid(Exception):
    """A back-channel logout token that must not be acted on."""


def enabled(app: Flask | None = None) -> bool:
    """True when single sign-on is configured (an issuer and a client id)."""
    config = (app or current_app).config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def init_app(app: Flask) -> None:
    """One Authlib registry per app (tests build many apps with different providers)."""
    if not enabled(app):
        return
    issuer = str(app.config["OIDC_ISSUER"]).rstrip("/")
    oauth = OAuth(app)
    oauth.register(
        NAME,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions["hub.oidc"] = oauth


def _client() -> Any:
    return current_app.extensions["hub.oidc"].create_client(NAME)


def issuer() -> str:
    """The provider's issuer identifier as its discovery document states it."""
    return str(_client().load_server_metadata()["issuer"])


def issuer_if_reachable() -> str | None:
    """``issuer()``, or None when the provider's discovery document cannot be had just now."""
    try:
        return issuer()
    except (OSError, ValueError, KeyError, OAuthError) as exc:
        current_app.logger.warning("OpenID provider unreachable: %s", exc)
        return None


def authorize_redirect(redirect_uri: str) -> Response:
    """Send the browser to the provider; Authlib keeps state, nonce and the PKCE verifier in the
    (signed) session for the callback."""
    try:
        response: Response = _client().authorize_redirect(redirect_uri)
    except (OSError, ValueError, OAuthError) as exc:
        current_app.logger.warning("OpenID provider unreachable: %s", exc)
        raise SignInRefused(_("The company sign-in cannot be reached just now. Try again in a minute.")) from None
    return response


def finish_sign_in() -> dict[str, Any]:
    """The validated ID token claims of the callback this request carries, or SignInRefused.

    Authlib checks the state against the session, exchanges the code with the PKCE verifier and
    validates the ID token: signature (the provider's JWKS), issuer, audience, expiry, issued-at
    and the nonce sent with the request. A token response without an ID token is refused too.
    """
    state_key = f"_state_{NAME}_{request.args.get('state', '')}"
    if request.args.get("error"):
        # The provider's reason is shown only for a sign-in that started in this browser: anyone
        # can make a link to the callback with an error and a text of their choosing.
        pending = session.pop(state_key, None) is not None
        description = " ".join(request.args.get("error_description", "").split())[:200]
        refused = pending and request.args["error"] == "access_denied"
        message = (_("The company sign-in refused this account (%(reason)s).", reason=description)
                   if pending and description else _("The company sign-in refused this account."))
        raise SignInRefused(message, by_provider=refused)
    try:
        token = _client().authorize_access_token()
    except OAuthError as exc:
        if exc.error == "mismatching_state":
            raise SignInRefused(_("That sign-in link was used already or did not start here. Sign in again.")) from None
        current_app.logger.warning("OpenID sign-in failed: %s %s", exc.error, exc.description)
        raise SignInRefused(_("The company sign-in did not complete. Sign in again.")) from None
    except JoseError as exc:
        current_app.logger.warning("OpenID ID token refused: %s", exc)
        raise SignInRefused(_("The company sign-in sent an answer that did not check out. Sign in again.")) from None
    except (OSError, ValueError) as exc:
        current_app.logger.warning("OpenID provider unreachable: %s", exc)
        raise SignInRefused(_("The company sign-in cannot be reached just now. Try again in a minute.")) from None
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise SignInRefused(_("The company sign-in did not say who you are. Sign in again."))
    return dict(claims)


def end_session_url(post_logout_redirect_uri: str, state: str) -> str | None:
    """Where to send the browser to end the person's session at the provider (RP-Initiated
    Logout 1.0, section 2): its ``end_session_endpoint`` with this client's id, the page to come
    back to and ``state``; None when its discovery document names no such endpoint or the
    provider cannot be reached (then hub signs out on its own)."""
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except (OSError, ValueError, OAuthError) as exc:
        current_app.logger.warning("OpenID provider unreachable at sign-out: %s", exc)
        return None
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    params = [
        ("client_id", str(current_app.config["OIDC_CLIENT_ID"])),
        ("post_logout_redirect_uri", post_logout_redirect_uri),
        ("state", state),
    ]
    return str(add_params_to_uri(endpoint, params))


@dataclass(frozen=True)
class LogoutClaims:
    issuer: str
    subject: str | None
    session_id: str | None


def _decode(raw: str, algorithms: list[str]) -> Any:
    client = _client()
    try:
        return jwt.decode(raw, KeySet.import_key_set(client.fetch_jwk_set()), algorithms=algorithms)
    except InvalidKeyIdError:  # the provider rotated its keys since hub last fetched them
        return jwt.decode(raw, KeySet.import_key_set(client.fetch_jwk_set(force=True)), algorithms=algorithms)


def validate_logout_token(raw: str) -> LogoutClaims:
    """The claims of a valid logout token, or LogoutTokenInvalid (Back-Channel Logout 1.0, 2.6):
    signed with one of the provider's keys and algorithms, issued by the configured issuer for
    this client, recently, carrying the back-channel logout event, a sub or a sid, and no nonce."""
    if not raw or len(raw) > 16_000:
        raise LogoutTokenInvalid("missing logout_token")
    metadata = _client().load_server_metadata()
    algorithms = [a for a in metadata.get("id_token_signing_alg_values_supported") or ["RS256"] if a != "none"]
    try:
        token = _decode(raw, algorithms)
    except (JoseError, ValueError) as exc:
        raise LogoutTokenInvalid(f"bad token: {exc}") from None
    claims = token.claims
    now, leeway = time.time(), 60  # the real clock: a logout token's age is the provider's business
    if claims.get("iss") != metadata["issuer"]:
        raise LogoutTokenInvalid("wrong issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if current_app.config["OIDC_CLIENT_ID"] not in audiences:
        raise LogoutTokenInvalid("wrong audience")
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > now + leeway:
        raise LogoutTokenInvalid("no valid iat")
    if iat < now - int(current_app.config["OIDC_LOGOUT_TOKEN_MAX_AGE"]) - leeway:
        raise LogoutTokenInvalid("too old")
    exp = claims.get("exp")
    if exp is not None and (not isinstance(exp, int | float) or exp < now - leeway):
        raise LogoutTokenInvalid("expired")
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(LOGOUT_EVENT), dict):
        raise LogoutTokenInvalid("no back-channel logout event")
    if "nonce" in claims:
        raise LogoutTokenInvalid("a logout token carries no nonce")
    sub, sid = claims.get("sub"), claims.get("sid")
    if not (isinstance(sub, str) and sub) and not (isinstance(sid, str) and sid):
        raise LogoutTokenInvalid("neither sub nor sid")
    return LogoutClaims(
        issuer=str(claims["iss"]),
        subject=sub if isinstance(sub, str) and sub else None,
        session_id=sid if isinstance(sid, str) and sid else None,
    )
