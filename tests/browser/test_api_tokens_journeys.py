"""A practitioner makes her own API token in a real Chromium, at desktop and phone size
with axe-core: from her profile, she names it, confirms it is her with her password,
copies the token shown once, a program of hers reads her record with it, and she
revokes it; the program is refused at once."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import PersonalAPIKey
from tests.browser.helpers import PASSWORD, phone_problems, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-api-tokens")  # noqa: S108 (for a person to look at)


def program(site: str, token: str) -> tuple[int, dict]:
    """What a program of hers sending `token` is answered: the status and the body."""
    ask = urllib.request.Request(site + "/api/v1/me/", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(ask, timeout=10) as answer:  # noqa: S310 (our live server)
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return int(refused.code), json.loads(refused.read())


def looked_at(page, assert_accessible, name: str, width: int) -> None:
    assert_accessible(page)
    assert width > 375 or phone_problems(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 375])
def test_she_makes_a_token_copies_it_once_her_program_reads_her_record_and_she_revokes_it(
    page, site, width, assert_accessible, catalogue
):
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(username="alice", first_name="Alice", last_name="Hughes", job_role="midwife")
    sign_in(page, site, "alice")
    page.goto(f"{site}/me/profile/")
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens")).to_be_visible()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    looked_at(page, assert_accessible, "empty", width)

    page.get_by_label("What it is for").fill("My spreadsheet")
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your new API token")).to_be_visible()
    expect(page.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    made = PersonalAPIKey.objects.get()
    shown = page.get_by_test_id("api-token")
    expect(shown).to_have_text(re.compile(rf"^{re.escape(made.prefix)}\.\w+$"))
    secret = shown.inner_text()
    looked_at(page, assert_accessible, "made", width)

    status, body = program(site, secret)
    assert status == 200 and body["name"] == "Alice Hughes"
    assert body["job_role"]["label"] == "Midwife"
    page.get_by_role("link", name="Back to your API tokens").click()
    listing = page.get_by_test_id("api-tokens")
    expect(listing).to_contain_text("My spreadsheet")
    expect(listing).to_contain_text(f"{made.prefix}…")
    expect(listing).not_to_contain_text("never")  # the program's use shows
    assert secret.split(".")[1] not in page.content()
    looked_at(page, assert_accessible, "list", width)

    page.get_by_role("link", name="Revoke My spreadsheet").click()
    expect(page.get_by_role("heading", name="Revoke the token “My spreadsheet”")).to_be_visible()
    looked_at(page, assert_accessible, "revoke", width)
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    assert program(site, secret)[0] == 401
