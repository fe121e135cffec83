"""Someone whose only way in is a work account (no password, no second factor) proves
who they are with it again before a change to how they sign in, or before deleting the
account (security.reauth): allauth 65.21 asks such a person nothing. A sign-in with the
work account within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds counts; an older one sends
them to "Confirm it's you", which sends them to the provider (prompt=login) and back.

Through the real test provider (tests/oidc/provider.mjs), as in
test_work_account_rules.py. "Five minutes later" is the sign-in's record in the session
moved back in time."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.urls import reverse

from assessments.models import Membership, PersonalAPIKey, User
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.oidc.fixtures import CALLBACK_PATH
from tests.oidc.test_work_account_rules import (
    at_provider,
    first_sign_in,
    local,
    signed_in_as,
    work_app,
)
from tests.security.helpers import code, prove_again, secret_shown

CALLBACK = f"http://testserver{CALLBACK_PATH}"
CONFIRM = reverse("confirm_with_work_account")
NURSE = "nurse@trust.nhs.uk"


@pytest.fixture
def provider(start_oidc):
    return start_oidc(CALLBACK)


@pytest.fixture
def security_log(caplog):
    """The lines written to the imhcf.security logger during the test."""
    logger = logging.getLogger("imhcf.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="imhcf.security")
    yield lambda: [r.getMessage() for r in caplog.records if r.name == "imhcf.security"]
    logger.removeHandler(caplog.handler)


@pytest.fixture
def ana(client, provider, catalogue) -> User:
    """Ana Nurse, made by her work account's first sign-in, still signed in on `client`;
    no password, no second factor."""
    work_app(provider)
    _form, response = first_sign_in(client, NURSE)
    assert response.status_code == 302, response.content.decode()[:1000]
    user = User.objects.get(email=NURSE)
    assert not user.has_usable_password()
    return user


def records(client, user) -> list[dict]:
    """allauth's records of how `user` signed in, in this client's session."""

    class Request:
        session = client.session

    return get_authentication_records(Request, user)


def later(client, seconds: int = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 60) -> None:
    """As if `seconds` had passed since every sign-in of this session (allauth's records
    of how the person signed in; the session's own clocks are left alone)."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def sent_to_confirm(response) -> str:
    """`response` sends her to "Confirm it's you"; returns where she goes after it."""
    assert response.status_code == 302, response.content.decode()[:500]
    location = urlsplit(response["Location"])
    assert location.path == CONFIRM, response["Location"]
    return parse_qs(location.query)["next"][0]


def confirm_with_work_account(client, next_url: str, account: str = NURSE):
    """ "Confirm it's you": the page, its button (allauth's confirmation, then a POST),
    the provider asking again, and the callback. Returns the callback's response."""
    page = client.get(CONFIRM, {"next": next_url})
    assert page.status_code == 200, page
    text = page.content.decode()
    assert "<h1>Confirm it" in text and "Continue with your work account" in text
    [href] = page.context["providers"]
    query = parse_qs(urlsplit(href["url"]).query)
    assert query["process"] == ["login"]
    assert query["next"] == [next_url]
    assert query["auth_params"] == ["prompt=login"]
    assert client.get(href["url"]).status_code == 200  # allauth's "Continue" page
    leave = client.post(href["url"])
    assert leave.status_code == 302, leave.content.decode()[:500]
    assert parse_qs(urlsplit(leave["Location"]).query)["prompt"] == ["login"]
    callback = at_provider(leave["Location"], account, requests.Session())
    back = client.get(local(callback))
    assert back.status_code == 302, back.content.decode()[:1000]
    assert back["Location"] == next_url
    return back


# A work-account-only person --------------------------------------------------------


def test_right_after_signing_in_she_may_add_an_address(client, ana):
    added = client.post(reverse("account_email"), {"action_add": "", "email": "ana@nhs.example"})

    assert added.status_code == 302 and urlsplit(added["Location"]).path != CONFIRM
    assert [message.to for message in mail.outbox] == [["ana@nhs.example"]]


def test_five_minutes_later_adding_an_address_needs_her_work_account_again(
    client, ana, security_log
):
    later(client)
    add = {"action_add": "", "email": "ana@nhs.example"}

    back_to = sent_to_confirm(client.post(reverse("account_email"), add))

    assert back_to == reverse("account_email")
    assert mail.outbox == []
    assert not EmailAddress.objects.filter(email="ana@nhs.example").exists()
    assert any(
        line.startswith("event=reauth.work_account_asked")
        and "page='account_email'" in line
        and f"user_id={ana.pk}" in line
        for line in security_log()
    )

    confirm_with_work_account(client, back_to)
    assert signed_in_as(client) == ana
    assert any(r["method"] == "socialaccount" for r in records(client, ana))
    added = client.post(reverse("account_email"), add)
    assert added.status_code == 302 and urlsplit(added["Location"]).path != CONFIRM
    assert [message.to for message in mail.outbox] == [["ana@nhs.example"]]


def test_five_minutes_later_adding_a_passkey_needs_her_work_account_again(client, ana):
    later(client)
    add = reverse("mfa_add_webauthn")

    assert sent_to_confirm(client.get(add)) == add
    assert sent_to_confirm(client.post(add, {"name": "My phone", "credential": "{}"})) == add
    assert not Authenticator.objects.filter(user=ana).exists()

    confirm_with_work_account(client, add)
    page = client.get(add)
    assert page.status_code == 200  # the passkey's set-up page (the browser does the rest)


def test_five_minutes_later_deleting_the_account_needs_her_work_account_again(client, ana):
    later(client)
    delete = reverse("assessments:delete_account")

    assert sent_to_confirm(client.post(delete)) == delete
    assert User.objects.filter(pk=ana.pk).exists()

    confirm_with_work_account(client, delete)
    assert client.get(delete).status_code == 200
    gone = client.post(delete)
    assert gone.status_code == 302
    assert not User.objects.filter(pk=ana.pk).exists()


def test_linking_or_unlinking_a_work_account_five_minutes_later_needs_it_again(client, ana):
    later(client)
    [account] = ana.socialaccount_set.all()

    unlink = client.post(reverse("socialaccount_connections"), {"account": account.pk})
    link = client.post("/accounts/oidc/work/login/", {"process": "connect"})

    assert sent_to_confirm(unlink) == reverse("socialaccount_connections")
    assert sent_to_confirm(link) == reverse("socialaccount_connections")
    assert ana.socialaccount_set.count() == 1


def test_setting_a_password_five_minutes_later_needs_her_work_account_again(client, ana):
    later(client)
    page = reverse("account_set_password")

    assert sent_to_confirm(client.get(page)) == page
    assert sent_to_confirm(client.post(page, {"password1": "x", "password2": "x"})) == page
    ana.refresh_from_db()
    assert not ana.has_usable_password()


def test_looking_at_her_addresses_and_second_factors_asks_nothing(client, ana):
    later(client)

    assert client.get(reverse("account_email")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("socialaccount_connections")).status_code == 200


def test_a_sign_in_as_someone_else_at_the_provider_does_not_count(client, ana):
    """The provider's answer is a sign-in: another person's work account signs that
    person in (here: a new account to make), never proves who Ana is."""
    later(client)
    delete = reverse("assessments:delete_account")
    sent_to_confirm(client.post(delete))

    page = client.get(CONFIRM, {"next": delete})
    [href] = page.context["providers"]
    leave = client.post(href["url"])
    callback = at_provider(leave["Location"], "other@trust.nhs.uk", requests.Session())
    client.get(local(callback))

    assert signed_in_as(client) != ana
    assert User.objects.filter(pk=ana.pk).exists()


def test_the_page_sends_anyone_who_needs_no_work_account_on(client, ana):
    assert client.get(CONFIRM, {"next": "/accounts/email/"})["Location"] == "/accounts/email/"
    assert client.get(CONFIRM, {"next": "https://evil.example/"})["Location"] == (
        reverse("account_email")
    )


# A person with a password: allauth's own prompt, unchanged ---------------------------


def test_a_person_with_a_password_is_asked_for_it_as_before(client, catalogue):
    alice = UserFactory(username="alice", email="alice@example.org")
    client.force_login(alice)  # a session that proved nothing lately

    asked = client.post(reverse("account_email"), {"action_add": "", "email": "a@nhs.example"})

    assert asked.status_code == 302
    assert urlsplit(asked["Location"]).path == reverse("account_reauthenticate")
    assert client.get(CONFIRM, {"next": reverse("account_email")})["Location"] == (
        reverse("account_email")
    )
    prove_again(client)
    added = client.post(reverse("account_email"), {"action_add": "", "email": "a@nhs.example"})
    assert urlsplit(added["Location"]).path != reverse("account_reauthenticate")


# A work-account-only manager, who must use two factors ---------------------------------


@pytest.fixture
def ana_manages(ana):
    team = TeamFactory(name="Perinatal team", organisation__name="Trust A")
    MembershipFactory(team=team, user=ana, role=Membership.Role.MANAGER)
    return team


# allauth tells of a new factor once committed (security.reauth counts it as given).
setting_up = pytest.mark.django_db(transaction=True)


def activate_app(client) -> str:
    """The authenticator app's set-up page, answered with the app's code; returns the
    response to the code."""
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page
    secret = secret_shown(page.content.decode())
    return client.post(reverse("mfa_activate_totp"), {"code": code(secret)})


@setting_up
def test_a_manager_sets_up_her_second_factor_right_after_signing_in(client, ana, ana_manages):
    team_page = reverse("assessments:team_report", args=[ana_manages.pk])

    gate = client.get(team_page)
    assert gate.status_code == 302
    assert urlsplit(gate["Location"]).path == reverse("mfa_index")

    done = activate_app(client)

    assert done.status_code == 302, done.content.decode()[:800]
    assert Authenticator.objects.filter(user=ana, type=Authenticator.Type.TOTP).exists()
    assert client.get(team_page).status_code == 200


@setting_up
def test_a_manager_who_waited_proves_it_with_her_work_account_then_sets_it_up(
    client, ana, ana_manages
):
    team_page = reverse("assessments:team_report", args=[ana_manages.pk])
    later(client)
    assert urlsplit(client.get(team_page)["Location"]).path == reverse("mfa_index")
    activate = reverse("mfa_activate_totp")

    back_to = sent_to_confirm(client.get(activate))
    confirm_with_work_account(client, back_to)
    done = activate_app(client)

    assert done.status_code == 302, done.content.decode()[:800]
    assert Authenticator.objects.filter(user=ana, type=Authenticator.Type.TOTP).exists()
    assert client.get(team_page).status_code == 200


@setting_up
def test_an_admin_with_only_a_work_account_can_prove_it_while_she_owes_a_factor(client, ana):
    """The gate lets an admin owing her second factor reach "Confirm it's you" and the
    provider's sign-in, or she could never set one up."""
    User.objects.filter(pk=ana.pk).update(is_staff=True, is_superuser=True)
    later(client)
    activate = reverse("mfa_activate_totp")

    back_to = sent_to_confirm(client.get(activate))
    confirm_with_work_account(client, back_to)
    done = activate_app(client)

    assert done.status_code == 302, done.content.decode()[:800]
    assert client.get(reverse("admin:index")).status_code == 200


def test_five_minutes_later_making_an_api_token_needs_her_work_account_again(client, ana):
    later(client)
    new = reverse("assessments:api_token_new")

    back_to = sent_to_confirm(client.post(new, {"name": "My spreadsheet"}))

    assert back_to == new
    assert not PersonalAPIKey.objects.exists()
    confirm_with_work_account(client, back_to)
    assert client.get(new)["Location"] == reverse("assessments:api_tokens")  # asks again
    made = client.post(new, {"name": "My spreadsheet"})
    assert made.status_code == 200 and made.context["secret"]
    assert PersonalAPIKey.objects.get().user == ana
