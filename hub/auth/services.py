"""Domain verbs for people: sign up, sign in, passwords, invitations, roles, profiles."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from hub import i18n, throttle
from hub.auth.models import AllowedDomain, Invitation, OidcIdentity, Role, SocialHandle, User, UserStatus
from hub.db import get_session, utcnow
from hub.errors import NotFound, PermissionDenied, ValidationError
from hub.i18n import _

INVALID_LOGIN = "Email or password is not right."
THROTTLED_LOGIN = ("Too many sign-in attempts for this account from here. Wait a few minutes, "
                   "or reset your password.")
# A fixed hash to check against when the account does not exist, so both answers take as long.
_DUMMY_HASH: dict[str, str] = {}


class LoginFailed(Exception):
    """Sign-in refused; the message is the same for unknown accounts and wrong passwords."""


class LoginThrottled(LoginFailed):
    """Too many attempts for this account from this address (or from this address at all);
    ``retry_after`` is the number of seconds until the budget is back."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many sign-in attempts for this account from here. Wait a few minutes, "
                           "or reset your password."))
        self.retry_after = retry_after


def normalize_email(email: str) -> str:
    """The canonical form of an address (lower case), or ValidationError('email')."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError as exc:
        raise ValidationError("email", str(exc)) from None
    return result.normalized.lower()


def hash_password(password: str) -> str:
    """A salted hash with the configured Werkzeug method (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_rules(password: str, field: str = "password") -> None:
    """Raise ValidationError unless ``password`` is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationError(field, _("Use at least %(num)s characters.", num=minimum))
    if len(password) > 1000:
        raise ValidationError(field, _("That is longer than any password needs to be."))


def allowed_domains(session: Session) -> set[str]:
    """Domains open for sign-up: HUB_ALLOWED_EMAIL_DOMAINS plus those admins added."""
    configured = {
        d.strip().lower().lstrip("@") for d in str(current_app.config.get("ALLOWED_EMAIL_DOMAINS") or "").split(",")
    }
    stored = set(session.scalars(sa.select(AllowedDomain.domain)))
    return {d for d in configured | stored if d}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation(session: Session, token: str) -> Invitation:
    """The open invitation for ``token``, or NotFound."""
    invitation = session.scalar(sa.select(Invitation).where(Invitation.token_hash == _token_hash(token or "")))
    if invitation is None or invitation.state != "open":
        raise NotFound(_("This invitation link is not valid any more. Ask for a new one."))
    return invitation


@dataclass(frozen=True)
class SignUp:
    email: str
    password: str
    display_name: str
    job_title: str = ""
    invitation_token: str | None = None


def _check_sign_up(session: Session, data: SignUp) -> tuple[str, str, Role, Invitation | None, bool]:
    """The rules of a sign-up that do not depend on whether the address has an account:
    (e-mail, name, role, invitation, first account)."""
    email = normalize_email(data.email)
    name = (data.display_name or "").strip()
    if not name:
        raise ValidationError("display_name", _("Tell your colleagues what to call you."))
    check_password_rules(data.password)
    role = Role.EMPLOYEE
    invitation = None
    if data.invitation_token:
        invitation = find_invitation(session, data.invitation_token)
        if invitation.email and invitation.email != email:
            raise ValidationError("email", _("This invitation is for another e-mail address."))
        role = invitation.role
    first = session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    if invitation is None and not first:
        domain = email.rsplit("@", 1)[1]
        if domain not in allowed_domains(session):
            raise ValidationError(
                "email", _("Sign-up is open to company e-mail addresses only. Ask a colleague for an invitation.")
            )
    return email, name, role, invitation, first


def _create_account(
    session: Session,
    email: str,
    password_hash: str,
    name: str,
    job_title: str,
    role: Role,
    invitation: Invitation | None,
    first: bool,
) -> User:
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ValidationError(
            "email", _("There is already an account with this e-mail. Sign in, or reset your password."))
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=name,
        job_title=(job_title or "").strip(),
        role=Role.ADMIN if first else role,
    )
    session.add(user)
    session.flush()
    if invitation is not None:
        invitation.used_at = utcnow()
        invitation.used_by_id = user.id
    return user


def sign_up(session: Session, data: SignUp) -> User:
    """Create an account at once. Needs an allowed e-mail domain or an open invitation (whose
    e-mail, if it names one, must match). The very first account becomes an admin. The web form
    uses it only for that first account; everyone else goes through request_sign_up."""
    email, name, role, invitation, first = _check_sign_up(session, data)
    password_hash = hash_password(data.password)
    return _create_account(session, email, password_hash, name, data.job_title, role, invitation, first)


def is_first_account(session: Session) -> bool:
    """True while hub has no account at all (the first one is made at once, as an admin)."""
    return session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@dataclass(frozen=True)
class SignUpMail:
    """What to mail after a sign-up request: ``token`` finishes a new account; with
    ``existing`` the address already has one and its owner gets a notice instead. The person
    who asked sees the same answer either way."""

    email: str
    display_name: str
    token: str
    existing: bool


def _sign_up_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hub.sign-up")


def request_sign_up(session: Session, data: SignUp) -> SignUpMail:
    """Check a sign-up and say what to mail; nothing is stored yet. The same checks and the
    same work (password hash, signed token) happen whether or not the address has an account."""
    email, name, _role, _invitation, _first = _check_sign_up(session, data)
    token = _sign_up_serializer().dumps({"e": email, "n": name, "j": (data.job_title or "").strip()[:120],
                                         "h": hash_password(data.password), "i": data.invitation_token or ""})
    existing = session.scalar(sa.select(User.id).where(User.email == email)) is not None
    return SignUpMail(email, name, token, existing)


def read_sign_up_token(token: str) -> dict[str, str]:
    """The sign-up a confirmation link carries, or NotFound with a clear reason."""
    try:
        data = _sign_up_serializer().loads(token, max_age=current_app.config["SIGN_UP_MAX_AGE"])
    except SignatureExpired:
        raise NotFound(_("This link has expired. Sign up again to get a new one.")) from None
    except BadSignature:
        raise NotFound(_("This link is not valid.")) from None
    if not isinstance(data, dict) or not {"e", "n", "j", "h", "i"} <= data.keys():
        raise NotFound(_("This link is not valid."))
    return data


def confirm_sign_up(session: Session, token: str, password: str) -> User:
    """Create the account a confirmation link describes, once its owner types the password
    chosen at sign-up (so a link someone else asked for cannot set your password)."""
    data = read_sign_up_token(token)
    if not check_password_hash(data["h"], password or ""):
        raise ValidationError("password", _("That is not the password you chose when you signed up."))
    if session.scalar(sa.select(User.id).where(User.email == data["e"])) is not None:
        raise NotFound(_("This account exists already. Sign in, or reset your password."))
    invitation = find_invitation(session, data["i"]) if data["i"] else None
    first = is_first_account(session)
    role = invitation.role if invitation is not None else Role.EMPLOYEE
    return _create_account(session, data["e"], data["h"], data["n"], data["j"], role, invitation, first)


def login_identity(email: str) -> str:
    """Who a sign-in attempt is for, exactly as sign-in looks people up (normalize_email), so
    every spelling of one address (case, fullwidth letters, IDNA) shares one attempt budget."""
    try:
        return normalize_email(email)
    except ValidationError:
        return "unparsed:" + unicodedata.normalize("NFKC", (email or "").strip()).casefold()


def authenticate(session: Session, email: str, password: str, address: str) -> User:
    """The active user with this e-mail and password, or LoginFailed (LoginThrottled when over budget).

    The rule (README, Security): each account has LOGIN_MAX_PER_ACCOUNT attempts per window
    from each client address (an IPv6 /64 counts as one), and each address LOGIN_MAX_PER_ADDRESS
    attempts over all accounts. An attempt is counted before the password is checked, atomically
    and in a store every worker shares; a successful sign-in gives its attempts back. Failures
    from one address never block the owner signing in from another. Unknown accounts and wrong
    passwords get the same answer and take the same time.
    """
    if not password_login_enabled():
        raise LoginFailed(_("Sign-in with a password is switched off here: use the company sign-in."))
    cfg = current_app.config
    window = int(cfg["LOGIN_WINDOW_SECONDS"])
    identity = login_identity(email)
    net = throttle.client_net(address)
    address_key, account_key = f"login:addr:{net}", f"login:acct:{identity}|{net}"
    budgets = ((address_key, cfg["LOGIN_MAX_PER_ADDRESS"]), (account_key, cfg["LOGIN_MAX_PER_ACCOUNT"]))
    for key, limit in budgets:
        decision = throttle.hit(key, int(limit), window)
        if not decision.allowed:
            raise LoginThrottled(decision.retry_after)
    user = session.scalar(sa.select(User).where(User.email == identity))
    if user is None:
        method = cfg["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash(secrets.token_hex(8), method=method)
        check_password_hash(_DUMMY_HASH[method], password or "")
        ok = False
    else:
        ok = check_password_hash(user.password_hash, password or "") and user.is_active
    if not ok or user is None:
        raise LoginFailed(_("Email or password is not right."))
    throttle.forget(account_key, window)
    throttle.refund(address_key, window)
    user.last_login_at = utcnow()
    return user


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>:<session_version>"``; a deactivated person or an old
    version (password changed since) gives None, which ends that session at once."""
    try:
        raw_id, raw_version = session_id.split(":", 1)
        user_id, version = int(raw_id), int(raw_version)
    except (ValueError, AttributeError):
        return None
    user = get_session().get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user


def sign_out(session: Session, user: User) -> None:
    """End every session of ``user``: copied session cookies and remember-me cookies stop
    working, on every device (they all carry the old session_version)."""
    user.session_version += 1


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions stop working."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError("current_password", _("That is not your current password."))
    check_password_rules(new, "new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hub.password-reset")


def make_reset_token(user: User | None) -> str:
    """A signed token for resetting ``user``'s password; it stops working once used
    (it is bound to the current password hash) and after PASSWORD_RESET_MAX_AGE. For None (no
    such account) the same work makes a token that opens nothing, so both answers cost the same."""
    password_hash = user.password_hash if user is not None else secrets.token_hex(32)
    fingerprint = hashlib.sha256(password_hash.encode()).hexdigest()[:16]
    return _reset_serializer().dumps({"u": user.id if user is not None else 0, "p": fingerprint})


def user_for_reset_token(session: Session, token: str) -> User:
    """The user a valid reset token belongs to, or NotFound with a clear reason."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise NotFound(_("This reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise NotFound(_("This reset link is not valid.")) from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active:
        raise NotFound(_("This reset link is not valid."))
    if hashlib.sha256(user.password_hash.encode()).hexdigest()[:16] != data.get("p"):
        raise NotFound(_("This reset link was already used."))
    return user


def reset_password(session: Session, token: str, new: str) -> User:
    """Set a new password through a reset link; every existing session ends."""
    user = user_for_reset_token(session, token)
    check_password_rules(new)
    user.password_hash = hash_password(new)
    user.session_version += 1
    return user


def find_user_for_reset(session: Session, email: str) -> User | None:
    """The active account for ``email``, if any (the caller answers the same either way)."""
    try:
        normalized = normalize_email(email)
    except ValidationError:
        return None
    user = session.scalar(sa.select(User).where(User.email == normalized))
    return user if user is not None and user.is_active else None


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise PermissionDenied(_("Only admins can do that."))


def create_invitation(session: Session, actor: User, *, email: str | None, role: Role) -> tuple[Invitation, str]:
    """An invitation and its secret token. Comms may invite employees; admins anyone."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms and admins can invite people."))
    if role != Role.EMPLOYEE and not actor.is_admin:
        raise PermissionDenied(_("Only admins can invite comms people or admins."))
    normalized = normalize_email(email) if email else None
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        token_hash=_token_hash(token),
        email=normalized,
        role=role,
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    session.add(invitation)
    session.flush()
    return invitation, token


