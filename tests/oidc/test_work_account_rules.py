"""Signing in with a work account, by the rules, through the real test provider
(tests/oidc/provider.mjs): Django's test client is the browser on our side, `requests`
the browser at the provider, and our server fetches the tokens itself, as in
production. What is refused leaves nothing made: no person, no linked work account."""

from __future__ import annotations

import re
import socket
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invite, Membership, User
from tests.factories import PASSWORD, InviteFactory, MembershipFactory, TeamFactory, UserFactory
from tests.oidc.fixtures import CALLBACK_PATH

CALLBACK = f"http://testserver{CALLBACK_PATH}"  # where the test client's site is
LOGIN = "/accounts/oidc/work/login/"
TENANT = "5f1c2a4e-0000-4000-8000-00000000aaaa"
OTHER_TENANT = "5f1c2a4e-0000-4000-8000-00000000bbbb"
APP_NAME = "NHS work account"


def work_app(provider, *, domains=("trust.nhs.uk",), **settings) -> SocialApp:
    """The SocialApp an admin adds for the provider (openid_connect, provider_id
    "work"), vouching for `domains`."""
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="work",
        name=APP_NAME,
        client_id=provider.client_id,
        secret=provider.client_secret,
        settings={
            **provider.social_app_settings(),
            "allowed_email_domains": list(domains),
            **settings,
        },
    )


def at_provider(authorize_url: str, account: str, browser: requests.Session) -> str:
    """At the provider: its login page, the account typed in, "Sign in"; returns the
    URL it sends the browser back to (our callback, with code and state)."""
    page = browser.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    action = re.search(r'action="([^"]+/login)"', page.text)[1]
    answer = browser.post(
        urljoin(page.url, action), data={"account": account}, allow_redirects=False, timeout=5
    )
    while answer.is_redirect:
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(CALLBACK):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=5)
    raise AssertionError(f"never came back: {answer.status_code} {answer.text[:500]}")


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def press_work_account_button(client, next_url: str = "", process: str = "login"):
    """The "Sign in with your work account" button (allauth asks for a POST)."""
    data = {"process": process} | ({"next": next_url} if next_url else {})
    return client.post(LOGIN, data)


def sign_in_with_work_account(client, account: str, *, next_url: str = "", process="login"):
    """The whole round trip; returns our callback's response (not followed)."""
    response = press_work_account_button(client, next_url, process)
    assert response.status_code == 302, response.content.decode()[:1000]
    callback = at_provider(response["Location"], account, requests.Session())
    return client.get(local(callback))


def first_sign_in(client, account: str, *, next_url: str = "", job_role="nurse"):
    """A first sign-in: the callback sends the person to the sign-up page, where only the
    job role is asked; returns the sign-up page and the response to sending it."""
    response = sign_in_with_work_account(client, account, next_url=next_url)
    assert response.status_code == 302, response.content.decode()[:1000]
    assert response["Location"] == reverse("socialaccount_signup")
    form = client.get(response["Location"])
    filled = prefilled(form.content.decode())
    return form, client.post(response["Location"], {**filled, "job_role": job_role})


def prefilled(page: str) -> dict[str, str]:
    """What the browser sends back of the form as given: the text inputs' values (not
    the disabled ones)."""
    return {
        name: value
        for tag in re.findall(r"<input [^>]*>", page)
        if "disabled" not in tag and 'type="hidden"' not in tag
        for name, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', tag)
    }


def nothing_made() -> None:
    assert not SocialAccount.objects.exists()
    assert not User.objects.filter(email__iendswith="@trust.nhs.uk").exists()
    assert not User.objects.filter(email__iendswith="@gmail.com").exists()
    assert not EmailAddress.objects.filter(email__iendswith="@trust.nhs.uk").exists()


