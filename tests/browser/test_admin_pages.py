"""The admin in a real Chromium under the site's Content Security Policy: the pages a
training lead uses most load without the browser blocking anything."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import User
from catalogue.models import Course
from tests.browser.helpers import give_code, sign_in
from tests.factories import with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_pages_break_no_rule_of_the_content_security_policy(page, site, assert_accessible):
    lead = User.objects.create_superuser("lead", "lead@example.org", "x-pass-12345")
    app = with_authenticator(lead).totp
    course = Course.objects.order_by("pk").first()
    # The admin's own sign-in page sends admins to the one everyone uses, and the
    # admin opens only after the code from the authenticator app.
    page.goto(site + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, site, "lead", password="x-pass-12345", go=False)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert_accessible(page)
    give_code(page, app)
    expect(page.locator("#site-name")).to_be_visible()
    for path in (
        "/admin/",
        "/admin/catalogue/course/",
        f"/admin/catalogue/course/{course.pk}/change/",
        "/admin/catalogue/competency/import/",
        "/admin/assessments/user/add/",
        "/admin/assessments/team/add/",
    ):
        page.goto(site + path)
        expect(page.locator("#content")).to_be_visible()
        assert page.evaluate("window.__cspViolations") == [], path


def test_the_admin_course_page_and_the_wording_import_pass_axe_and_fit_a_laptop(page, site, axe):
    """And an organisation's and a team's pages, with their people inline."""
    lead = User.objects.create_superuser("lead", "lead@example.org", "x-pass-12345")
    app = with_authenticator(lead).totp
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, site, "lead", password="x-pass-12345", authenticator=app)
    glasgow = Course.objects.get(slug="glasgow-imh-msc")  # the most modules and links
    for path in (
        f"/admin/catalogue/course/{glasgow.pk}/change/",
        "/admin/catalogue/competency/import/",
        "/admin/assessments/organisation/add/",  # its training leads, inline
        "/admin/assessments/team/add/",  # its members and managers, inline
    ):
        page.goto(site + path)
        expect(page.locator("#content")).to_be_visible()
        assert page.evaluate("window.__cspViolations") == [], path
        # Every inline field named, links in text underlined. (Checked on its own: axe's
        # own scan makes Django admin's scripts add an inline style, not the page.)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, path
