"""Accounts from before addresses were confirmed (migration 0020) are asked, on their
dashboard, to confirm theirs, and one button sends the link."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unconfirmed_address_is_asked_for_on_the_dashboard_and_one_button_sends_the_link(
    client, catalogue
):
    user = UserFactory(email="hv@trust.nhs.uk", email_confirmed=False)
    client.force_login(user)
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Please confirm your e-mail address" in page
    assert "hv@trust.nhs.uk" in page

    response = client.post(
        reverse("account_email"), {"email": "hv@trust.nhs.uk", "action_send": ""}
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["hv@trust.nhs.uk"]]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = (
        link.split("testserver", 1)[-1]
        if "testserver" in link
        else re.sub(r"^http://[^/]+", "", link)
    )
    client.post(path)

    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Please confirm your e-mail address" not in page


def test_a_confirmed_address_is_not_asked_for(client, catalogue):
    client.force_login(UserFactory())
    page = client.get(reverse("assessments:dashboard")).content.decode()
    assert "Please confirm your e-mail address" not in page
