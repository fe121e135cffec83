"""Sign-up switch, sign-in lockout, password reset by e-mail."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from assessments.models import User
from tests.assessments.helpers import signup_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_is_closed_unless_the_setting_opens_it(client, catalogue, settings):
    settings.IMHCF_SIGNUP_OPEN = False
    closed = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" in [t.name for t in closed.templates]
    client.post(reverse("account_signup"), signup_form("Carol", "Jones", "carol"))
    assert not User.objects.filter(username="carol").exists()
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(reverse("account_signup"), signup_form("Carol", "Jones", "carol"))
    # A new practitioner goes straight to the first domain to rate.
    assert response.status_code == 302 and response["Location"] == "/me/level/1/domain/1/"
    carol = User.objects.get(username="carol")
    assert carol.target_level == 2  # a midwife's suggested level
    assert carol.display_name == "Carol Jones"


def test_sign_up_keeps_what_was_typed_when_passwords_differ(client, catalogue, settings):
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(
        reverse("account_signup"),
        signup_form("Carol", "Jones", "carol", password2="another-phrase"),
    )
    assert "password2" in response.context["form"].errors
    page = response.content.decode()
    assert 'value="carol@example.org"' in page
    assert not User.objects.filter(username="carol").exists()


def test_sign_up_asks_for_a_name_and_a_role_and_says_a_weak_password_where_it_was_typed(
    client, catalogue, settings
):
    settings.IMHCF_SIGNUP_OPEN = True
    response = client.post(
        reverse("account_signup"),
        {"username": "carol", "email": "c@example.org", "password1": "short", "password2": "short"},
    )
    form = response.context["form"]
    assert set(form.errors) == {"first_name", "last_name", "job_role", "password1"}
    assert "too short" in form.errors["password1"][0]
    assert not User.objects.filter(username="carol").exists()


def sign_in(client, password, address="10.0.0.1", username="alice"):
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_locks_after_five_failures_for_that_user_and_address(client, alice):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with a message
    assert sign_in(client, "wrong").status_code == 429  # the fifth failure locks (django-axes)
    locked = sign_in(client, "x-pass-12345")  # even the right password, for now
    assert not signed_in(client)
    assert "Too many" in locked.content.decode()
    # Another colleague behind the same address is not locked out…
    UserFactory(username="bea", password="bea-pass-12345")
    assert sign_in(client, "bea-pass-12345", username="bea").status_code == 302
    assert signed_in(client)
    client.logout()
    # …and from another address Alice herself signs in at once: a stranger's guesses
    # lock her name from the stranger's address only (django-axes and allauth alike)…
    assert sign_in(client, "x-pass-12345", address="10.0.0.2").status_code == 302
    assert signed_in(client)


def test_password_reset_sends_a_link_that_works(client, alice):
    client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200 and "password1" in form.context["form"].fields
    done = client.post(
        form.redirect_chain[-1][0],
        {"password1": "brand-new-phrase-9", "password2": "brand-new-phrase-9"},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=alice.pk).check_password("brand-new-phrase-9")
