"""Signing in with a work account, as a person does it in Chromium: our pages, the test
identity provider's login page (tests/oidc/provider.mjs, a real OpenID Connect provider
with PKCE), and back. The rules in detail are in test_work_account_rules.py."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Membership, User
from tests.factories import PASSWORD, InviteFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORK_ACCOUNT = re.compile(r"sign in with (your )?(nhs )?work account", re.IGNORECASE)


@pytest.fixture
def site(live_server, transactional_db, catalogue):
    """The live site with the shipped catalogue (as tests/browser/conftest.py's)."""
    return live_server.url


@pytest.fixture
def work_app(oidc_provider, site):
    """The provider as the admin adds it: OpenID Connect, "work", vouching for
    trust.nhs.uk addresses."""
    return SocialApp.objects.create(
        provider="openid_connect",
        provider_id="work",
        name="NHS work account",
        client_id=oidc_provider.client_id,
        secret=oidc_provider.client_secret,
        settings={
            **oidc_provider.social_app_settings(),
            "allowed_email_domains": ["trust.nhs.uk"],
        },
    )


@pytest.fixture
def invite(site):
    """An invitation e-mailed to Ana Nurse (a training lead's staff import makes them)."""
    return InviteFactory(
        team__name="Perinatal team",
        team__organisation__name="Trust A",
        email="nurse@trust.nhs.uk",
        name="Ana Nurse",
        job_role="nurse",
    )


def work_account_button(page):
    """The work-account button (a link to allauth's step before the provider)."""
    return page.get_by_role("link", name=WORK_ACCOUNT).or_(
        page.get_by_role("button", name=WORK_ACCOUNT)
    )


def at_the_provider(page, account: str) -> None:
    """allauth's "Continue" (a POST), then the provider's own login page."""
    page.get_by_role("button", name=re.compile("continue", re.IGNORECASE)).click()
    expect(page.get_by_label("Account")).to_be_visible()
    page.get_by_label("Account").fill(account)
    page.get_by_role("button", name="Sign in").click()


def test_an_invited_nurse_joins_with_her_work_account(page, site, work_app, invite):
    """Done means: from the e-mailed link, her work account, her job role, her team."""
    page.goto(site + reverse("join", args=[invite.token]))
    expect(page.get_by_role("heading", name="Join Perinatal team")).to_be_visible()
    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")

    # Back here: only the job role is asked; the rest came from her work account.
    expect(page.get_by_label("First name")).to_have_value("Ana")
    expect(page.get_by_label("Last name")).to_have_value("Nurse")
    expect(page.get_by_label("Email")).to_have_value("nurse@trust.nhs.uk")
    expect(page.get_by_label("Email")).to_be_disabled()
    expect(page.get_by_label(re.compile("password", re.IGNORECASE))).to_have_count(0)
    expect(page.get_by_label("Username")).to_have_count(0)
    page.get_by_label("Job role").select_option("nurse")
    page.get_by_role("button", name=re.compile("create my account", re.IGNORECASE)).click()

    # On the join page, signed in as herself.
    expect(page).to_have_url(site + reverse("join", args=[invite.token]))
    page.get_by_role("button", name=re.compile(r"join perinatal team", re.IGNORECASE)).click()
    expect(page.get_by_text("You joined Perinatal team.")).to_be_visible()

    nurse = User.objects.get(email="nurse@trust.nhs.uk")
    assert (nurse.first_name, nurse.last_name, nurse.job_role) == ("Ana", "Nurse", "nurse")
    assert EmailAddress.objects.get(user=nurse, email="nurse@trust.nhs.uk").verified
    assert Membership.objects.filter(team=invite.team, user=nurse).exists()
    assert SocialAccount.objects.get(user=nurse).uid == "nurse-0001"


def test_another_work_account_cannot_use_her_invitation(page, site, work_app, invite):
    """Finding 1 by work account: Olu, with a verified address of the same trust, is
    given Ana's link; he may make his account, but not join with her invitation."""
    page.goto(site + reverse("join", args=[invite.token]))
    work_account_button(page).first.click()
    at_the_provider(page, "other@trust.nhs.uk")
    expect(page.get_by_label("First name")).to_have_value("Olu")
    page.get_by_label("Job role").select_option("nurse")
    page.get_by_role("button", name=re.compile("create my account", re.IGNORECASE)).click()
    page.get_by_role("button", name=re.compile(r"join perinatal team", re.IGNORECASE)).click()

    expect(page.get_by_text("This invitation was sent to nurse@trust.nhs.uk")).to_be_visible()
    assert not Membership.objects.filter(team=invite.team).exists()
    invite.refresh_from_db()
    assert invite.used_at is None


def test_an_existing_account_is_linked_after_its_password_then_signs_in_straight(
    page, site, work_app
):
    """An account with the same (verified) address: the work account does not sign
    into it. After signing in with the password (and once more to confirm), she links
    it; from then on the work account signs her straight in."""
    ana = UserFactory(username="ana", email="nurse@trust.nhs.uk", job_role="nurse")
    page.goto(site + "/accounts/login/")
    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")
    expect(page.get_by_role("heading", name="You already have an account here")).to_be_visible()
    assert not SocialAccount.objects.exists()

    page.get_by_role("link", name="Sign in to link your work account").click()
    page.get_by_label(re.compile("username", re.IGNORECASE)).fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("socialaccount_connections"))))
    page.get_by_role("link", name=re.compile("work account", re.I)).or_(
        page.get_by_role("button", name=re.compile("work account", re.I))
    ).first.click()
    page.get_by_role("button", name=re.compile("continue", re.IGNORECASE)).click()
    # The provider remembers her from a minute ago: no login page this time. allauth
    # asks for the password once more before adding a way to sign in.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("confirm|continue", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/3rdparty/"))
    assert SocialAccount.objects.get().user == ana

    page.context.clear_cookies()
    page.goto(site + "/accounts/login/")
    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")
    expect(page.get_by_label("Job role")).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|3rdparty/signup)/"))
    assert User.objects.filter(email__iexact="nurse@trust.nhs.uk").count() == 1


def test_an_organisation_that_requires_work_accounts(page, site, work_app):
    """Trust A asks its people to use their work accounts: Ana's password is refused
    with a pointer to the button, and the button signs her in."""
    ana = UserFactory(username="ana", email="nurse@trust.nhs.uk", job_role="nurse")
    team = TeamFactory(name="Perinatal team", organisation__name="Trust A")
    team.organisation.requires_work_account = True
    team.organisation.save()
    MembershipFactory(team=team, user=ana)
    SocialAccount.objects.create(user=ana, provider="work", uid="nurse-0001", extra_data={})

    page.goto(site + "/accounts/login/")
    page.get_by_label(re.compile("username", re.IGNORECASE)).fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(
        page.get_by_text(re.compile("Trust A asks its people to sign in with their work"))
    ).to_be_visible()

    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|3rdparty/signup)/"))
    page.goto(site + reverse("assessments:profile"))
    expect(page).to_have_url(site + reverse("assessments:profile"))


def test_an_address_of_another_domain_gets_a_plain_refusal(page, site, work_app):
    page.goto(site + "/accounts/login/")
    work_account_button(page).first.click()
    at_the_provider(page, "someone@gmail.com")

    expect(page.get_by_text("someone@gmail.com").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not User.objects.filter(email="someone@gmail.com").exists()
    assert not SocialAccount.objects.exists()
