"""Sign-up, sign-in, passwords, profile and people administration."""

from __future__ import annotations

import hmac
import secrets

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from hub import i18n
from hub.auth import oidc, services
from hub.auth.forms import (
    HANDLE_PLATFORMS,
    ChangePasswordForm,
    ConfirmSignUpForm,
    DomainsForm,
    ForgotForm,
    InviteForm,
    LoginForm,
    ProfileForm,
    ResetForm,
    RoleForm,
    SignUpForm,
)
from hub.auth.models import AllowedDomain, Invitation, Role, User
from hub.db import get_session
from hub.errors import NotFound, ValidationError
from hub.forms import ConfirmForm
from hub.i18n import _, _n
from hub.outbox.services import queue_mail
from hub.security import safe_next_url
from hub.web import client_address, show_error

bp = Blueprint("auth", __name__)


def _start_session(user: User, remember: bool = False) -> None:
    session.clear()  # a new session on sign-in: nothing from before carries over
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@bp.route("/invite/<token>", methods=["GET", "POST"], endpoint="invite")
def signup(token: str | None = None):
    if current_user.is_authenticated:
        return redirect(url_for("posts.mine"))
    if not services.password_login_enabled():
        flash(_("Join by signing in with your company account: your account here is made on the way."), "info")
        return redirect(url_for("auth.login"))
    db = get_session()
    invitation = services.find_invitation(db, token) if token else None
    form = SignUpForm(email=invitation.email if invitation and request.method == "GET" else None)
    if form.validate_on_submit():
        data = services.SignUp(
            form.email.data, form.password.data, form.display_name.data, form.job_title.data or "", token
        )
        try:
            # The first account (nobody to tell apart yet) starts at once, as admin; everyone else
            # confirms by e-mail, and sees the same answer whether or not the address has an account.
            first = services.is_first_account(db)
            outcome = services.sign_up(db, data) if first else services.request_sign_up(db, data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            if isinstance(outcome, User):
                _start_session(outcome)
                flash(_("Welcome to %(site)s, %(name)s! Write your first post.",
                        site=current_app.config["SITE_NAME"], name=outcome.display_name), "success")
                return redirect(url_for("posts.new"))
            flash(_("Check your e-mail: we sent a link to %(email)s to finish signing up. It works for one day.",
                    email=outcome.email), "info")
            return _mail_after(redirect(url_for("auth.login")), _sign_up_mail(outcome))
    return render_template(
        "auth/signup.html", form=form, invitation=invitation, domains=sorted(services.allowed_domains(db))
    )


@bp.route("/signup/confirm/<token>", methods=["GET", "POST"])
def confirm_signup(token: str):
    _require_password_login()
    data = services.read_sign_up_token(token)  # a bad link is a clear 404 before anyone types
    form = ConfirmSignUpForm()
    if form.validate_on_submit():
        try:
            user = services.confirm_sign_up(get_session(), token, form.password.data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            _start_session(user)
            flash(_("Welcome to %(site)s, %(name)s! Write your first post.",
                    site=current_app.config["SITE_NAME"], name=user.display_name), "success")
            return redirect(url_for("posts.new"))
    return render_template("auth/confirm_signup.html", form=form, display_name=data["n"])


def _sign_up_mail(mail: services.SignUpMail) -> dict[str, str]:
    site, base = current_app.config["SITE_NAME"], current_app.config["BASE_URL"]
    if mail.existing:
        return {"to": mail.email, "subject": _("You already have a %(site)s account", site=site), "body": _(
            "Hello,\n\nSomeone, perhaps you, asked to create a %(site)s account for this address. You have one "
            "already: sign in at %(login)s\n"
            "Forgot your password? %(forgot)s\n\n"
            "If it was not you, ignore this message: nothing has changed.\n",
            site=site, login=base + url_for("auth.login"), forgot=base + url_for("auth.forgot_password"))}
    link = base + url_for("auth.confirm_signup", token=mail.token)
    return {"to": mail.email, "subject": _("Finish signing up to %(site)s", site=site), "body": _(
        "Hello %(name)s,\n\nOpen this link to finish creating your %(site)s account (it works for one day):"
        "\n%(link)s\n\nIf you did not sign up, ignore this message.\n",
        name=mail.display_name, site=site, link=link)}


def _mail_after(response: Response, mail: dict[str, str]) -> Response:
    """Queue ``mail`` in the outbox: it leaves after the request's commit, so how long sending
    takes (or whether there was anything to send) never shows in the answer."""
    queue_mail(get_session(), **mail)
    return response


def _login_page(form: LoginForm, status: int = 200, headers: dict[str, str] | None = None):
    return render_template(
        "auth/login.html", form=form, password_login=services.password_login_enabled(), sso=oidc.enabled(),
        next_url=safe_next_url(request.values.get("next"), ""),
    ), status, headers or {}


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next_url(request.values.get("next"), url_for("posts.mine"))
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST" and not services.password_login_enabled():
        flash(_("Sign-in with a password is switched off here: use the company sign-in."), "error")
        return _login_page(form, 403)
    if form.validate_on_submit():
        db = get_session()
        try:
            user = services.authenticate(db, form.email.data, form.password.data, client_address())
        except services.LoginThrottled as exc:
            db.rollback()
            form.password.errors = [str(exc)]
            return _login_page(form, 429, {"Retry-After": str(exc.retry_after)})
        except services.LoginFailed as exc:
            db.rollback()
            form.password.errors = [str(exc)]
        else:
            _start_session(user, remember=form.remember.data)
            return redirect(target)
    return _login_page(form)


# --- single sign-on (OpenID Connect; the protocol is in hub.auth.oidc) --------------------------


SSO_CHECKED = "sso_checked_at"  # session key: when the provider last confirmed this session
SSO_RECHECK = "sso_recheck_user"  # session key: whose session the provider is asked to confirm
SSO_SID = "sso_sid"  # session key: the provider's session id ("sid") of this sign-in


@bp.before_app_request
def _recheck_with_provider() -> Response | None:
    """Send a session that began at the provider back to it every OIDC_RECHECK_SECONDS, so an
    account the company removed stops working here by then even without back-channel logout.
    Only page views (GET) are sent: a form being submitted is never lost."""
    checked = session.get(SSO_CHECKED)
    every = int(current_app.config.get("OIDC_RECHECK_SECONDS") or 0)
    if checked is None or not every or request.method != "GET" or not oidc.enabled():
        return None
    if request.endpoint in ("auth.login_sso", "auth.login_sso_callback", "static") or not current_user.is_authenticated:
        return None
    if oidc.now() - float(checked) < every:
        return None
    session[SSO_RECHECK] = current_user.id
    return redirect(url_for("auth.login_sso", next=request.full_path.rstrip("?")))


@bp.get("/login/sso")
def login_sso():
    """Start the code flow: a plain link (no form), so CSP's form-action never meets the
    provider's address; the state in the session stops a forged sign-in (login CSRF)."""
    if not oidc.enabled():
        abort(404)
    target = safe_next_url(request.args.get("next"), url_for("posts.mine"))
    if current_user.is_authenticated and SSO_RECHECK not in session:
        return redirect(target)
    session["sso_next"] = target
    try:
        return oidc.authorize_redirect(current_app.config["BASE_URL"] + url_for("auth.login_sso_callback"))
    except oidc.SignInRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))


