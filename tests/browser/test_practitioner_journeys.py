"""A practitioner in a real Chromium: sign up, choose a role, rate with evidence,
see progress, gaps and the plan, download the PDF; and a conflict between two
windows. Every page scanned with axe-core."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import RECORD_CSP
from tests.browser.helpers import sign_in, sign_up
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_practitioner_journey_from_sign_up_to_the_plan_pdf(page, site, settings, assert_accessible):
    settings.IMHCF_SIGNUP_OPEN = True
    page.goto(site + "/")
    page.get_by_role("link", name="Start your self-assessment").click()
    assert_accessible(page)
    sign_up(page, "Hana", "Ahmed", "hana")

    # Straight to the first domain, with the way on to the next one.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Level 1 · Domain 1")
    expect(page.get_by_text("We sent a link to hana@example.org")).to_be_visible()
    page.get_by_label("Working towards").check()
    page.get_by_role("button", name="Save and go to Domain 2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Level 1 · Domain 2")
    expect(page.get_by_text("Saved 1 item in Domain 1 at Level 1.")).to_be_visible()
    assert_accessible(page)
    page.goto(site + "/me/profile/")
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Level 3: supervising, managing and shaping services").check()
    page.get_by_label("Level 3: supervising, managing and shaping services").press("Enter")
    expect(page.get_by_text("You are assessing up to Level 3.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(r"^Assess level 1, domain 1:")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Level 1 · Domain 1")
    assert_accessible(page)
    page.get_by_label("Achieved").check()
    page.get_by_label("Evidence from your practice").fill("Joint visits with the family nurse.")
    page.get_by_role("button", name="Save Domain 1").click()
    expect(page.get_by_text("Saved 1 item in Domain 1 at Level 1.")).to_be_visible()
    expect(page.get_by_label("Evidence from your practice")).to_have_value(
        "Joint visits with the family nurse."
    )

    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("img", name="1 of 1 achieved, 0 working towards")).to_have_count(1)
    expect(page.get_by_text("Joint visits with the family nurse.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Gaps and courses").click()
    expect(page.get_by_test_id("gap-count")).to_contain_text("You have 20 gaps up to Level")
    expect(page.get_by_test_id("answer")).to_contain_text("Where to start")
    assert_accessible(page)

    page.get_by_role("link", name="Development plan").click()
    expect(page.get_by_test_id("answer")).to_contain_text("Where to start")
    page.get_by_label("the least time").check()
    page.get_by_label("I am NHS-funded (use NHS-funded fees)").check()
    page.get_by_role("button", name="Update plan").click()
    expect(page.get_by_test_id("answer")).to_contain_text("at NHS-funded fees")
    page.get_by_test_id("plan-detail").locator("summary").click()
    expect(page.get_by_test_id("plan")).to_be_visible()
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf = download_info.value
    assert pdf.suggested_filename == "development-plan.pdf"
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(open(pdf.path(), "rb").read())).pages
    )
    assert "Infant mental health development plan" in text
    assert "target Level 3" in text
    assert "Joint visits with the family nurse." in " ".join(text.split())  # lines wrap

    page.get_by_role("link", name="History").click()
    assert_accessible(page)


def test_two_windows_saving_the_same_item_shows_a_conflict(browser, site, assert_accessible):
    UserFactory(username="ravi", password="ravi-pass-12345", job_role="midwife")
    first, second = browser.new_context(), browser.new_context()
    for context in (first, second):
        context.add_init_script(RECORD_CSP)
    one, two = first.new_page(), second.new_page()
    for window in (one, two):
        sign_in(window, site, "ravi", password="ravi-pass-12345")
        window.goto(site + "/me/level/1/domain/4/")

    one.get_by_label("Working towards").check()
    one.get_by_label("Evidence from your practice").fill("Written in window one.")
    one.get_by_role("button", name="Save Domain 4").click()
    expect(one.get_by_text("Saved 1 item")).to_be_visible()

    two.get_by_label("Achieved").check()
    two.get_by_label("Evidence from your practice").fill("Written in window two.")
    two.get_by_role("button", name="Save Domain 4").click()

    panel = two.get_by_test_id("conflict-D4")
    expect(panel).to_contain_text("Changed elsewhere since you opened this page")
    expect(panel).to_contain_text("Written in window one.")
    expect(two.get_by_label("Evidence from your practice")).to_have_value("Written in window two.")
    assert_accessible(two)

    two.get_by_role("button", name="Save Domain 4").click()  # keep mine, deliberately
    expect(two.get_by_text("Saved 1 item")).to_be_visible()
    one.reload()
    expect(one.get_by_label("Evidence from your practice")).to_have_value("Written in window two.")
    first.close()
    second.close()
