"""Recommendations in a real Chromium, at desktop and phone size with axe-core: a
practitioner sets a £3,000 budget and sees the plan within it and what stays open, and
opens a grade's definition from the keyboard; a manager sets a team budget and
downloads the funded places."""

import csv
import io
import os

import pytest
from playwright.sync_api import expect

from assessments.models import Membership, Organisation
from tests.assessments.helpers import rate
from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import TeamFactory, UserFactory, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


WIDER_THAN_SCREEN = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-responsive'))
  .map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))
"""


def no_sideways_scroll(page):
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), wide
    return True


@pytest.mark.parametrize("width", [1280, 375])
def test_a_practitioner_plans_within_3000_and_reads_a_grade_by_keyboard(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    hana = UserFactory(username="hana", password=PASSWORD, job_role="health_visitor")
    gaps = {(1, 2), (1, 4), (1, 6), (2, 1), (2, 2), (2, 4), (2, 5), (2, 6), (2, 7)}
    rate(
        hana,
        {
            (level, d): ("working_towards" if (level, d) in gaps else "achieved", "")
            for level in (1, 2)
            for d in range(1, 8)
        },
    )
    sign_in(page, site, "hana")
    page.goto(site + "/me/plan/")
    page.get_by_label("Budget (£)").fill("3000")
    page.get_by_role("button", name="Update plan").click()
    expect(page.get_by_test_id("answer").locator("h2")).to_have_text(
        "Your plan within £3,000, at standard fees"
    )
    # Among plans that close as many gaps (none), the stronger evidence wins: a Glasgow
    # module that teaches Level 2 Domain 2 in part, priced from the per-credit rate and
    # saying so, before Northampton, which names its domains as topics.
    takes = page.get_by_test_id("takes")
    expect(takes).to_contain_text("Module Infant Mental Health and Neurodevelopment in Practice")
    expect(takes).to_contain_text("does not publish a price for this module alone")
    page.get_by_test_id("plan-detail").locator("summary").click()
    expect(page.get_by_test_id("within-plan")).to_contain_text("NHS Education for Scotland")
    expect(page.get_by_test_id("within-plan-total")).to_contain_text("£1,667")
    expect(page.get_by_test_id("stays-open")).to_contain_text(
        "Level 2, Domain 4: Assessment of caregiving"
    )
    expect(page.get_by_test_id("steps").locator("tbody tr").first).to_contain_text("free / free")
    assert_accessible(page)

    # The grade of each link opens from the keyboard, on the gaps page.
    page.goto(site + "/me/gaps/")
    page.get_by_text("Why these courses are linked").first.click()
    summary = page.locator("details.grade summary").first
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.grade").first).to_have_attribute("open", "")
    expect(page.locator("details.grade").first).to_contain_text("All grades")
    assert_accessible(page)
    page.locator("details.grade").first.get_by_role("link", name="All grades").click()
    expect(page.get_by_role("heading", name="How coverage links are graded")).to_be_visible()
    assert_accessible(page)
    if width == 375:
        assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_manager_sets_a_team_budget_and_downloads_the_funded_places(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    mina = UserFactory(username="mina", password=PASSWORD, first_name="Mina")
    app = with_authenticator(mina).totp
    Membership.objects.create(team=team, user=mina, role=Membership.Role.MANAGER)
    everything = {(1, d): ("achieved", "") for d in range(1, 8)}
    for name, gap in (("ann", 2), ("ben", 5), ("cat", 5)):
        member = UserFactory(username=name, password=PASSWORD, first_name=name.title())
        Membership.objects.create(team=team, user=member)
        rate(member, {**everything, (1, gap): ("working_towards", "")})
    sign_in(page, site, "mina", authenticator=app)
    page.goto(site + f"/me/teams/{team.pk}/")
    page.get_by_role("link", name="Plan within a budget").click()
    page.get_by_label("Budget (£)").fill("5000")
    page.get_by_role("button", name="Work out the places").click()
    # The answer first: the limits in words, what to fund first, for whom, what it teaches.
    answer = page.get_by_test_id("team-answer")
    expect(answer.get_by_test_id("limits")).to_have_text(
        "Places within £5,000, at standard fees, for Level 1."
    )
    first = answer.get_by_test_id("first")
    expect(first).to_contain_text("Infant Mental Health (MSc): PGCert (60 credits)")
    expect(first).to_contain_text("1 place, for Ann")
    expect(first).to_contain_text("£5,000 standard, £3,710 NHS-funded")
    expect(first).to_contain_text(
        "Taught in a core module: Level 1, Domain 2: Normal and atypical development"
    )
    expect(answer.get_by_test_id("closes")).to_contain_text("This plan closes 1 of the members")
    if shots := os.environ.get("IMHCF_SHOTS"):
        page.screenshot(path=f"{shots}/team-budget-{width}.png", full_page=True)
    summary = page.get_by_test_id("budget-summary")
    expect(summary).to_contain_text("Spent: £5,000 of £5,000")
    expect(summary).to_contain_text("Member-gaps closed: 1 of 3")
    page.get_by_text("Every place (2), for whom and what it costs").click()
    places = page.get_by_test_id("funded-places")
    expect(places).to_contain_text("PGCert (60 credits)")
    expect(places).to_contain_text("1: Ann")
    page.get_by_text("The best places at each budget").click()
    expect(page.get_by_test_id("team-frontier")).to_contain_text("£0")
    if shots := os.environ.get("IMHCF_SHOTS"):
        page.screenshot(path=f"{shots}/team-budget-open-{width}.png", full_page=True)
    assert_accessible(page)
    with page.expect_download() as got:
        page.get_by_role("link", name="Download CSV").click()
    assert got.value.suggested_filename == "north-locality-level-1-budget-5000.csv"
    rows = list(csv.reader(io.StringIO(open(got.value.path(), encoding="utf-8").read())))
    assert rows[0] == ["Funded places for North locality, Level 1"]
    header = rows.index(next(r for r in rows if r[:1] == ["Course"]))
    funded = {r[2]: r for r in rows[header + 1 :] if len(r) > 5}
    assert funded["PGCert (60 credits)"][4] == "Ann"
    assert funded["PGCert (60 credits)"][5] == "1"  # closes Ann's Level 1 Domain 2
    assert funded["Course fee"][4] == "Ben; Cat"  # NES, free; Ann needs nothing more
    if width == 375:
        assert no_sideways_scroll(page)
