"""A manager and a practitioner in a real Chromium: share and withdraw evidence; a
manager's first sign-in sets up two-factor sign-in, then opens and filters the team
report, downloads both exports and signs off; axe on each page."""

import csv
import io
import os
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessments.models import Membership, Organisation, Review, User
from tests.assessments.helpers import rate
from tests.browser.helpers import app_code, sign_in
from tests.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team(site):
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    for username, role, job in [
        ("alice", "member", "health_visitor"),
        ("bob", "member", "early_years"),
        ("mina", "manager", ""),
    ]:
        user = UserFactory(
            username=username, password="x-pass-12345", job_role=job, first_name=username.title()
        )
        Membership.objects.create(team=team, user=user, role=role)
    rate(User.objects.get(username="alice"), {(1, 1): ("achieved", "Joint visits each week.")})
    return team


def test_practitioner_shares_then_withdraws_evidence(page, site, team, assert_accessible):
    sign_in(page, site, "alice")
    page.goto(site + "/me/profile/")
    expect(page.get_by_text("Its managers see your statuses only.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Share my evidence with North locality").click()
    expect(
        page.get_by_text("The managers of North locality can now read your evidence.")
    ).to_be_visible()
    assert Membership.objects.get(user__username="alice").shares_evidence
    page.get_by_role("button", name="Withdraw my evidence with North locality").click()
    expect(page.get_by_text("You withdrew your evidence")).to_be_visible()
    assert not Membership.objects.get(user__username="alice").shares_evidence


def test_manager_filters_the_report_downloads_exports_and_signs_off(
    page, site, team, assert_accessible
):
    Membership.objects.filter(user__username="alice").update(shares_evidence=True)
    sign_in(page, site, "mina")
    # A manager must set up a second factor first: her team page sends her to do it. She
    # confirms her password, sets up an authenticator app as a person would, typing the
    # key shown into an "app" (here allauth's own code function), and is shown her
    # recovery codes.
    expect(page.get_by_role("heading", name="Two-factor sign-in and passkeys")).to_be_visible()
    expect(page.get_by_test_id("must-set-up")).to_contain_text("Set up a second step to go on.")
    assert_accessible(page)
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("x-pass-12345")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page)
    secret = page.get_by_test_id("secret").inner_text()
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    assert_accessible(page)
    page.goto(site + "/me/teams/")
    page.get_by_role("link", name="North locality").click()
    expect(page.get_by_test_id("heatmap")).to_contain_text("Alice")
    assert_accessible(page)

    page.get_by_role("button", name="Make an invitation link").click()
    expect(page.get_by_role("heading", name="Invitation to North locality")).to_be_visible()
    expect(page.get_by_label("Invitation link")).to_have_value(re.compile(r"/join/[\w-]+/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Back to the team report").click()

    page.get_by_label("Job role").select_option("early_years")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("heatmap")).not_to_contain_text("Alice")
    expect(page.get_by_test_id("heatmap")).to_contain_text("Bob")
    page.get_by_label("Job role").select_option("")
    page.get_by_role("button", name="Show").click()

    with page.expect_download() as got:
        page.get_by_role("link", name="Download heat map (CSV)").click()
    rows = list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["Heat map for North locality (Trust A), Level 1"]
    assert rows[2][2] == "Domain 1: Relationship-based practice"
    assert ["Alice", "Health visitor", "Achieved"] == rows[3][:3]
    with page.expect_download() as got:
        page.get_by_role("link", name="Download heat map (XLSX)").click()
    sheet = load_workbook(io.BytesIO(open(got.value.path(), "rb").read())).active
    assert sheet["A3"].value == "Member" and sheet.max_row == 5

    page.get_by_role("link", name="Training plan for the team").click()
    # The answer first; the full table behind a disclosure.
    expect(page.get_by_test_id("team-answer")).to_contain_text("What to fund first")
    expect(page.get_by_test_id("team-plan")).not_to_be_visible()
    page.get_by_text("Every course in the plan").click()
    expect(page.get_by_test_id("team-plan")).to_be_visible()
    assert_accessible(page)
    if shots := os.environ.get("IMHCF_SHOTS"):
        page.screenshot(path=f"{shots}/team-plan-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: rows stack, no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if shots := os.environ.get("IMHCF_SHOTS"):
        page.screenshot(path=f"{shots}/team-plan-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.go_back()
    page.get_by_role("link", name="Alice").click()
    expect(page.get_by_text("Joint visits each week.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Comment for Alice").fill("Good joint working.")
    page.get_by_label("Sign off this assessment as it stands now").check()
    page.get_by_role("button", name="Save review").click()
    expect(page.get_by_text("Signed off, with a snapshot of the assessment.")).to_be_visible()
    review = Review.objects.get()
    assert review.signed_off and review.snapshot[0]["evidence"] == "Joint visits each week."
