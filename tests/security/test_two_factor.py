"""Two-factor sign-in (django-allauth's pages, our rule of who must): required for
managers and admins, offered to practitioners; codes from a real TOTP clock, recovery
codes, and nothing of a manager's or an admin's opens on a password alone.

Setting up runs in transactional tests: allauth records a new authenticator (and our
receiver counts it as this sign-in's second factor) when its transaction commits."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.urls import reverse

from assessments.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.security.helpers import (
    a_new_period,
    code,
    give_code,
    prove_again,
    set_up,
    sign_in,
    sign_in_with_both_factors,
)

pytestmark = pytest.mark.django_db
setting_up = pytest.mark.django_db(transaction=True)


@pytest.fixture
def mina(team):
    """Manages Alice's team but, unlike `manager`, has not set up an authenticator yet."""
    user = UserFactory(username="mina")
    MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
    user.team = team
    return user


def report(mina) -> str:
    return reverse("assessments:team_report", args=[mina.team.pk])


def test_a_manager_with_a_password_only_is_sent_to_set_up_a_second_factor(client, mina):
    sign_in(client, mina)
    for url in (report(mina), reverse("assessments:team_report_csv", args=[mina.team.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_index"))
    assert client.get(reverse("mfa_index")).status_code == 200
    # Her own pages, which hold no one else's data, stay open.
    assert client.get(reverse("assessments:dashboard")).status_code == 200


@setting_up
def test_setting_up_opens_the_team_pages_and_shows_recovery_codes(client, mina):
    sign_in(client, mina)
    codes = set_up(client, mina)
    assert client.get(report(mina)).status_code == 200
    totp = Authenticator.objects.get(user=mina, type=Authenticator.Type.TOTP)
    assert decrypt(totp.data["secret"]) == mina.secret  # the key shown is the one kept
    assert mina.secret not in str(totp.data)  # ...encrypted: the database alone is not enough
    # The codes are not kept in the clear: only a seed they are made from.
    stored = Authenticator.objects.get(user=mina, type=Authenticator.Type.RECOVERY_CODES)
    assert not any(c in str(stored.data) for c in codes)


@setting_up
def test_next_sign_in_asks_for_a_code_and_refuses_a_wrong_or_reused_one(client, mina):
    sign_in(client, mina)
    set_up(client, mina)
    client.post(reverse("account_logout"))
    a_new_period()
    answer = sign_in(client, mina)
    assert answer["Location"].startswith(reverse("mfa_authenticate"))
    # Nothing is open yet: the person is not signed in until the code is given.
    assert client.get(report(mina))["Location"].startswith(reverse("account_login"))
    # Nor can the set-up page swap in another phone.
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_login"))
    wrong = give_code(client, "000000")
    assert wrong.status_code == 200 and "code" in wrong.context["form"].errors
    right = give_code(client, secret=mina.secret)
    assert right.status_code == 302
    assert client.get(report(mina)).status_code == 200
    # The same code, a moment later, on another sign-in: refused.
    client.post(reverse("account_logout"))
    sign_in(client, mina)
    again = give_code(client, secret=mina.secret)
    assert again.status_code == 200 and "code" in again.context["form"].errors
    assert client.get(report(mina))["Location"].startswith(reverse("account_login"))


def test_wrong_codes_make_the_next_tries_refused(client, manager):
    """allauth's rate limit on codes (five wrong ones per person, then a wait): a guesser
    cannot go through the million codes, even the right one is refused meanwhile."""
    sign_in(client, manager)
    for _ in range(5):
        assert give_code(client, "000000").status_code == 200
    right = give_code(client)
    assert right.status_code == 200 and "code" in right.context["form"].errors
    assert "_auth_user_id" not in client.session


@setting_up
def test_each_recovery_code_works_once(client, mina):
    sign_in(client, mina)
    codes = set_up(client, mina)
    for attempt in range(2):
        client.post(reverse("account_logout"))
        sign_in(client, mina)
        response = give_code(client, codes[0])
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(report(mina)).status_code == 200
        else:
            assert response.status_code == 200 and "code" in response.context["form"].errors


def test_an_admin_must_set_up_two_factor_before_the_admin_opens(client, django_user_model):
    django_user_model.objects.create_superuser("lead", "lead@example.org", PASSWORD)
    client.post(reverse("account_login"), {"login": "lead", "password": PASSWORD})
    for url in ("/admin/", reverse("assessments:dashboard")):
        response = client.get(url)
        assert response["Location"].startswith(reverse("mfa_index")), url


def test_an_admin_with_an_authenticator_gives_its_code_before_the_admin_opens(client, admin_user):
    answer = sign_in(client, admin_user)
    assert answer["Location"].startswith(reverse("mfa_authenticate"))
    give_code(client)
    assert client.get("/admin/").status_code == 200


def test_an_admin_given_the_role_mid_session_gives_a_code_at_once(client, alice):
    """Roles are read on every request: made staff while signed in with the password
    only, the next page asks for the second factor."""
    from tests.factories import with_authenticator

    with_authenticator(alice)
    del alice.signs_in_with_both_factors
    client.force_login(alice)  # the password only: her app was not asked for
    alice.is_staff = True
    alice.save()
    response = client.get(reverse("assessments:dashboard"))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    client.post(reverse("mfa_reauthenticate"), {"code": code()})
    assert client.get(reverse("assessments:dashboard")).status_code == 200


@setting_up
def test_a_practitioner_may_turn_it_on_and_off(client, alice):
    sign_in(client, alice)
    assert client.get(reverse("assessments:dashboard")).status_code == 200  # not required
    set_up(client, alice)
    client.post(reverse("account_logout"))
    answer = sign_in(client, alice)
    assert answer["Location"].startswith(reverse("mfa_authenticate"))  # now asked
    give_code(client, secret=alice.secret)
    prove_again(client, secret=alice.secret)
    totp = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    off = client.post(reverse("mfa_deactivate_totp"), {"id": totp.pk})
    assert off.status_code == 302
    assert not Authenticator.objects.filter(user=alice).exists()


def test_the_page_after_the_code_is_never_another_site(client, manager):
    client.post(
        reverse("account_login") + "?next=https://evil.example/",
        {"login": manager.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = give_code(client)
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_signing_in_with_both_factors_lands_on_the_managers_team(client, manager, team):
    response = sign_in_with_both_factors(client, manager)
    assert client.get(response["Location"], follow=True).status_code == 200
    assert client.get(reverse("assessments:team_report", args=[team.pk])).status_code == 200
