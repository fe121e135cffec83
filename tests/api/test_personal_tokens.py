"""A person's own API tokens: she makes one on her account after proving who she is
again, sees it once, and a program of hers reads her own record with it (and nothing
else); revoked, it stops at once. Every use is logged with the token's prefix only."""

import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.api import personal_keys
from assessments.models import PersonalAPIKey
from tests.assessments.helpers import rate
from tests.factories import api_key
from tests.security.helpers import prove_again

pytestmark = pytest.mark.django_db


def bearer(token: str) -> dict:
    return {"authorization": f"Bearer {token}"}


def made(user, name="My spreadsheet") -> tuple[PersonalAPIKey, str]:
    return personal_keys.make_token(user=user, name=name)


def test_making_a_token_asks_who_she_is_then_shows_it_once(client, alice):
    client.force_login(alice)

    asked = client.post(reverse("assessments:api_token_new"), {"name": "My spreadsheet"})
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("account_reauthenticate"))
    assert not PersonalAPIKey.objects.exists()  # nothing made before she proves it

    prove_again(client)
    shown = client.post(reverse("assessments:api_token_new"), {"name": "My spreadsheet"})

    assert shown.status_code == 200
    token = PersonalAPIKey.objects.get()
    secret = shown.context["secret"]
    assert secret.startswith(token.prefix + ".") and secret in shown.content.decode()
    assert "it will not be shown again" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert token.is_valid(secret) and not token.is_valid(secret + "x")  # kept as a hash
    listing = client.get(reverse("assessments:api_tokens")).content.decode()
    assert token.prefix in listing and secret not in listing and "never" in listing


def test_a_token_without_a_name_is_not_made(client, alice):
    client.force_login(alice)
    prove_again(client)

    response = client.post(reverse("assessments:api_token_new"), {"name": "   "})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not PersonalAPIKey.objects.exists()


def test_her_program_reads_her_own_record_with_the_token(alice, bob):
    rate(alice, {(1, 1): ("achieved", "Her own note")})
    rate(bob, {(1, 1): ("achieved", "Bob's note")})
    _, secret = made(alice)
    program = Client()

    me = program.get("/api/v1/me/", headers=bearer(secret))
    ratings = program.get("/api/v1/me/ratings/?level=1", headers=bearer(secret))

    assert me.status_code == 200 and me.json()["email"] == "alice@example.org"
    assert b"Her own note" in ratings.content and b"Bob's note" not in ratings.content
    token = PersonalAPIKey.objects.get()
    assert token.last_used_at is not None


def test_a_token_reads_nothing_but_her_own_record(alice, team):
    _, secret = made(alice)
    program = Client()
    organisation = f"/api/v1/organisations/{team.organisation_id}/"

    assert program.get(organisation, headers=bearer(secret)).status_code == 401
    assert program.get("/api/v1/organisations/", headers=bearer(secret)).status_code == 401
    page = program.get(reverse("assessments:dashboard"), headers=bearer(secret))
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))


def test_an_organisation_key_is_nobody_s_record(team):
    _, key = api_key(team.organisation, scope="write")

    response = Client().get("/api/v1/me/", headers={"authorization": f"Api-Key {key}"})

    assert response.status_code == 401


@pytest.mark.parametrize("spoil", ["revoked", "expired", "mistyped", "inactive", "no_secret"])
def test_a_token_that_cannot_be_used_is_refused_with_401(alice, spoil):
    token, secret = made(alice)
    if spoil == "revoked":
        personal_keys.revoke_token(token=token)
    elif spoil == "expired":
        token.expiry_date = timezone.now() - timedelta(minutes=1)
        token.save()
    elif spoil == "mistyped":
        secret = secret[:-1] + ("x" if secret[-1] != "x" else "y")
    elif spoil == "inactive":
        alice.is_active = False
        alice.save()
    else:
        secret = token.prefix

    response = Client().get("/api/v1/me/", headers=bearer(secret))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "not valid" in response.json()["detail"]


def test_revoking_stops_the_token_at_once_and_only_hers_can_be_revoked(client, alice, bob):
    token, secret = made(alice)
    bobs, _ = made(bob, "Bob's")
    client.force_login(alice)

    assert (
        client.get(reverse("assessments:api_token_revoke", args=[bobs.prefix])).status_code == 404
    )
    assert (
        client.post(reverse("assessments:api_token_revoke", args=[bobs.prefix])).status_code == 404
    )
    confirm = client.get(reverse("assessments:api_token_revoke", args=[token.prefix]))
    assert "stops working at once" in confirm.content.decode()
    done = client.post(reverse("assessments:api_token_revoke", args=[token.prefix]), follow=True)

    assert "is revoked" in done.content.decode()
    assert Client().get("/api/v1/me/", headers=bearer(secret)).status_code == 401
    assert not PersonalAPIKey.objects.get(pk=bobs.pk).revoked


def test_every_use_is_logged_with_the_prefix_never_the_token(alice, caplog):
    token, secret = made(alice)

    with caplog.at_level(logging.INFO, logger="imhcf.security"):
        Client().get("/api/v1/me/", headers=bearer(secret))
        Client().get("/api/v1/me/", headers=bearer(token.prefix + ".wrong"))

    lines = [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    assert any("api_token.used" in line and token.prefix in line for line in lines)
    assert any("api_token.refused" in line and "wrong_secret" in line for line in lines)
    assert not any(secret in line or ".wrong" in line for line in lines)


def test_a_token_costs_one_query_and_a_write_at_most_once_a_minute(
    alice, django_assert_num_queries
):
    _, secret = made(alice)
    program = Client()
    program.get("/api/v1/me/", headers=bearer(secret))  # writes last used

    # The token with its person, then the framework (2) and her ratings (1).
    with django_assert_num_queries(4):
        program.get("/api/v1/me/", headers=bearer(secret))


def test_her_tokens_go_with_her_account(client, alice):
    made(alice)
    alice.delete()

    assert not PersonalAPIKey.objects.exists()
