"""People verbs: sign-up rules, sign-in, passwords, invitations, roles, deactivation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hub.auth import services
from hub.auth.models import Role, User, UserStatus
from hub.auth.services import SignUp
from hub.errors import NotFound, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD


def test_first_account_becomes_admin_whatever_its_domain(session):
    first = services.sign_up(session, SignUp("Boss@Elsewhere.org", TEST_PASSWORD, "Boss"))
    second = services.sign_up(session, SignUp("ann@example.com", TEST_PASSWORD, "Ann"))
    assert first.role == Role.ADMIN and first.email == "boss@elsewhere.org"
    assert second.role == Role.EMPLOYEE


def test_sign_up_needs_an_allowed_domain(session, make_user):
    make_user()
    with pytest.raises(ValidationError) as info:
        services.sign_up(session, SignUp("eve@evil.io", TEST_PASSWORD, "Eve"))
    assert info.value.field == "email"


def test_admin_added_domain_opens_sign_up(session, make_user):
    admin = make_user(role="admin")
    services.set_allowed_domains(session, admin, ["@Acme.io", " "])
    assert "acme.io" in services.allowed_domains(session)
    assert services.sign_up(session, SignUp("bo@acme.io", TEST_PASSWORD, "Bo")).role == Role.EMPLOYEE
    with pytest.raises(PermissionDenied):
        services.set_allowed_domains(session, make_user(role="comms"), ["x.io"])
    with pytest.raises(ValidationError):
        services.set_allowed_domains(session, admin, ["not a domain"])


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("not-an-email", TEST_PASSWORD, "A", "email"),
        ("a@example.com", "short", "A", "password"),
        ("a@example.com", TEST_PASSWORD, "   ", "display_name"),
    ],
)
def test_sign_up_validation(session, make_user, email, password, name, field):
    make_user()
    with pytest.raises(ValidationError) as info:
        services.sign_up(session, SignUp(email, password, name))
    assert info.value.field == field


def test_duplicate_email_refused(session, make_user):
    make_user(email="dup@example.com")
    with pytest.raises(ValidationError):
        services.sign_up(session, SignUp("DUP@example.com", TEST_PASSWORD, "Dup"))


def test_invitation_lets_anyone_in_once_with_its_role(session, make_user):
    admin = make_user(role="admin")
    invitation, token = services.create_invitation(session, admin, email=None, role=Role.COMMS)
    user = services.sign_up(session, SignUp("guest@partner.io", TEST_PASSWORD, "Guest", invitation_token=token))
    assert user.role == Role.COMMS and invitation.state == "used" and invitation.used_by_id == user.id
    with pytest.raises(NotFound):
        services.sign_up(session, SignUp("again@partner.io", TEST_PASSWORD, "Again", invitation_token=token))


def test_invitation_for_an_address_must_match(session, make_user):
    comms = make_user(role="comms")
    _inv, token = services.create_invitation(session, comms, email="ann@partner.io", role=Role.EMPLOYEE)
    with pytest.raises(ValidationError):
        services.sign_up(session, SignUp("bob@partner.io", TEST_PASSWORD, "Bob", invitation_token=token))


def test_invitation_permissions_and_revocation(session, make_user):
    with pytest.raises(PermissionDenied):
        services.create_invitation(session, make_user(), email=None, role=Role.EMPLOYEE)
    comms = make_user(role="comms")
    with pytest.raises(PermissionDenied):
        services.create_invitation(session, comms, email=None, role=Role.ADMIN)
    invitation, token = services.create_invitation(session, comms, email=None, role=Role.EMPLOYEE)
    services.revoke_invitation(session, comms, invitation)
    with pytest.raises(NotFound):
        services.find_invitation(session, token)


def test_authenticate_same_answer_for_unknown_and_wrong(session, make_user):
    make_user(email="real@example.com")
    with pytest.raises(services.LoginFailed) as unknown:
        services.authenticate(session, "ghost@example.com", TEST_PASSWORD, "10.0.0.1")
    with pytest.raises(services.LoginFailed) as wrong:
        services.authenticate(session, "real@example.com", "wrong password", "10.0.0.1")
    assert str(unknown.value) == str(wrong.value) == services.INVALID_LOGIN
    assert services.authenticate(session, " REAL@example.com ", TEST_PASSWORD, "10.0.0.1").email == "real@example.com"


def test_throttling_per_account_holds_even_for_the_right_password_from_that_address(app, session, make_user):
    """The attacker's address runs out of guesses for the account, right password or not; the
    owner, elsewhere, still signs in (issue 14: slow the attacker, never lock the owner out)."""
    make_user(email="target@example.com")
    for _ in range(app.config["LOGIN_MAX_PER_ACCOUNT"]):
        with pytest.raises(services.LoginFailed) as info:
            services.authenticate(session, "target@example.com", "nope nope nope", "10.0.0.2")
        assert str(info.value) == services.INVALID_LOGIN
    with pytest.raises(services.LoginThrottled) as throttled:
        services.authenticate(session, "target@example.com", TEST_PASSWORD, "10.0.0.2")
    assert str(throttled.value) == services.THROTTLED_LOGIN
    # The window slides: this window's attempts stay in sight, fading, through the next one.
    assert 0 < throttled.value.retry_after <= 2 * app.config["LOGIN_WINDOW_SECONDS"]
    assert services.authenticate(session, "target@example.com", TEST_PASSWORD, "10.0.0.3").email == "target@example.com"


def test_throttling_per_address(app, session, make_user):
    app.config["LOGIN_MAX_PER_ADDRESS"] = 3
    make_user(email="ok@example.com")
    for i in range(3):
        with pytest.raises(services.LoginFailed):
            services.authenticate(session, f"nobody{i}@example.com", "x", "10.9.9.9")
    with pytest.raises(services.LoginFailed):
        services.authenticate(session, "ok@example.com", TEST_PASSWORD, "10.9.9.9")
    assert services.authenticate(session, "ok@example.com", TEST_PASSWORD, "10.1.1.1")


def test_throttle_counts_survive_a_rolled_back_request(app, session, make_user):
    """Attempts are written on their own connection: another worker (a new session) sees them."""
    from hub import throttle

    make_user(email="t@example.com")
    with pytest.raises(services.LoginFailed):
        services.authenticate(session, "t@example.com", "bad", "10.0.0.9")
    session.rollback()
    assert throttle.peek("login:acct:t@example.com|10.0.0.9", app.config["LOGIN_WINDOW_SECONDS"]) == 1


def test_deactivated_cannot_sign_in_and_sessions_end(session, make_user):
    admin = make_user(role="admin")
    user = make_user(email="leaver@example.com")
    old_session_id = user.get_id()
    services.deactivate(session, admin, user)
    session.commit()
    assert user.status == UserStatus.DEACTIVATED
    assert services.load_user_from_session_id(old_session_id) is None
    with pytest.raises(services.LoginFailed):
        services.authenticate(session, "leaver@example.com", TEST_PASSWORD, "10.0.0.4")
    with pytest.raises(PermissionDenied):
        services.deactivate(session, make_user(role="comms"), admin)


def test_admin_cannot_deactivate_self_and_last_admin_stays(session, make_user):
    admin = make_user(role="admin")
    with pytest.raises(ValidationError):
        services.deactivate(session, admin, admin)
    with pytest.raises(ValidationError):
        services.set_role(session, admin, admin, Role.EMPLOYEE)
    other = make_user()
    services.set_role(session, admin, other, Role.ADMIN)
    services.set_role(session, admin, admin, Role.COMMS)
    assert admin.role == Role.COMMS
    with pytest.raises(PermissionDenied):
        services.set_role(session, make_user(role="comms"), other, Role.EMPLOYEE)


def test_change_password_ends_other_sessions(session, make_user):
    user = make_user()
    before = user.get_id()
    with pytest.raises(ValidationError):
        services.change_password(session, user, "not it", "a brand new password")
    services.change_password(session, user, TEST_PASSWORD, "a brand new password")
    session.commit()
    assert services.load_user_from_session_id(before) is None
    assert services.load_user_from_session_id(user.get_id()) is not None


def test_reset_token_works_once_and_expires(app, session, make_user):
    user = make_user()
    token = services.make_reset_token(user)
    assert services.user_for_reset_token(session, token).id == user.id
    services.reset_password(session, token, "another good password")
    with pytest.raises(NotFound, match="already used"):
        services.user_for_reset_token(session, token)
    with pytest.raises(NotFound):
        services.user_for_reset_token(session, token[:-2] + "xx")
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    with pytest.raises(NotFound, match="expired"):
        services.user_for_reset_token(session, services.make_reset_token(user))


def test_profile_update_only_by_owner(session, make_user):
    user = make_user()
    data = services.Profile("New Name", "Engineer", "Bio", {"mastodon": "@me@social.example", "x": ""})
    with pytest.raises(PermissionDenied):
        services.update_profile(session, make_user(role="admin"), user, data)
    services.update_profile(session, user, user, data)
    assert user.display_name == "New Name" and user.handle_for("mastodon") == "@me@social.example"
    services.update_profile(session, user, user, services.Profile("New Name", "", "", {"mastodon": ""}))
    assert user.handle_for("mastodon") is None


def test_passwords_are_hashed(session, make_user):
    user = make_user()
    stored = session.scalar(sa.select(User.password_hash).where(User.id == user.id))
    assert TEST_PASSWORD not in stored and stored.startswith("pbkdf2:")
