"""A training lead makes an API key in a real Chromium, at desktop and phone size with
axe-core: she opens her organisation's keys, makes a read-and-write key, confirms it is
her with her authenticator app, copies the key shown once, sees a program's use of it
as "last used", and revokes it; the program is refused at once."""

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from assessments.models import Organisation, OrganisationAPIKey, TrainingLead
from tests.browser.helpers import PASSWORD, app_code, phone_problems, sign_in
from tests.factories import TeamFactory, UserFactory, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-api-keys")  # noqa: S108 (for a person to look at)


def program(site: str, path: str, key: str) -> int:
    """What a program sending `key` is answered (the status)."""
    ask = urllib.request.Request(site + path, headers={"Authorization": f"Api-Key {key}"})
    try:
        with urllib.request.urlopen(ask, timeout=10) as answer:  # noqa: S310 (our live server)
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def looked_at(page, assert_accessible, name: str, width: int) -> None:
    assert_accessible(page)
    assert width > 375 or phone_problems(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_lead_makes_a_key_copies_it_once_sees_it_used_and_revokes_it(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    trust_a = Organisation.named("Trust A")
    TeamFactory(name="North locality", organisation=trust_a)
    tess = with_authenticator(
        UserFactory(username="tess", first_name="Tess", last_name="Lead", email="t@a.example")
    )
    TrainingLead.objects.create(organisation=trust_a, user=tess)
    assert PASSWORD  # she signs in with the factories' password and her app
    sign_in(page, site, "tess", authenticator=tess.totp)
    page.goto(f"{site}/me/organisations/{trust_a.pk}/")
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("heading", name="API keys for Trust A")).to_be_visible()
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    expect(
        page.get_by_text("Read and write: also add staff (the staff import's checks)", exact=False)
    ).to_be_visible()
    looked_at(page, assert_accessible, "empty", width)

    # A name is needed: nothing is made without one, and her choice is kept.
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make the key").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    cache.clear()  # the code given at sign-in a moment ago is not taken twice
    page.get_by_label("Code").fill(app_code(tess.totp))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Read and write")).to_be_checked()
    assert not OrganisationAPIKey.objects.exists()

    page.get_by_label("What it is for").fill("Board report")
    page.get_by_role("button", name="Make the key").click()  # proved a moment ago
    expect(page.get_by_role("heading", name="Your new API key")).to_be_visible()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    made = OrganisationAPIKey.objects.get()
    shown = page.get_by_test_id("api-key")
    expect(shown).to_have_text(re.compile(rf"^{re.escape(made.prefix)}\.\w+$"))
    secret = shown.inner_text()
    looked_at(page, assert_accessible, "made", width)

    teams = f"/api/v1/organisations/{trust_a.pk}/teams/"
    assert program(site, teams, secret) == 200
    page.get_by_role("link", name="Back to the API keys").click()
    listing = page.get_by_test_id("api-keys")
    expect(listing).to_contain_text("Board report")
    expect(listing).to_contain_text(f"{made.prefix}…")
    expect(listing).to_contain_text("Read and write")
    expect(listing).to_contain_text("Tess Lead")
    expect(listing).not_to_contain_text("never")  # the program's use shows
    assert secret.split(".")[1] not in page.content()
    looked_at(page, assert_accessible, "list", width)

    page.get_by_role("link", name="Revoke Board report").click()
    expect(page.get_by_role("heading", name="Revoke the key “Board report”")).to_be_visible()
    looked_at(page, assert_accessible, "revoke", width)
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    expect(listing).to_contain_text("Revoked on")
    assert program(site, teams, secret) == 401
    looked_at(page, assert_accessible, "revoked", width)