def revoke_invitation(session: Session, actor: User, invitation: Invitation) -> None:
    """Close an open invitation so its link stops working."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms and admins can revoke invitations."))
    if invitation.state == "open":
        invitation.revoked_at = utcnow()


def set_role(session: Session, actor: User, user: User, role: Role) -> None:
    """Change someone's role (admins only); the last active admin cannot step down."""
    _require_admin(actor)
    if user.role == Role.ADMIN and role != Role.ADMIN and _active_admins(session) <= 1:
        raise ValidationError("role", _("hub needs at least one admin. Make someone else admin first."))
    user.role = role


def _active_admins(session: Session) -> int:
    return session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)
    ) or 0


def deactivate(session: Session, actor: User, user: User) -> None:
    """Someone left: they can no longer sign in and their sessions end now; posts stay."""
    _require_admin(actor)
    if user.id == actor.id:
        raise ValidationError(None, _("You cannot deactivate yourself."))
    if user.status == UserStatus.DEACTIVATED:
        return
    user.status = UserStatus.DEACTIVATED
    user.deactivated_at = utcnow()
    user.session_version += 1


def reactivate(session: Session, actor: User, user: User) -> None:
    """Let a deactivated person sign in again."""
    _require_admin(actor)
    user.status = UserStatus.ACTIVE
    user.deactivated_at = None


