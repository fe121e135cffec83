"""A manager sent to set up a second factor is told why, first; someone who opens the
page of their own accord reads about it without being told they must."""

import pytest
from django.urls import reverse

from assessments.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.security.helpers import sign_in

pytestmark = pytest.mark.django_db

MUST = "Set up a second step to go on."


def test_a_manager_sent_to_set_up_reads_why_before_anything_else(client, team):
    mina = UserFactory(username="mina")
    MembershipFactory(team=team, user=mina, role=Membership.Role.MANAGER)
    sign_in(client, mina)
    sent = client.get(reverse("assessments:team_report", args=[team.pk]))
    page = client.get(sent["Location"]).content.decode()
    assert MUST in page
    assert page.index(MUST) < page.index("Authenticator app")


def test_the_page_opened_of_ones_own_accord_does_not_say_must(client):
    bob = UserFactory(username="bob")
    sign_in(client, bob)
    page = client.get(reverse("mfa_index")).content.decode()
    assert MUST not in page
    assert "Authenticator app" in page


@pytest.mark.django_db(transaction=True)  # allauth tells of a removed app once committed
def test_a_manager_who_removes_her_only_app_is_asked_to_set_one_up_again(team):
    """A new phone: she removes the old app. Her team pages then ask for a second
    factor again; nothing of the team's opens on this sign-in until she sets one up."""
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from tests.security.helpers import prove_again, set_up

    mina = UserFactory(username="mina")
    MembershipFactory(team=team, user=mina, role=Membership.Role.MANAGER)
    client = Client()
    sign_in(client, mina)
    set_up(client, mina)
    report = reverse("assessments:team_report", args=[team.pk])
    assert client.get(report).status_code == 200
    prove_again(client, secret=mina.secret)
    app = Authenticator.objects.get(user=mina, type=Authenticator.Type.TOTP)
    assert client.post(reverse("mfa_deactivate_totp"), {"id": app.pk}).status_code == 302
    assert client.get(report)["Location"].startswith(reverse("mfa_index"))