def signed_in_as(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


@pytest.fixture
def provider(start_oidc):
    return start_oidc(CALLBACK)


@pytest.fixture
def invite(catalogue):
    """An invitation e-mailed to Ana Nurse (a training lead's staff import makes them)."""
    return InviteFactory(
        team__name="Perinatal team",
        team__organisation__name="Trust A",
        email="nurse@trust.nhs.uk",
        name="Ana Nurse",
        job_role="nurse",
    )


# The first sign-in --------------------------------------------------------------------


def test_a_first_sign_in_asks_only_the_job_role_and_the_address_is_verified(
    client, provider, catalogue
):
    work_app(provider)

    form, response = first_sign_in(client, "nurse@trust.nhs.uk")

    page = form.content.decode()
    assert 'value="Ana"' in page and 'value="Nurse"' in page
    assert re.search(r'value="nurse@trust.nhs.uk"[^>]*disabled', page)
    assert 'name="password1"' not in page and 'name="username"' not in page
    assert response.status_code == 302, response.content.decode()[:1000]
    user = User.objects.get(email="nurse@trust.nhs.uk")
    assert (user.first_name, user.last_name, user.job_role) == ("Ana", "Nurse", "nurse")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).uid == "nurse-0001"
    assert signed_in_as(client) == user
    assert mail.outbox == []  # nothing to confirm: the provider vouched for the address


def test_a_second_sign_in_goes_straight_in(client, provider, catalogue):
    work_app(provider)
    first_sign_in(client, "nurse@trust.nhs.uk")
    client.logout()

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    assert response.status_code == 302
    assert response["Location"] != reverse("socialaccount_signup")
    assert signed_in_as(client).email == "nurse@trust.nhs.uk"
    assert User.objects.filter(email="nurse@trust.nhs.uk").count() == 1


def test_an_invited_nurse_joins_with_her_work_account(client, provider, invite):
    work_app(provider)
    join = reverse("join", args=[invite.token])

    _form, response = first_sign_in(client, "nurse@trust.nhs.uk", next_url=join)
    assert response["Location"] == join
    client.post(join)

    nurse = User.objects.get(email="nurse@trust.nhs.uk")
    assert Membership.objects.filter(team=invite.team, user=nurse).exists()
    invite.refresh_from_db()
    assert invite.used_by == nurse


def test_another_work_account_cannot_use_her_invitation(client, provider, invite):
    """Finding 1, by work account: a forwarded link does not let someone else in, even
    with a verified address of the same trust."""
    work_app(provider)
    join = reverse("join", args=[invite.token])

    _form, response = first_sign_in(client, "other@trust.nhs.uk", next_url=join)
    refused = client.post(join, follow=True)

    assert response.status_code == 302
    other = User.objects.get(email="other@trust.nhs.uk")
    assert signed_in_as(client) == other
    assert "This invitation was sent to nurse@trust.nhs.uk" in refused.content.decode()
    assert not Membership.objects.filter(team=invite.team).exists()
    invite.refresh_from_db()
    assert invite.used_at is None


# Microsoft Entra ID --------------------------------------------------------------------


def entra_issuer(provider, tenant: str) -> str:
    return f"{provider.issuer}/{tenant}/v2.0"


def test_entra_single_tenant_signs_in_with_its_tenant_issuer(client, provider, catalogue):
    """A single-tenant app: the issuer is the tenant's own, as it is."""
    entra = provider.variant("multi-tenant", tenant=TENANT)
    work_app(entra, openid_configuration_overrides={"issuer": entra_issuer(entra, TENANT)})

    _form, response = first_sign_in(client, "nurse@trust.nhs.uk")

    assert response.status_code == 302
    assert SocialAccount.objects.get().extra_data["id_token"]["tid"] == TENANT


def test_entra_single_tenant_refuses_a_token_of_another_tenant(client, provider, catalogue):
    entra = provider.variant("multi-tenant", tenant=OTHER_TENANT)
    work_app(entra, openid_configuration_overrides={"issuer": entra_issuer(entra, TENANT)})

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    assert response.status_code == 401
    nothing_made()


@pytest.mark.parametrize(
    ("allowed", "signed_in"),
    [([TENANT], True), ([OTHER_TENANT], False), ([OTHER_TENANT, TENANT], True)],
)
def test_entra_multi_tenant_lets_in_only_the_allowed_tenants(
    client, provider, catalogue, allowed, signed_in
):
    """The "organizations" endpoint publishes "{tenantid}" in its issuer: the token's tid
    takes its place, and must be one the app allows."""
    entra = provider.variant("multi-tenant", tenant=TENANT)
    work_app(
        entra,
        openid_configuration_overrides={"issuer": entra_issuer(entra, "{tenantid}")},
        allowed_tenants=allowed,
    )

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    if signed_in:
        assert response["Location"] == reverse("socialaccount_signup")
    else:
        assert response.status_code == 401
        nothing_made()