@dataclass(frozen=True)
class Profile:
    display_name: str
    job_title: str
    bio: str
    handles: dict[str, str]
    mastodon_limit: int | None = None
    digest_opt_in: bool | None = None  # None leaves the setting as it is
    leaderboard_opt_out: bool | None = None  # None leaves the setting as it is
    language: str | None = None  # a code from hub.i18n.LANGUAGES, "" to follow the browser; None leaves it


def update_profile(session: Session, actor: User, user: User, data: Profile) -> None:
    """Change a profile; only its owner may."""
    if actor.id != user.id:
        raise PermissionDenied(_("You can only edit your own profile."))
    name = data.display_name.strip()
    if not name:
        raise ValidationError("display_name", _("A name is needed."))
    user.display_name = name
    user.job_title = data.job_title.strip()
    user.bio = data.bio.strip()
    existing = {h.platform: h for h in user.handles}
    for platform, handle in data.handles.items():
        handle = (handle or "").strip()
        if handle and platform in existing:
            existing[platform].handle = handle
        elif handle:
            user.handles.append(SocialHandle(platform=platform, handle=handle))
        elif platform in existing:
            user.handles.remove(existing[platform])
    for social in user.handles:
        social.char_limit = data.mastodon_limit if social.platform == "mastodon" else None
    if data.digest_opt_in is not None:
        user.digest_opt_in = data.digest_opt_in
    if data.leaderboard_opt_out is not None:
        user.leaderboard_opt_out = data.leaderboard_opt_out
    if data.language is not None:
        if data.language and data.language not in i18n.LANGUAGES:
            raise ValidationError("language", i18n._("Choose one of the languages offered."))
        user.language = data.language or None


