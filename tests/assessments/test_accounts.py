"""Sign-up switch, sign-in lockout, password reset by e-mail."""

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import User
from tests.assessments.helpers import signup_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_is_closed_unless_the_setting_opens_it(client, catalogue, settings):
    settings.IMHCF_SIGNUP_OPEN = False
    assert client.get(reverse("signup")).status_code == 404
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(reverse("signup"), signup_form("Carol", "Jones", "carol"))
    # A new practitioner goes straight to the first domain to rate.
    assert response.status_code == 302 and response["Location"] == "/me/level/1/domain/1/"
    carol = User.objects.get(username="carol")
    assert carol.target_level == 2  # a midwife's suggested level
    assert carol.display_name == "Carol Jones"


def test_sign_up_keeps_what_was_typed_when_passwords_differ(client, catalogue, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(
        reverse("signup"), signup_form("Carol", "Jones", "carol", password2="another-phrase")
    )
    page = response.content.decode()
    assert "The two password fields didn’t match." in page
    assert 'value="carol@example.org"' in page


def test_sign_up_asks_for_a_name_and_a_role_and_says_a_weak_password_where_it_was_typed(
    client, catalogue, settings
):
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(
        reverse("signup"),
        {"username": "carol", "email": "c@example.org", "password1": "short", "password2": "short"},
    )
    form = response.context["form"]
    assert set(form.errors) == {"first_name", "last_name", "job_role", "password1"}
    assert "too short" in form.errors["password1"][0]
    assert not User.objects.filter(username="carol").exists()


def sign_in(client, password, address="10.0.0.1", username="alice"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_sign_in_locks_after_five_failures_for_that_user_and_address(client, alice):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with a message
    assert sign_in(client, "wrong").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "x-pass-12345")  # even the right password, for now
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # Another colleague behind the same address is not locked out…
    UserFactory(username="bea", password="bea-pass-12345")
    assert sign_in(client, "bea-pass-12345", username="bea").status_code == 302
    # …and Alice from another address can still sign in.
    client.logout()
    assert sign_in(client, "x-pass-12345", address="10.0.0.2").status_code == 302


def test_password_reset_sends_a_link_that_works(client, alice):
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "brand-new-phrase-9", "new_password2": "brand-new-phrase-9"},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).check_password("brand-new-phrase-9")
