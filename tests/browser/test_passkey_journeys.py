"""Passkeys in a real Chromium (issue 22), with Chromium's own virtual authenticator
(the DevTools WebAuthn domain) standing in for a phone or a security key: a team
manager sets one up as her second factor and signs in with password and passkey; a
passkey kept on the device (a resident key) signs in alone from the sign-in page; a
passkey removed from the account is refused. WebAuthn refuses an IP address as the
relying party, so the live server must be reached as `localhost`. The passkey pages
are scanned with axe-core at desktop and phone width."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Membership
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 375]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts sign-ins and passkey attempts in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mina(catalogue):
    """Mina manages North locality; she has a password and no second factor yet."""
    team = TeamFactory(name="North locality", organisation__name="Trust A")
    user = UserFactory(username="mina", email="mina@example.org", first_name="Mina")
    MembershipFactory(team=team, user=user, role=Membership.Role.MANAGER)
    user.team = team
    return user


@pytest.fixture
def authenticator(page):
    """Chromium's virtual authenticator, attached to this page: a platform passkey
    store (internal, CTAP2) that keeps resident keys, verifies its user and answers
    every request at once. Returns (CDP session, authenticator id)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def credentials(authenticator) -> list[dict]:
    cdp, authenticator_id = authenticator
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def sign_in_with_password(page, site, username="mina"):
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username or e-mail address").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def confirm_password_if_asked(page):
    """allauth asks for the password again before a change to how someone signs in,
    unless they proved who they are in the last few minutes."""
    if "/accounts/reauthenticate/" in page.url:
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("continue|confirm", re.I)).click()


def add_passkey(page, site, name, *, alone, check=None):
    """Add a passkey on allauth's page; `alone`: one that signs in without the password
    (a resident key, verified by the device). `check(page)` runs on the form."""
    page.goto(site + "/accounts/2fa/webauthn/add/")
    confirm_password_if_asked(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    if check:
        check(page)
    page.locator("#id_name").fill(name)
    passwordless = page.locator("#id_passwordless")
    if alone:
        passwordless.check()
    else:
        passwordless.uncheck()
    page.locator("#mfa_webauthn_add").click()
    # The first factor set up comes with recovery codes, shown once.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/"))
    expect(page).not_to_have_url(re.compile(r"/webauthn/add/"))


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def scanned(assert_accessible, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_sets_up_a_passkey_and_signs_in_with_password_and_passkey(
    page, site, live_server, mina, authenticator, assert_accessible, width
):
    assert live_server.url.startswith("http://localhost:")  # WebAuthn refuses 127.0.0.1
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_password(page, site)
    # A manager must use two factors: she is sent to set one up before her team.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/\?next=%2Fme%2Fstart%2F"))
    scanned(assert_accessible, page, width)

    add_passkey(
        page,
        site,
        "Mina's laptop",
        alone=False,
        check=lambda form: scanned(assert_accessible, form, width),
    )
    (passkey,) = Authenticator.objects.filter(user=mina, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "Mina's laptop"
    assert len(credentials(authenticator)) == 1  # the device holds its private key
    scanned(assert_accessible, page, width)  # the recovery codes, shown once
    # Setting it up was this sign-in's second factor: her team opens.
    page.goto(site + "/me/start/")
    expect(page).to_have_url(re.compile(rf"/me/teams/{mina.team.pk}/$"))

    page.goto(site + "/accounts/2fa/webauthn/")
    expect(page.get_by_text("Mina's laptop", exact=True).first).to_be_visible()
    scanned(assert_accessible, page, width)

    sign_out(page)
    sign_in_with_password(page, site)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    scanned(assert_accessible, page, width)
    use_passkey = page.locator("#mfa_webauthn_authenticate")
    expect(use_passkey).to_have_accessible_name(re.compile("passkey|security key", re.I))
    use_passkey.click()
    expect(page).to_have_url(re.compile(rf"/me/teams/{mina.team.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("North locality")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


@pytest.mark.parametrize("width", WIDTHS)
def test_a_passkey_kept_on_the_device_signs_in_alone(
    page, site, mina, authenticator, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_password(page, site)
    add_passkey(page, site, "Mina's phone", alone=True)
    (kept,) = credentials(authenticator)
    assert kept["isResidentCredential"]
    passkey = Authenticator.objects.get(user=mina, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().is_passwordless
    sign_out(page)

    page.goto(site + "/accounts/login/")
    scanned(assert_accessible, page, width)
    # No username, no password: the device offers the passkey it keeps for this site.
    passkey_login = page.locator("#passkey_login")
    expect(passkey_login).to_have_accessible_name(re.compile("passkey", re.I))
    passkey_login.click()
    expect(page).to_have_url(re.compile(rf"/me/teams/{mina.team.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("North locality")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None


def refused_passkey_sign_in(page, site):
    """Try the passkey alone from the sign-in page; it must not sign anyone in."""
    page.goto(site + "/accounts/login/")
    with page.expect_navigation():
        page.locator("#passkey_login").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status").first).to_have_text(re.compile(r"\S"))  # says why
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(site + "/me/start/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_passkey_removed_on_its_page_is_refused(
    page, site, mina, authenticator, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_with_password(page, site)
    add_passkey(page, site, "Lost phone", alone=True)
    page.goto(site + "/accounts/2fa/webauthn/")
    scanned(assert_accessible, page, width)
    remove = re.compile("remove", re.I)
    page.get_by_role("link", name=remove).or_(page.get_by_role("button", name=remove)).first.click()
    confirm_password_if_asked(page)
    scanned(assert_accessible, page, width)  # are you sure?
    page.get_by_role("button", name=re.compile("remove", re.I)).click()
    expect(page.get_by_text("Lost phone", exact=True)).to_have_count(0)
    assert not Authenticator.objects.filter(user=mina, type=Authenticator.Type.WEBAUTHN).exists()
    sign_out(page)

    # The device still holds the key; the site no longer knows it.
    assert len(credentials(authenticator)) == 1
    refused_passkey_sign_in(page, site)


def test_a_passkey_removed_on_the_server_is_refused(page, site, mina, authenticator):
    sign_in_with_password(page, site)
    add_passkey(page, site, "Stolen laptop", alone=True)
    sign_out(page)
    Authenticator.objects.filter(user=mina, type=Authenticator.Type.WEBAUTHN).delete()
    refused_passkey_sign_in(page, site)
    # With no factor left her password alone does not open her team: she is sent to
    # set up a second factor again.
    sign_in_with_password(page, site)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/\?next=%2Fme%2Fstart%2F"))
    page.goto(site + f"/me/teams/{mina.team.pk}/")
    expect(page).not_to_have_url(re.compile(rf"/me/teams/{mina.team.pk}/$"))


def test_a_passkey_that_does_not_work_is_said_on_the_page(
    page, site, mina, authenticator, assert_accessible
):
    """A device with no passkey for this site: the browser refuses, and the page says
    so beside the button (allauth's script only told the console)."""
    page.goto(site + "/accounts/login/")
    page.locator("#passkey_login").click()
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text(re.compile("passkey", re.I), timeout=60_000)
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert_accessible(page)