def set_allowed_domains(session: Session, actor: User, domains: list[str]) -> None:
    """Replace the admin-managed list of sign-up domains."""
    _require_admin(actor)
    wanted = set()
    for raw in domains:
        domain = raw.strip().lower().lstrip("@")
        if not domain:
            continue
        if "." not in domain or any(c in domain for c in " /@:"):
            raise ValidationError("domains", _("“%(domain)s” is not a domain name.", domain=raw.strip()))
        wanted.add(domain)
    for row in session.scalars(sa.select(AllowedDomain)):
        if row.domain not in wanted:
            session.delete(row)
        else:
            wanted.discard(row.domain)
    for domain in sorted(wanted):
        session.add(AllowedDomain(domain=domain, added_by_id=actor.id))


def create_user(session: Session, *, email: str, password: str, display_name: str, role: Role) -> User:
    """An account made from the command line (no domain rule)."""
    email = normalize_email(email)
    check_password_rules(password)
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ValidationError("email", _("There is already an account with this e-mail."))
    user = User(
        email=email, password_hash=hash_password(password), display_name=display_name.strip() or email, role=role
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with ``user_id`` or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such person."))
    return user


# --- single sign-on (the protocol is in hub.auth.oidc) ----------------------------------------

_ROLE_RANK = {Role.EMPLOYEE: 0, Role.COMMS: 1, Role.ADMIN: 2}


class SsoRefused(Exception):
    """A company account that may not sign in here; the message says why, for people."""


def password_login_enabled() -> bool:
    """False when HUB_PASSWORD_LOGIN=off: sign-in, sign-up and resets by password are closed."""
    return bool(current_app.config.get("PASSWORD_LOGIN", True))


def sso_domains(session: Session) -> set[str]:
    """Domains whose people get an account on their first single sign-on: OIDC_ALLOWED_DOMAINS,
    or the sign-up domains when it is empty."""
    configured = {
        d.strip().lower().lstrip("@") for d in str(current_app.config.get("OIDC_ALLOWED_DOMAINS") or "").split(",")
    } - {""}
    return configured or allowed_domains(session)


def role_from_claims(claims: dict[str, object]) -> Role | None:
    """The role OIDC_ROLE_CLAIM and OIDC_ROLE_MAP give these claims (the highest that matches,
    else employee), or None when no role claim is configured."""
    claim = current_app.config.get("OIDC_ROLE_CLAIM")
    if not claim:
        return None
    value = claims.get(claim)
    values = value if isinstance(value, list) else [value] if value is not None else []
    mapping = current_app.config.get("OIDC_ROLE_MAP") or {}
    roles = [Role(mapping[str(v)]) for v in values if str(v) in mapping]
    return max(roles, key=_ROLE_RANK.__getitem__, default=Role.EMPLOYEE)


def _claimed_email(claims: dict[str, object]) -> tuple[str | None, bool]:
    raw, verified = claims.get("email"), claims.get("email_verified") is True
    if not isinstance(raw, str) or not raw.strip():
        return None, verified
    try:
        return normalize_email(raw), verified
    except ValidationError:
        return None, verified


def sign_in_with_provider(session: Session, issuer: str, claims: dict[str, object]) -> User:
    """The person these validated ID token claims belong to, created or linked on first sign-in,
    or SsoRefused.

    People are linked by (issuer, sub). A first sign-in links to an existing account with the
    same e-mail only when the provider vouches for the address (email_verified); otherwise it
    creates an account, when the e-mail's domain is allowed (sso_domains) and verified (unless
    OIDC_REQUIRE_VERIFIED_EMAIL is off). With OIDC_ROLE_CLAIM the role follows the provider at
    every sign-in (the last active admin is never demoted this way)."""
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255 or len(issuer) > 500:
        raise SsoRefused(_("The company sign-in did not say who you are."))
    identity = session.scalar(
        sa.select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)
    )
    email, verified = _claimed_email(claims)
    role = role_from_claims(claims)
    if identity is not None:
        user = identity.user
    else:
        user = _link_or_create(session, issuer, subject, claims, email, verified, role)
        identity = OidcIdentity(user_id=user.id, issuer=issuer, subject=subject)
        session.add(identity)
    if not user.is_active:
        raise SsoRefused(_("Your account here is deactivated. Ask an admin if that is a mistake."))
    if role is not None and role != user.role:
        if not (user.role == Role.ADMIN and _active_admins(session) <= 1):
            user.role = role
    sid = claims.get("sid")
    identity.session_id = sid[:255] if isinstance(sid, str) and sid else None
    identity.last_login_at = user.last_login_at = utcnow()
    session.flush()
    return user


