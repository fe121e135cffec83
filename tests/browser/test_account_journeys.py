"""A practitioner changes how she signs in, in a real Chromium at desktop and phone
width: the e-mail address and the password each need her current password, a wrong
one is named beside the field with what she typed kept, and deleting the account asks
the same. Every page scanned with axe-core."""

import pytest
from playwright.sync_api import expect

from assessments.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_changing_email_and_password_needs_the_current_password(
    page, site, alice, assert_accessible, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("x-pass-12345")
    page.get_by_role("button", name="Sign in").click()
    page.goto(site + "/me/profile/")
    page.get_by_role("link", name="Change e-mail address").click()
    assert_accessible(page)
    page.get_by_label("New e-mail address").fill("alice@nhs.example")
    page.get_by_label("Your current password").fill("not-my-password")
    page.get_by_role("button", name="Change e-mail address").click()
    # Said in the summary at the top (a link to the field) and beside the field.
    expect(page.get_by_role("link", name="That password is not right.")).to_be_visible()
    expect(
        page.locator(".invalid-feedback", has_text="That password is not right.")
    ).to_be_visible()
    expect(page.get_by_label("New e-mail address")).to_have_value("alice@nhs.example")
    assert_accessible(page)
    page.get_by_label("Your current password").fill("x-pass-12345")
    page.get_by_role("button", name="Change e-mail address").click()
    expect(page.get_by_text("E-mail address changed.")).to_be_visible()
    assert User.objects.get(username="alice").email == "alice@nhs.example"

    page.get_by_role("link", name="Change password").click()
    assert_accessible(page)
    page.get_by_label("Your current password").fill("x-pass-12345")
    page.locator("#id_new_password1").fill("another-long-phrase")
    page.locator("#id_new_password2").fill("another-long-phrase")
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page)
    assert User.objects.get(username="alice").check_password("another-long-phrase")

    page.goto(site + "/me/delete/")
    assert_accessible(page)
    page.get_by_label("Your current password").fill("x-pass-12345")
    page.get_by_role("button", name="Delete my account and data").click()
    expect(page.get_by_text("Nothing was deleted.")).to_be_visible()
    assert_accessible(page)
    assert User.objects.filter(username="alice").exists()
