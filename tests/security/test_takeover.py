"""One unattended signed-in session must not be enough to take an account over
(security review, finding 1, and 2, 3, 6, 10): every change to how a person signs in
or proves who they are needs the password, and a current code where they have an
authenticator, given again; wrong passwords there count toward the sign-in lockout;
roles given mid-session need the second factor at once."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Membership, RecoveryCode, User
from tests.factories import MembershipFactory, UserFactory
from tests.security.helpers import PASSWORD, code, set_up, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mina(team):
    """Manages Alice's team and has set up her authenticator; `mina.client` is her
    own browser, signed in with both factors."""
    user = UserFactory(username="mina", email="mina@nhs.example")
    MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
    user.client = Client()
    sign_in(user.client, user)
    user.recovery = set_up(user.client, user)
    user.device = TOTPDevice.objects.get(user=user, confirmed=True)
    user.team = team
    return user


def test_the_email_address_changes_only_with_the_password_and_other_sessions_end(client, alice):
    """Then a password reset goes to the new address: so the change needs the password."""
    left_open = Client()
    left_open.force_login(alice)
    client.force_login(alice)
    profile = client.post(
        reverse("assessments:profile"),
        {"first_name": "A", "job_role": "health_visitor", "email": "attacker@evil.example"},
    )
    assert profile.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"  # the profile no longer takes an address
    url = reverse("assessments:change_email")
    refused = left_open.post(url, {"email": "attacker@evil.example", "password": "guess-1234"})
    assert "That password is not right" in refused.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    changed = client.post(url, {"email": "alice@nhs.example", "password": PASSWORD})
    assert changed.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@nhs.example"
    assert client.get(reverse("assessments:dashboard")).status_code == 200
    assert left_open.get(reverse("assessments:dashboard")).status_code == 302  # signed out


def test_a_manager_changing_her_address_also_gives_a_current_code(mina):
    url = reverse("assessments:change_email")
    assert "authenticator" in mina.client.get(url).content.decode()
    no_code = mina.client.post(url, {"email": "x@evil.example", "password": PASSWORD})
    assert no_code.status_code == 200
    mina.refresh_from_db()
    assert mina.email == "mina@nhs.example"
    mina.client.post(
        url,
        {"email": "m@nhs.example", "password": PASSWORD, "code": code(mina.device, steps_ahead=1)},
    )
    mina.refresh_from_db()
    assert mina.email == "m@nhs.example"


def test_the_authenticator_cannot_be_swapped_from_an_open_session_without_a_current_code(mina):
    """The probe's takeover: a new key's code was enough to replace the owner's phone."""
    stranger = mina.client  # the owner walked away from her signed-in browser
    stranger.get(reverse("two_factor_setup"))
    new = TOTPDevice.objects.get(user=mina, confirmed=False)
    attempt = stranger.post(reverse("two_factor_setup"), {"token": code(new), "password": PASSWORD})
    assert attempt.status_code == 200
    assert "A code from your current authenticator app" in attempt.content.decode()
    assert TOTPDevice.objects.get(pk=mina.device.pk).confirmed  # hers still works
    assert RecoveryCode.objects.filter(user=mina).count() == 10


def test_moving_to_a_new_phone_with_both_factors_works_and_ends_other_sessions(mina):
    elsewhere = Client()
    sign_in(elsewhere, mina)
    elsewhere.post(reverse("two_factor_verify"), {"token": mina.recovery[0]})
    assert elsewhere.get(reverse("assessments:dashboard")).status_code == 200
    mina.client.get(reverse("two_factor_setup"))
    new = TOTPDevice.objects.get(user=mina, confirmed=False)
    moved = mina.client.post(
        reverse("two_factor_setup"),
        {"token": code(new), "password": PASSWORD, "code": code(mina.device, steps_ahead=1)},
    )
    assert moved.status_code == 302
    assert list(TOTPDevice.objects.filter(user=mina).values_list("pk", flat=True)) == [new.pk]
    assert elsewhere.get(reverse("assessments:dashboard")).status_code == 302
    assert (
        mina.client.get(reverse("assessments:team_report", args=[mina.team.pk])).status_code == 200
    )


def test_new_recovery_codes_need_the_password_too(mina):
    answer = mina.client.post(
        reverse("two_factor"), {"code": code(mina.device, steps_ahead=1), "action": "codes"}
    )
    assert answer.status_code == 200 and "This field is required" in answer.content.decode()
    assert RecoveryCode.objects.filter(user=mina).count() == 10
    made = mina.client.post(
        reverse("two_factor"),
        {"password": PASSWORD, "code": code(mina.device, steps_ahead=1), "action": "codes"},
    )
    assert made["Location"] == reverse("two_factor_codes")


def test_deleting_an_account_with_an_authenticator_needs_a_current_code(mina):
    url = reverse("assessments:delete_account")
    mina.client.post(url, {"password": PASSWORD})
    assert User.objects.filter(pk=mina.pk).exists()
    mina.client.post(url, {"password": PASSWORD, "code": mina.recovery[1]})
    assert not User.objects.filter(pk=mina.pk).exists()