def _link_or_create(
    session: Session, issuer: str, subject: str, claims: dict[str, object], email: str | None, verified: bool,
    role: Role | None,
) -> User:
    if email is None:
        raise SsoRefused(
            _("The company sign-in did not send an e-mail address. Ask your IT team to release it to hub."))
    existing = session.scalar(sa.select(User).where(User.email == email))
    if existing is not None:
        if not verified:
            raise SsoRefused(
                _("There is already an account for %(email)s here, and the company sign-in did not confirm "
                  "that this address is yours, so it cannot be linked. Ask an admin.", email=email)
            )
        other = session.scalar(
            sa.select(OidcIdentity.id).where(OidcIdentity.user_id == existing.id, OidcIdentity.issuer == issuer)
        )
        if other is not None:
            raise SsoRefused(_("The account for %(email)s is linked to another company account. Ask an admin.",
                                   email=email))
        return existing
    domain = email.rsplit("@", 1)[1]
    if domain not in sso_domains(session):
        raise SsoRefused(
            _("Your company account (%(email)s) is not from a domain that may join here. "
              "Ask an admin for an invitation.", email=email)
        )
    if current_app.config.get("OIDC_REQUIRE_VERIFIED_EMAIL", True) and not verified:
        raise SsoRefused(_("The company sign-in did not confirm that %(email)s is yours, so no account was made.",
                             email=email))
    name = claims.get("name")
    display_name = name.strip()[:120] if isinstance(name, str) and name.strip() else email.split("@", 1)[0]
    first = is_first_account(session)
    user = User(
        email=email,
        password_hash="",  # no password: it signs in through the provider (a reset can add one)
        display_name=display_name,
        role=Role.ADMIN if first else (role or Role.EMPLOYEE),
    )
    session.add(user)
    session.flush()
    return user


