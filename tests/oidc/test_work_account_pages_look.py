"""Every page a person can meet on the way in with a work account, in Chromium at a
desktop's width and a phone's: axe-core finds nothing and no Content Security Policy
violation is reported, nothing runs past a 375 px screen and every control is big
enough to touch (tests/browser/helpers.PHONE_PROBLEMS), and the page opens with its
answer (its h1 says what happened). Through the real test provider
(tests/oidc/provider.mjs). A screenshot of each goes to /tmp/shots-work/ for a person
to look at (name-width.png)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import User
from tests.browser.conftest import assert_accessible, axe, context  # noqa: F401
from tests.browser.helpers import phone_problems
from tests.factories import UserFactory
from tests.oidc.test_work_account_sign_in import (  # work_app: a fixture
    at_the_provider,
    work_account_button,
    work_app,  # noqa: F401
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-work")  # noqa: S108 (for a person to look at)
WIDTHS = [1280, 375]


@pytest.fixture
def site(live_server, transactional_db, catalogue):
    """The live site with the shipped catalogue (as tests/browser/conftest.py's)."""
    return live_server.url


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request, page) -> int:
    """The screen's width for the test (800 px tall either way)."""
    page.set_viewport_size({"width": request.param, "height": 800})
    return request.param


@pytest.fixture
def looks_right(page, width, assert_accessible):  # noqa: F811
    """looks_right(name, h1): the page as it stands opens with `h1`, passes axe-core
    with no CSP violation, fits the screen with controls big enough to touch; its
    screenshot is saved as /tmp/shots-work/<name>-<width>.png."""
    SHOTS.mkdir(exist_ok=True)

    def check(name: str, h1: str) -> None:
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text(h1)
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        assert_accessible(page)
        assert phone_problems(page) == [], f"{name} at {width} px"

    return check


def signed_in_long_ago(page) -> None:
    """As if more than ACCOUNT_REAUTHENTICATION_TIMEOUT seconds had passed since every
    sign-in of the browser's session (allauth's records of how the person signed in)."""
    cookie = next(c for c in page.context.cookies() if "sessionid" in c["name"])
    session = SessionStore(session_key=cookie["value"])
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 60
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns


def point_at(app: SocialApp, server_url: str) -> None:
    app.settings = {**app.settings, "server_url": server_url}
    app.save()


def test_the_way_in_with_a_work_account(page, site, work_app, looks_right):  # noqa: F811
    """Ana's first sign-in, her work account's page, and being asked again later."""
    page.goto(site + reverse("account_login"))
    expect(work_account_button(page).first).to_be_visible()
    looks_right("sign-in", "Sign in")

    work_account_button(page).first.click()
    looks_right("continue", "Sign in with your work account")

    at_the_provider(page, "nurse@trust.nhs.uk")
    expect(page.get_by_label("Job role")).to_be_visible()
    looks_right("first-sign-in", "Create your account")

    page.get_by_label("Job role").select_option("nurse")
    page.get_by_role("button", name=re.compile("create my account", re.IGNORECASE)).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/3rdparty/signup/"))
    page.goto(site + reverse("socialaccount_connections"))
    expect(page.get_by_text("nurse@trust.nhs.uk")).to_be_visible()
    looks_right("connections", "Your work account")

    signed_in_long_ago(page)
    page.goto(site + reverse("account_set_password"))
    expect(page).to_have_url(re.compile(re.escape(reverse("confirm_with_work_account"))))
    looks_right("confirm-its-you", "Confirm it's you")


def test_a_refused_address_of_another_domain(page, site, work_app, looks_right):  # noqa: F811
    page.goto(site + reverse("account_login"))
    work_account_button(page).first.click()
    at_the_provider(page, "someone@gmail.com")

    looks_right("domain-refused", "This work account cannot be used here")
    expect(page.get_by_text("someone@gmail.com")).to_be_visible()
    assert not User.objects.filter(email="someone@gmail.com").exists()


def test_an_address_that_already_has_an_account(page, site, work_app, looks_right):  # noqa: F811
    UserFactory(username="ana", email="nurse@trust.nhs.uk", job_role="nurse")
    page.goto(site + reverse("account_login"))
    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")

    looks_right("link-first", "You already have an account here")
    assert not SocialAccount.objects.exists()


def test_a_provider_that_does_not_answer(page, site, work_app, looks_right):  # noqa: F811
    point_at(work_app, f"http://127.0.0.1:{closed_port()}")
    page.goto(site + reverse("account_login"))
    work_account_button(page).first.click()  # allauth asks the provider before its page

    looks_right("provider-down", "Your work account did not answer")


def test_a_token_from_another_issuer(page, site, work_app, oidc_provider, looks_right):  # noqa: F811
    """The provider's tokens name another issuer than the one it was set up with."""
    point_at(work_app, oidc_provider.variant("wrong-issuer").issuer)
    page.goto(site + reverse("account_login"))
    work_account_button(page).first.click()
    at_the_provider(page, "nurse@trust.nhs.uk")

    looks_right("authentication-error", "We could not confirm your work account")
    assert not SocialAccount.objects.exists()