@bp.get("/login/sso/callback")
def login_sso_callback():
    if not oidc.enabled():
        abort(404)
    db = get_session()
    target = safe_next_url(session.get("sso_next"), url_for("posts.mine"))
    try:
        claims = oidc.finish_sign_in()
        user = services.sign_in_with_provider(db, oidc.issuer(), claims)
    except (oidc.SignInRefused, services.SsoRefused) as exc:
        db.rollback()
        rechecked = session.get(SSO_RECHECK)
        if rechecked is not None:  # the provider no longer confirms this session: it ends
            if isinstance(exc, services.SsoRefused) or exc.by_provider:
                services.provider_refused(db, int(rechecked))
            session.clear()
            logout_user()
        session.pop("sso_next", None)
        flash(str(exc), "error")
        return redirect(url_for("auth.login"))
    _start_session(user)
    session[SSO_CHECKED] = oidc.now()
    sid = claims.get("sid")
    if isinstance(sid, str) and sid:
        session[SSO_SID] = sid[:255]
    return redirect(target)


@bp.post("/backchannel-logout")
def backchannel_logout():  # CSRF-exempt (hub.extensions): the provider calls it; its signed token is the proof
    """OpenID Connect Back-Channel Logout 1.0: end the named person's sessions here."""
    headers = {"Cache-Control": "no-store"}
    if not oidc.enabled():
        abort(404)
    try:
        claims = oidc.validate_logout_token(request.form.get("logout_token", ""))
    except oidc.LogoutTokenInvalid as exc:
        current_app.logger.info("back-channel logout refused: %s", exc)
        return {"error": "invalid_request", "error_description": "The logout token is not valid."}, 400, headers
    services.provider_logout(get_session(), claims.issuer, claims.subject, claims.session_id)
    return "", 200, headers