def provider_refused(session: Session, user_id: int) -> None:
    """The provider refused, at a re-check, the person this session belonged to: end every
    session of theirs; with OIDC_LOGOUT_DEACTIVATES also deactivate the account."""
    user = session.get(User, user_id)
    if user is None:
        return
    user.session_version += 1
    if current_app.config.get("OIDC_LOGOUT_DEACTIVATES") and user.is_active:
        user.status = UserStatus.DEACTIVATED
        user.deactivated_at = utcnow()


def ending_provider_session(session: Session, user: User, issuer: str, session_id: str | None) -> None:
    """``user`` signs out of hub and on at the provider (RP-initiated logout), ending provider
    session ``session_id``: remember it, so that the logout token the provider sends back for
    it is not taken for an account removed (provider_logout)."""
    if not session_id:
        return
    identity = session.scalar(
        sa.select(OidcIdentity).where(OidcIdentity.user_id == user.id, OidcIdentity.issuer == issuer)
    )
    if identity is not None:
        identity.ended_session_id = session_id[:255]


def provider_logout(session: Session, issuer: str, subject: str | None, session_id: str | None) -> int:
    """A back-channel logout from the provider: end every session of the people it names (by
    sub, else by the provider session id of their last sign-in); with OIDC_LOGOUT_DEACTIVATES
    also deactivate them, unless the token is for the provider session hub itself asked the
    provider to end (ending_provider_session). Returns how many people it found."""
    query = sa.select(OidcIdentity).where(OidcIdentity.issuer == issuer)
    if subject is not None:
        query = query.where(OidcIdentity.subject == subject)
    else:
        query = query.where(OidcIdentity.session_id == session_id)
    identities = session.scalars(query).all()
    for identity in identities:
        user = identity.user
        user.session_version += 1
        identity.session_id = None
        answers_our_sign_out = session_id is not None and identity.ended_session_id == session_id
        if current_app.config.get("OIDC_LOGOUT_DEACTIVATES") and user.is_active and not answers_our_sign_out:
            user.status = UserStatus.DEACTIVATED
            user.deactivated_at = utcnow()
    return len(identities)


def linked_identities(session: Session, actor: User) -> dict[int, list[OidcIdentity]]:
    """Everyone's company sign-ins, by person (user id), oldest link first, for the people page
    (comms and admins)."""
    if not actor.is_comms:
        raise PermissionDenied(_("Only comms and admins can see this."))
    linked: dict[int, list[OidcIdentity]] = {}
    for identity in session.scalars(sa.select(OidcIdentity).order_by(OidcIdentity.created_at, OidcIdentity.id)):
        linked.setdefault(identity.user_id, []).append(identity)
    return linked


def unlink_identity(session: Session, actor: User, user_id: int, identity_id: int) -> User:
    """Admins only: take a company sign-in off a person's account and end every session of theirs;
    returns the person. Their next company sign-in is a first one again (sign_in_with_provider):
    it links back only when the provider vouches for the address. Until then they sign in with a
    password, if they have one and password sign-in is on."""
    _require_admin(actor)
    identity = session.get(OidcIdentity, identity_id)
    if identity is None or identity.user_id != user_id:
        raise NotFound(_("That company sign-in is not linked to this person any more."))
    user = identity.user
    user.session_version += 1
    session.delete(identity)
    session.flush()
    return user