def test_entra_multi_tenant_token_without_a_tenant_is_refused(client, provider, catalogue):
    """A token with no tid cannot fill the "{tenantid}" placeholder."""
    work_app(
        provider,
        openid_configuration_overrides={"issuer": entra_issuer(provider, "{tenantid}")},
        allowed_tenants=[TENANT],
    )

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    assert response.status_code == 401
    nothing_made()


# Refusals: each a plain page, nothing made ---------------------------------------------


@pytest.mark.parametrize("mode", ["wrong-issuer", "bad-signature"])
def test_a_broken_id_token_is_refused(client, provider, catalogue, mode):
    work_app(provider.variant(mode))

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    assert response.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in response.templates]
    assert signed_in_as(client) is None
    nothing_made()


def test_a_replayed_callback_is_refused(client, provider, catalogue):
    """The same callback URL sent twice: the state was used up the first time."""
    work_app(provider)
    response = press_work_account_button(client)
    callback = local(at_provider(response["Location"], "nurse@trust.nhs.uk", requests.Session()))
    assert client.get(callback)["Location"] == reverse("socialaccount_signup")

    again = client.get(callback)

    assert again.status_code == 401
    assert "socialaccount/authentication_error.html" in [t.name for t in again.templates]
    nothing_made()  # the first one is waiting on the job role; the replay made nothing


def test_a_callback_sent_from_another_browser_is_refused(client, provider, catalogue):
    """A callback URL captured and replayed elsewhere: that browser never began a
    sign-in, so it has no state to match."""
    from django.test import Client

    work_app(provider)
    response = press_work_account_button(client)
    callback = local(at_provider(response["Location"], "nurse@trust.nhs.uk", requests.Session()))

    stolen = Client().get(callback)

    assert stolen.status_code == 401
    nothing_made()


def test_an_address_of_another_domain_is_refused(client, provider, catalogue):
    work_app(provider, domains=["trust.nhs.uk"])

    response = sign_in_with_work_account(client, "someone@gmail.com")

    assert response.status_code == 403
    assert "socialaccount/domain_refused.html" in [t.name for t in response.templates]
    assert "someone@gmail.com" in response.content.decode()
    assert signed_in_as(client) is None
    nothing_made()


def test_an_address_the_provider_calls_unverified_is_kept_unconfirmed(client, provider, catalogue):
    """email_verified false: the person may still make an account (the domain is
    allowed), but the address is not counted as theirs until they follow the link
    e-mailed to it, so it opens no invitation sent to it."""
    work_app(provider)

    _form, response = first_sign_in(client, "unverified@trust.nhs.uk")

    assert response.status_code == 302
    user = User.objects.get(email="unverified@trust.nhs.uk")
    assert signed_in_as(client) == user
    assert not EmailAddress.objects.get(user=user).verified
    assert [message.to for message in mail.outbox] == [["unverified@trust.nhs.uk"]]


def test_an_unverified_address_opens_no_invitation_sent_to_it(client, provider, catalogue):
    team = TeamFactory(name="Perinatal team")
    invite = Invite.objects.create(
        team=team, email="unverified@trust.nhs.uk", expires_at=timezone.now() + timedelta(days=1)
    )
    work_app(provider)
    join = reverse("join", args=[invite.token])
    first_sign_in(client, "unverified@trust.nhs.uk", next_url=join)

    refused = client.post(join, follow=True)

    assert "you have not confirmed it yet" in refused.content.decode()
    assert not Membership.objects.filter(team=team).exists()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns


def test_a_provider_that_does_not_answer_gets_a_plain_503(client, provider, catalogue):
    app = work_app(provider)
    app.settings["server_url"] = f"http://127.0.0.1:{closed_port()}"
    app.save()

    response = press_work_account_button(client)

    assert response.status_code == 503
    assert "socialaccount/provider_down.html" in [t.name for t in response.templates]
    nothing_made()


def test_a_provider_that_goes_down_before_the_callback_is_refused(client, start_oidc, catalogue):
    """The provider answered the sign-in, then stopped before our server fetched the
    tokens (its discovery document is fetched again): the same 503 page, nothing made."""
    doomed = start_oidc(CALLBACK, client_id="doomed-client")
    work_app(doomed)
    response = press_work_account_button(client)
    callback = local(at_provider(response["Location"], "nurse@trust.nhs.uk", requests.Session()))
    doomed.stop()

    response = client.get(callback)

    assert response.status_code == 503
    assert "socialaccount/provider_down.html" in [t.name for t in response.templates]
    assert signed_in_as(client) is None
    nothing_made()