SSO_LOGOUT_STATE = "sso_logout_state"  # session key: the state sent with a sign-out at the provider


@bp.post("/logout")
@login_required
def logout():
    """Sign out on every device; with OIDC_END_PROVIDER_SESSION a session that began at the
    provider then goes on to end the provider's session too (RP-Initiated Logout 1.0)."""
    db = get_session()
    end_provider_session = (session.get(SSO_CHECKED) is not None and oidc.enabled()
                            and current_app.config.get("OIDC_END_PROVIDER_SESSION"))
    issuer = oidc.issuer_if_reachable() if end_provider_session else None
    if issuer is not None:  # (an unreachable provider: end_session_url says so too, and hub signs out alone)
        services.ending_provider_session(db, current_user, issuer, session.get(SSO_SID))
    services.sign_out(db, current_user)
    session.clear()  # first: logout_user() then leaves its note to delete the remember cookie
    logout_user()
    if end_provider_session:
        session[SSO_LOGOUT_STATE] = secrets.token_urlsafe(24)
        return redirect(url_for("auth.logout_sso"))
    flash(_("You are signed out, on every device."), "info")
    return redirect(url_for("public.home"))


@bp.get("/logout/sso")
def logout_sso():
    """A page of hub's own between its sign-out and the provider's, which it links (and
    refreshes) onward to: the sign-out form's redirects meet CSP form-action ('self'), a link
    and a refresh on this page do not, wherever the provider's end_session_endpoint leads."""
    state = session.get(SSO_LOGOUT_STATE)
    done = current_app.config["BASE_URL"] + url_for("auth.logout_sso_done")
    url = oidc.end_session_url(done, state) if state and oidc.enabled() else None
    if url is None:  # nothing pending here, or a provider without RP-initiated logout
        session.pop(SSO_LOGOUT_STATE, None)
        flash(_("You are signed out, on every device."), "info")
        return redirect(url_for("public.home"))
    return render_template("auth/logout_sso.html", end_session_url=url), 200, {"Cache-Control": "no-store"}


