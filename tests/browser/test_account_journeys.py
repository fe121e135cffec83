"""A practitioner changes how she signs in, in a real Chromium at desktop and phone
width: deleting the account and changing the e-mail address each ask who she is again
(her password, even just after signing in), a wrong password is named beside the
field, a new address counts once she follows the link sent to it, and changing the
password needs the current one. Every page scanned with axe-core."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from assessments.models import User
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def confirm_it_is_you(page, password):
    """allauth's "Confirm it's you" page, with the password."""
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_changing_email_and_password_needs_the_current_password(
    page, site, alice, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site, "alice", password="x-pass-12345")

    # Deleting asks who she is first; a wrong password is said beside the field (and in
    # the summary at the top, a link to the field), and nothing is deleted.
    page.goto(site + "/me/delete/")
    confirm_it_is_you(page, "not-my-password")
    expect(page.get_by_role("link", name=re.compile("That password is not right."))).to_be_visible()
    expect(
        page.locator(".invalid-feedback", has_text="That password is not right.")
    ).to_be_visible()
    assert_accessible(page)
    assert User.objects.filter(username="alice").exists()

    # A new address: asked again who she is, then a link is sent to the new address,
    # which replaces the old one once she follows it.
    page.goto(site + "/me/profile/")
    page.get_by_role("link", name="Your e-mail address").click()
    assert_accessible(page)
    page.get_by_label("New e-mail address").fill("alice@nhs.example")
    page.get_by_role("button", name="Change e-mail address").click()
    confirm_it_is_you(page, "x-pass-12345")
    expect(page.get_by_text("We sent a link to alice@nhs.example").first).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(username="alice").email == "alice@example.org"
    (sent,) = [m for m in mail.outbox if m.to == ["alice@nhs.example"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", sent.body).group(0)
    page.goto(site + urlsplit(link).path)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("alice@nhs.example").first).to_be_visible()
    assert User.objects.get(username="alice").email == "alice@nhs.example"

    # The password: the current one is asked for, and a wrong one is refused.
    page.goto(site + "/me/profile/")
    page.get_by_role("link", name="Change your password").click()
    assert_accessible(page)
    page.get_by_label("Your current password").fill("not-my-password")
    page.locator("#id_password1").fill("another-long-phrase")
    page.locator("#id_password2").fill("another-long-phrase")
    page.get_by_role("button", name="Change my password").click()
    expect(
        page.locator(".invalid-feedback", has_text="That password is not right.")
    ).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(username="alice").check_password("x-pass-12345")
    page.get_by_label("Your current password").fill("x-pass-12345")
    page.locator("#id_password1").fill("another-long-phrase")
    page.locator("#id_password2").fill("another-long-phrase")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(username="alice").check_password("another-long-phrase")
