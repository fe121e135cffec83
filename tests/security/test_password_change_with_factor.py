"""Changing the password at an open session: the current password, and, where the
person has an authenticator app or a passkey, that too (the hand-written pages asked
for both; allauth's page asks only the current password)."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, with_authenticator
from tests.security.helpers import prove_again

pytestmark = pytest.mark.django_db

NEW = {"oldpassword": PASSWORD, "password1": "n-e-w-12345x", "password2": "n-e-w-12345x"}


def test_with_an_app_the_current_password_alone_does_not_change_it(client):
    mina = with_authenticator(UserFactory(username="mina"))
    client.force_login(mina)
    answer = client.post(reverse("account_change_password"), NEW)
    assert answer.status_code == 302
    assert answer["Location"].startswith(reverse("account_reauthenticate"))
    mina.refresh_from_db()
    assert mina.check_password(PASSWORD)
    prove_again(client)  # a code from her app
    assert client.post(reverse("account_change_password"), NEW).status_code == 302
    mina.refresh_from_db()
    assert mina.check_password("n-e-w-12345x")


def test_without_one_the_current_password_is_enough(client):
    bob = UserFactory(username="bob")
    client.force_login(bob)
    assert client.post(reverse("account_change_password"), NEW).status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("n-e-w-12345x")