@bp.get("/logout/sso/done")
def logout_sso_done():
    """Where the provider sends the browser back (post_logout_redirect_uri): the state must be
    the one this browser sent; a forged or stale return is sent home without a word."""
    expected, given = session.get(SSO_LOGOUT_STATE), request.args.get("state", "")
    if expected and hmac.compare_digest(str(expected).encode(), given.encode()):
        session.pop(SSO_LOGOUT_STATE)
        flash(_("You are signed out, on every device."), "info")
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(get_session(), current_user, form.current_password.data, form.new_password.data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            login_user(current_user._get_current_object())  # keep this session, end the others
            flash(_("Your password was changed. Other devices are signed out."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/password.html", form=form)


def _require_password_login() -> None:
    if not services.password_login_enabled():
        raise NotFound(_("Passwords are switched off here: sign in with your company account."))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    _require_password_login()
    form = ForgotForm()
    if form.validate_on_submit():
        user = services.find_user_for_reset(get_session(), form.email.data)
        token = services.make_reset_token(user)  # made for nobody too: both answers do the same work
        flash(_("If that address has an account, a reset link is on its way. It works for one hour."), "info")
        response = redirect(url_for("auth.login"))
        if user is None:
            return response
        link = current_app.config["BASE_URL"] + url_for("auth.reset_password", token=token)
        with i18n.in_language(user.language):  # the language they chose, else this browser's
            return _mail_after(response, {
                "to": user.email,
                "subject": _("Reset your %(site)s password", site=current_app.config["SITE_NAME"]),
                "body": _("Hello %(name)s,\n\nSet a new password here (the link works for one hour, once):\n"
                          "%(link)s\n\nIf you did not ask for this, ignore this message.\n",
                          name=user.display_name, link=link)})
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    _require_password_login()
    db = get_session()
    services.user_for_reset_token(db, token)  # a bad link is a clear 404 before anyone types
    form = ResetForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(db, token, form.password.data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            _start_session(user)
            flash(_("Your new password is set."), "success")
            return redirect(url_for("posts.mine"))
    return render_template("auth/reset.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        for platform, _label in HANDLE_PLATFORMS:
            getattr(form, f"handle_{platform}").data = current_user.handle_for(platform) or ""
        form.mastodon_limit.data = current_user.handle_limit("mastodon")
    if form.validate_on_submit():
        handles = {p: getattr(form, f"handle_{p}").data or "" for p, _label in HANDLE_PLATFORMS}
        data = services.Profile(
            form.display_name.data,
            form.job_title.data or "",
            form.bio.data or "",
            handles,
            form.mastodon_limit.data,
            digest_opt_in=bool(form.digest_opt_in.data),
            leaderboard_opt_out=bool(form.leaderboard_opt_out.data),
            language=form.language.data or "",
        )
        try:
            services.update_profile(get_session(), current_user, current_user, data)
        except ValidationError as exc:
            show_error(form, exc)
        else:
            i18n.refresh()  # the flash and the next page in the language just chosen
            flash(_("Profile saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, platforms=HANDLE_PLATFORMS)


# --- people administration -------------------------------------------------------------------


def _require_comms() -> None:
    if not current_user.is_comms:
        abort(403)


@bp.get("/admin/people")
@login_required
def people():
    _require_comms()
    db = get_session()
    users = db.scalars(sa.select(User).order_by(User.status, User.display_name)).all()
    identities = services.linked_identities(db, current_user)
    invitations = db.scalars(sa.select(Invitation).order_by(Invitation.created_at.desc()).limit(50)).all()
    domains = db.scalars(sa.select(AllowedDomain.domain).order_by(AllowedDomain.domain)).all()
    return render_template(
        "auth/people.html",
        users=users,
        identities=identities,
        invitations=invitations,
        invite_form=InviteForm(),
        domains_form=DomainsForm(domains="\n".join(domains)),
        configured_domains=current_app.config.get("ALLOWED_EMAIL_DOMAINS") or "",
        role_form=RoleForm(),
        confirm=ConfirmForm(),
        roles=list(Role),
    )


@bp.post("/admin/invitations")
@login_required
def create_invitation():
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Check the invitation form."), "error")
        return redirect(url_for("auth.people"))
    try:
        _inv, token = services.create_invitation(
            get_session(), current_user, email=form.email.data or None, role=Role(form.role.data)
        )
    except ValidationError as exc:
        show_error(None, exc)
        return redirect(url_for("auth.people"))
    link = current_app.config["BASE_URL"] + url_for("auth.invite", token=token)
    flash(_n("Invitation link (shown once, valid %(num)d day): %(link)s",
             "Invitation link (shown once, valid %(num)d days): %(link)s",
             int(current_app.config["INVITATION_DAYS"]), link=link), "success")
    return redirect(url_for("auth.people"))


@bp.post("/admin/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id: int):
    db = get_session()
    invitation = db.get(Invitation, invitation_id) or abort(404)
    services.revoke_invitation(db, current_user, invitation)
    flash(_("Invitation revoked."), "info")
    return redirect(url_for("auth.people"))


@bp.post("/admin/people/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    db = get_session()
    form = RoleForm()
    user = services.get_user(db, user_id)
    if form.validate_on_submit():
        try:
            services.set_role(db, current_user, user, Role(form.role.data))
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("%(name)s is now %(role)s.", name=user.display_name, role=Role(form.role.data).label), "success")
    return redirect(url_for("auth.people"))


@bp.post("/admin/people/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    db = get_session()
    user = services.get_user(db, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.deactivate(db, current_user, user)
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("%(name)s is deactivated; their posts stay.", name=user.display_name), "success")
    return redirect(url_for("auth.people"))


@bp.post("/admin/people/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    db = get_session()
    user = services.get_user(db, user_id)
    if ConfirmForm().validate_on_submit():
        services.reactivate(db, current_user, user)
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("auth.people"))


@bp.post("/admin/people/<int:user_id>/identities/<int:identity_id>/unlink")
@login_required
def unlink_identity(user_id: int, identity_id: int):
    if ConfirmForm().validate_on_submit():
        user = services.unlink_identity(get_session(), current_user, user_id, identity_id)
        flash(_("The company sign-in of %(name)s is unlinked; their sessions ended.", name=user.display_name),
              "success")
    return redirect(url_for("auth.people"))


@bp.post("/admin/domains")
@login_required
def set_domains():
    form = DomainsForm()
    if form.validate_on_submit():
        try:
            services.set_allowed_domains(get_session(), current_user, (form.domains.data or "").splitlines())
        except ValidationError as exc:
            show_error(None, exc)
        else:
            flash(_("Sign-up domains saved."), "success")
    return redirect(url_for("auth.people"))


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return render_template("errors/error.html", status=404, title=_("Link not valid"), message=exc.message), 404