@pytest.mark.parametrize("page", ["password_change", "assessments:delete_account"])
def test_guessing_the_password_from_a_session_locks_out_as_at_sign_in(client, alice, page):
    """Finding 6: these forms checked the password with no limit on guesses."""
    client.force_login(alice)
    for _ in range(5):
        answer = client.post(
            reverse(page),
            {
                "password": "guess-12345",
                "new_password1": "n-e-w-1234",
                "new_password2": "n-e-w-1234",
            },
        )
    assert answer.status_code == 429
    assert SESSION_KEY not in client.session  # the session was signed out
    again = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert again.status_code == 429  # the same lockout as five wrong sign-ins
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD) and User.objects.filter(pk=alice.pk).exists()


def test_a_session_told_to_set_up_cannot_enrol_once_the_owner_has(team):
    """Finding 2: someone who knows a new manager's password signs in first; the
    manager then sets up her phone; the first session must not replace it."""
    omar = UserFactory(username="omar")
    MembershipFactory(team=team, user=omar, role=Membership.Role.MANAGER)
    early, owner = Client(), Client()
    sign_in(early, omar)
    assert early.get(reverse("two_factor_setup")).status_code == 200
    sign_in(owner, omar)
    set_up(owner, omar)
    device = TOTPDevice.objects.get(user=omar, confirmed=True)
    # Setting up ended every other session of hers, the early one included.
    later = early.get(reverse("two_factor_setup"))
    assert later["Location"].startswith(reverse("login"))
    # Even a session that survived (signed in again with the password) owes her code.
    sign_in(early, omar)
    later = early.get(reverse("two_factor_setup"))
    assert later["Location"].startswith(reverse("two_factor_verify"))
    assert early.get(reverse("assessments:team_report", args=[team.pk])).status_code == 302
    assert TOTPDevice.objects.get(user=omar, confirmed=True).pk == device.pk


def test_a_set_up_session_owes_a_code_once_a_device_exists_however_it_came(team):
    """The gate re-reads the database while a session is told to set up: a device
    confirmed since (here written directly) turns the session's state to "verify"."""
    omar = UserFactory(username="omar")
    MembershipFactory(team=team, user=omar, role=Membership.Role.MANAGER)
    early = Client()
    sign_in(early, omar)
    TOTPDevice.objects.create(user=omar, name="Phone", confirmed=True)
    assert early.get(reverse("two_factor_setup"))["Location"].startswith(
        reverse("two_factor_verify")
    )
    assert early.get(reverse("two_factor_qr")).status_code == 302


def test_a_role_given_mid_session_needs_the_second_factor_at_once(client, alice, team):
    """Finding 3: made a manager, then an admin, while signed in with a password only."""
    sign_in(client, alice)
    report = reverse("assessments:team_report", args=[team.pk])
    assert client.get(report).status_code == 404
    Membership.objects.filter(user=alice).update(role=Membership.Role.MANAGER)
    answer = client.get(report)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("assessments:dashboard"))["Location"].startswith(
        reverse("two_factor_setup")
    )
    assert client.get(reverse("assessments:team_report_csv", args=[team.pk])).status_code == 302
    bob = UserFactory(username="promo")
    other = Client()
    sign_in(other, bob)
    User.objects.filter(pk=bob.pk).update(is_staff=True, is_superuser=True)
    assert other.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))
    assert other.get("/admin/assessments/user/")["Location"].startswith(reverse("two_factor_setup"))


def test_the_session_id_is_renewed_when_the_second_factor_is_given(client, mina):
    """Finding 10 (ASVS 7.2.4)."""
    client.post(reverse("logout"))
    sign_in(client, mina)
    before = client.session.session_key
    client.post(reverse("two_factor_verify"), {"token": code(mina.device, steps_ahead=1)})
    assert client.session.session_key != before
    assert client.get(reverse("assessments:team_report", args=[mina.team.pk])).status_code == 200


def test_admins_cannot_read_an_authenticator_secret_through_the_list_filters(
    client, admin_user, mina
):
    """Finding 4: ?key__startswith= told an admin one hex digit at a time."""
    client.force_login(admin_user)
    changelist = reverse("admin:otp_totp_totpdevice_changelist")
    prefix = mina.device.key[:1]
    for lookup in ("key__startswith", "key__regex", "key", "bin_key__startswith"):
        assert client.get(changelist, {lookup: prefix}).status_code == 400
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[mina.device.pk]))
    assert change.status_code == 200 and mina.device.key not in change.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    reset = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[mina.device.pk]), {"post": "yes"}
    )
    assert reset.status_code == 302 and not TOTPDevice.objects.filter(pk=mina.device.pk).exists()


def test_a_password_reset_still_goes_to_the_old_address_after_a_refused_change(client, alice):
    Client().post(reverse("assessments:change_email"), {"email": "a@evil.example", "password": "x"})
    client.post(reverse("password_reset"), {"email": "a@evil.example"})
    assert mail.outbox == []
