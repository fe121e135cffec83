"""Two-factor sign-in: required for managers and admins, offered to practitioners;
codes from a real TOTP clock, recovery codes, and nothing opens on a password alone."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.security.helpers import code, set_up, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mina(team):
    """Manages Alice's team but, unlike `manager`, has not set up an authenticator yet."""
    user = UserFactory(username="mina")
    MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
    user.team = team
    return user


def test_a_manager_with_a_password_only_reaches_nothing_but_the_set_up(client, mina):
    sign_in(client, mina)
    for url in (
        reverse("assessments:team_report", args=[mina.team.pk]),
        reverse("assessments:dashboard"),
        reverse("two_factor_verify"),
        "/admin/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_setup"))
    assert client.get(reverse("two_factor_setup")).status_code == 200
    qr = client.get(reverse("two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_setting_up_opens_the_team_pages_and_shows_recovery_codes_once(client, mina):
    sign_in(client, mina)
    set_up(client, mina)
    report = client.get(reverse("assessments:team_report", args=[mina.team.pk]))
    assert report.status_code == 200
    # The codes page shows them once only.
    assert client.get(reverse("two_factor_codes"))["Location"] == reverse("two_factor")


def test_next_sign_in_asks_for_a_code_and_refuses_a_wrong_or_reused_one(client, mina, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # wrong guesses are throttled: tested below
    sign_in(client, mina)
    set_up(client, mina)
    device = TOTPDevice.objects.get(user=mina, confirmed=True)
    client.post(reverse("logout"))
    sign_in(client, mina)
    report_url = reverse("assessments:team_report", args=[mina.team.pk])
    response = client.get(report_url)
    assert response["Location"].startswith(reverse("two_factor_verify"))
    # The set-up page cannot be used to swap in another phone before the code is given.
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(
        reverse("two_factor_verify")
    )
    assert client.get(reverse("two_factor_qr")).status_code in (302, 404)
    wrong = client.post(reverse("two_factor_verify"), {"token": "000000", "next": report_url})
    assert "That code did not match" in wrong.content.decode()
    # The code given at set-up a moment ago may not be used again.
    again = client.post(
        reverse("two_factor_verify"), {"token": mina.first_code, "next": report_url}
    )
    assert "did not match" in again.content.decode()
    fresh = client.post(
        reverse("two_factor_verify"), {"token": code(device, steps_ahead=1), "next": report_url}
    )
    assert fresh["Location"] == report_url
    assert client.get(report_url).status_code == 200


def test_wrong_codes_make_the_next_try_wait(client, mina, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, mina)
    set_up(client, mina)
    device = TOTPDevice.objects.get(user=mina, confirmed=True)
    client.post(reverse("logout"))
    sign_in(client, mina)
    client.post(reverse("two_factor_verify"), {"token": "000000"})
    right = client.post(reverse("two_factor_verify"), {"token": code(device, steps_ahead=1)})
    assert "Too many wrong codes in a row" in right.content.decode()


def test_recovery_codes_are_stored_only_as_digests_and_each_works_once(client, mina):
    from assessments.models import RecoveryCode

    sign_in(client, mina)
    codes = set_up(client, mina)
    stored = set(RecoveryCode.objects.filter(user=mina).values_list("digest", flat=True))
    assert len(stored) == 10 and not any(c.replace("-", "") in d for c in codes for d in stored)
    for attempt in range(2):
        client.post(reverse("logout"))
        sign_in(client, mina)
        typed = codes[0].upper().replace("-", " ")  # as read off paper: any case, spaces
        response = client.post(reverse("two_factor_verify"), {"token": typed})
        if attempt == 0:
            assert response.status_code == 302
            assert client.get(reverse("assessments:dashboard")).status_code == 200
        else:
            assert "did not match" in response.content.decode()


def test_an_admin_must_set_up_two_factor_before_the_admin_opens(client, django_user_model):
    django_user_model.objects.create_superuser("lead", "lead@example.org", PASSWORD)
    client.post("/admin/login/", {"username": "lead", "password": PASSWORD})
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_practitioner_may_turn_it_on_and_off_a_manager_may_not_turn_it_off(client, alice, mina):
    sign_in(client, alice)
    assert client.get(reverse("assessments:dashboard")).status_code == 200  # not required
    recovery = set_up(client, alice)
    device = TOTPDevice.objects.get(user=alice)
    client.post(reverse("logout"))
    sign_in(client, alice)
    assert client.get(reverse("assessments:dashboard")).status_code == 302  # now asked
    client.post(reverse("two_factor_verify"), {"token": code(device, steps_ahead=1)})
    off = client.post(
        reverse("two_factor"), {"password": PASSWORD, "code": recovery[0], "action": "off"}
    )
    assert off.status_code == 302 and not TOTPDevice.objects.filter(user=alice).exists()

    client.post(reverse("logout"))
    sign_in(client, mina)
    set_up(client, mina)
    manager_device = TOTPDevice.objects.get(user=mina)
    page = client.get(reverse("two_factor")).content.decode()
    assert "cannot turn it off" in page and 'value="off"' not in page
    client.post(
        reverse("two_factor"),
        {"password": PASSWORD, "code": code(manager_device, steps_ahead=1), "action": "off"},
    )
    assert TOTPDevice.objects.filter(user=mina, confirmed=True).exists()


def test_the_page_after_the_code_is_never_another_site(client, alice):
    sign_in(client, alice)
    set_up(client, alice)
    device = TOTPDevice.objects.get(user=alice)
    client.post(reverse("logout"))
    sign_in(client, alice)
    response = client.post(
        reverse("two_factor_verify"),
        {"token": code(device, steps_ahead=1), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("assessments:dashboard")


def test_recovery_codes_kept_by_the_old_plugin_still_work_and_lose_their_plain_copy(client, mina):
    """Codes issued before they were hashed lived in plain text in django-otp's static
    tables: the migration keeps each working, stores only its digest, and wipes the text."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    from assessments.models import RecoveryCode

    carry = importlib.import_module(
        "assessments.migrations.0008_recovery_codes_from_django_otp"
    ).carry_over
    sign_in(client, mina)
    set_up(client, mina)
    RecoveryCode.objects.filter(user=mina).delete()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE otp_static_staticdevice (id integer, user_id integer)")
        cursor.execute("CREATE TABLE otp_static_statictoken (device_id integer, token text)")
        cursor.execute("INSERT INTO otp_static_staticdevice VALUES (1, %s)", [mina.pk])
        cursor.execute("INSERT INTO otp_static_statictoken VALUES (1, 'abcd2345')")
    carry(apps, SimpleNamespace(connection=connection))  # all it uses of the schema editor
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM otp_static_statictoken")
        assert cursor.fetchone()[0] == 0
    assert RecoveryCode.objects.filter(user=mina).count() == 1
    client.post(reverse("logout"))
    sign_in(client, mina)
    response = client.post(reverse("two_factor_verify"), {"token": "ABCD2345"})
    assert response.status_code == 302
    assert client.get(reverse("assessments:team_report", args=[mina.team.pk])).status_code == 200