# An account that already has the address ----------------------------------------------


def test_an_existing_account_is_linked_only_after_its_password(client, provider, catalogue):
    """SOCIALACCOUNT_EMAIL_AUTHENTICATION is off: the work account does not sign into
    the account with its address. The person is told at once (before any form) that an
    account here has the address, and to sign in to it and link the work account.
    Signed in with the password, the person connects the work account (allauth asks for
    the password once more first); from then on it signs them straight in."""
    ana = UserFactory(username="ana", email="nurse@trust.nhs.uk", job_role="nurse")
    work_app(provider)

    refused = sign_in_with_work_account(client, "nurse@trust.nhs.uk")

    assert refused.status_code == 409
    page = refused.content.decode()
    assert "You already have an account here" in page
    assert "Sign in to link your work account" in page
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact="nurse@trust.nhs.uk").count() == 1

    signed_in = client.post(reverse("account_login"), {"login": "ana", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in_as(client) == ana
    connected = sign_in_with_work_account(
        client,
        "nurse@trust.nhs.uk",
        process="connect",
        next_url=reverse("socialaccount_connections"),
    )
    # allauth asks for the password once more before adding a way to sign in (a fresh
    # sign-in does not count: only a "confirm it is you" does), then connects.
    assert connected["Location"].startswith(reverse("account_reauthenticate"))
    assert not SocialAccount.objects.exists()
    proved = client.post(connected["Location"], {"password": PASSWORD})
    assert proved.status_code == 302, proved.content.decode()[:1000]
    assert SocialAccount.objects.get().user == ana

    client.logout()
    again = sign_in_with_work_account(client, "nurse@trust.nhs.uk")
    assert again.status_code == 302
    assert again["Location"] != reverse("socialaccount_signup")
    assert signed_in_as(client) == ana


# An organisation that asks for work accounts -------------------------------------------


def test_an_organisation_requiring_work_accounts_refuses_the_password(client, provider, catalogue):
    ana = UserFactory(username="ana", email="nurse@trust.nhs.uk", job_role="nurse")
    team = TeamFactory(name="Perinatal team", organisation__name="Trust A")
    team.organisation.requires_work_account = True
    team.organisation.save()
    MembershipFactory(team=team, user=ana)
    work_app(provider)
    SocialAccount.objects.create(
        user=ana, provider="work", uid="nurse-0001", extra_data={}
    )  # linked earlier, as in the test above

    refused = client.post(reverse("account_login"), {"login": "ana", "password": PASSWORD})

    assert refused.status_code == 200
    assert "Trust A asks its people to sign in with their work account" in refused.content.decode()
    assert signed_in_as(client) is None

    response = sign_in_with_work_account(client, "nurse@trust.nhs.uk")
    assert response.status_code == 302
    assert signed_in_as(client) == ana


# The admin's page for the provider -----------------------------------------------------


def test_the_admin_never_shows_the_client_secret_back(client, provider, admin_user):
    app = work_app(provider)
    client.force_login(admin_user)  # with both factors (tests.factories.with_authenticator)
    change = reverse("admin:socialaccount_socialapp_change", args=[app.pk])

    page = client.get(change)

    assert page.status_code == 200
    assert provider.client_secret not in page.content.decode()
    assert provider.client_id in page.content.decode()


def test_the_admin_keeps_the_secret_when_saved_empty(client, provider, admin_user):
    import json

    app = work_app(provider)
    client.force_login(admin_user)
    change = reverse("admin:socialaccount_socialapp_change", args=[app.pk])
    form = {
        "provider": "openid_connect",
        "provider_id": "work",
        "name": "Trust work account",
        "client_id": app.client_id,
        "secret": "",
        "key": "",
        "settings": json.dumps(app.settings),
    }

    response = client.post(change, form)

    assert response.status_code == 302, response.content.decode()[:3000]
    app.refresh_from_db()
    assert app.name == "Trust work account"
    assert app.secret == provider.client_secret


def test_a_client_secret_that_starts_with_a_dash_still_signs_in(start_oidc, client, catalogue):
    # A random secret begins with "-" one time in 64; the provider must still start
    # and check it (CI once failed on exactly that).
    provider = start_oidc(CALLBACK, client_secret="-dash-first-secret")
    work_app(provider)

    first_sign_in(client, "nurse@trust.nhs.uk")

    assert signed_in_as(client).email == "nurse@trust.nhs.uk"
