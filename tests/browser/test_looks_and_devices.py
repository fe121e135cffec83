"""How pages look, in a real Chromium: the heat map shows its colours, and at phone
width (375 px) nothing scrolls sideways and the header keeps the page's margin, on the
pages people use most, with the full wording imported (the widest case)."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Membership, Organisation, TrainingLead, User
from tests.assessments.helpers import rate
from tests.browser.helpers import PASSWORD, phone_problems, sign_in
from tests.factories import TeamFactory, UserFactory, build_full_framework, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wider_than_screen(page) -> list[str]:
    if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        return []
    return page.evaluate(
        """[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.parentElement.closest('.table-responsive'))
        .map(e => e.tagName + '.' + e.className)"""
    )


@pytest.fixture
def team_with_wording(site):
    build_full_framework()
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    mina = UserFactory(username="mina", password=PASSWORD, first_name="Mina")
    app = with_authenticator(mina).totp
    Membership.objects.create(team=team, user=mina, role=Membership.Role.MANAGER)
    # Notes of the length people write: they once pushed history tables off a phone.
    rate(
        mina,
        {
            (1, 1): ("achieved", "Ran joint visits with the family support worker for a mother."),
            (1, 3): ("working_towards", "Talked with a father about his childhood and his care."),
        },
    )
    alice = UserFactory(username="alice", password=PASSWORD, job_role="health_visitor")
    Membership.objects.create(team=team, user=alice)
    rate(alice, {(1, 1): ("achieved", "Joint visits."), (1, 2): ("working_towards", "")})
    return team, app


def test_the_heat_map_shows_its_colours(page, site, team_with_wording, assert_accessible):
    team, app = team_with_wording
    sign_in(page, site, "mina", authenticator=app)
    page.goto(site + f"/me/teams/{team.pk}/")
    achieved = page.locator("td.hm-achieved").first
    working = page.locator("td.hm-working").first
    none = page.locator("td.hm-none").first
    colour = "el => getComputedStyle(el).backgroundColor"
    shadow = "el => getComputedStyle(el).boxShadow"
    assert achieved.evaluate(colour) == "rgb(209, 231, 221)"
    assert working.evaluate(colour) == "rgb(255, 243, 205)"
    assert none.evaluate(colour) == "rgb(248, 249, 250)"
    # Bootstrap paints cells with an inset shadow too: it must carry the same colour.
    assert "209, 231, 221" in achieved.evaluate(shadow)
    assert wider_than_screen(page) == []  # 63 columns stay inside their scroll box
    assert_accessible(page)


def test_nothing_scrolls_sideways_on_a_phone(page, site, team_with_wording):
    team, app = team_with_wording
    page.set_viewport_size({"width": 375, "height": 800})
    pages = ["/", "/framework/", "/courses/", "/courses/glasgow-imh-msc/", "/glossary/"]
    for path in pages:
        page.goto(site + path)
        assert wider_than_screen(page) == [], path
        brand = page.locator(".navbar-brand").bounding_box()
        assert brand["x"] >= 8, path  # the header keeps the page's margin
    sign_in(page, site, "mina", authenticator=app)
    for path in [
        "/me/",
        "/me/gaps/",
        "/me/plan/",
        "/me/level/1/domain/1/",
        "/me/history/",
        f"/me/teams/{team.pk}/",
        f"/me/teams/{team.pk}/plan/",
        f"/me/teams/{team.pk}/budget/",
        f"/me/teams/{team.pk}/training/",
        "/me/portfolio/",
        "/me/portfolio/registration/",
        "/me/portfolio/records/new/?course=glasgow-imh-msc",
        "/me/portfolio/reflections/new/discussion/",
    ]:
        page.goto(site + path)
        expect(page.locator("h1")).to_be_visible()
        assert wider_than_screen(page) == [], path


def test_every_signed_in_page_fits_a_phone_and_is_easy_to_touch(
    page, site, team_with_wording, settings
):
    """At 375 px: nothing wider than its box, no target under 24 px, and radios,
    checkboxes and standalone links 44 px tall (see helpers.PHONE_PROBLEMS)."""
    settings.IMHCF_SIGNUP_OPEN = True
    team, app = team_with_wording
    organisation = team.organisation
    TrainingLead.objects.create(organisation=organisation, user=User.objects.get(username="mina"))
    page.set_viewport_size({"width": 375, "height": 800})
    found = {}
    sends = {"/accounts/signup/": "Create my account", "/accounts/login/": "Sign in"}
    for path, button in sends.items():
        page.goto(site + path)
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
        if problems := phone_problems(page):  # refused: with its error summary
            found[path + " (sent)"] = problems
    sign_in(page, site, "mina", authenticator=app)
    paths = [
        "/me/",
        "/me/gaps/",
        "/me/plan/",
        "/me/level/1/domain/1/",
        "/me/history/",
        "/me/profile/",
        f"/me/teams/{team.pk}/",
        f"/me/teams/{team.pk}/plan/",
        f"/me/teams/{team.pk}/budget/",
        f"/me/teams/{team.pk}/training/",
        f"/me/teams/{team.pk}/people/",
        f"/me/organisations/{organisation.pk}/",
        f"/me/organisations/{organisation.pk}/import/",
        "/me/portfolio/",
        "/me/portfolio/registration/",
        "/me/portfolio/records/new/?course=glasgow-imh-msc",
        "/me/portfolio/reflections/new/discussion/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/",
        "/framework/",
        "/courses/",
        "/glossary/",
    ]
    for path in paths:
        page.goto(site + path)
        expect(page.locator("h1")).to_be_visible()
        if problems := phone_problems(page):
            found[path] = problems
        form = page.locator("main form[method=post]:not([data-signs-out])").last
        if path.endswith(("/profile/", "/registration/", "/new/discussion/", "/import/")):
            with page.expect_navigation():  # refused, or saved: either must fit
                form.locator("[type=submit]").last.click()
            if problems := phone_problems(page):
                found[path + " (sent)"] = problems
    assert found == {}, "\n".join(f"{p}: {x}" for p, xs in found.items() for x in xs)


def test_a_refused_form_puts_its_error_summary_in_focus(page, site, catalogue, settings):
    """GOV.UK: after a refused submit the summary has the focus (a screen reader reads
    it out); its links move the focus to their field; what was typed stays."""
    settings.IMHCF_SIGNUP_OPEN = True
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/accounts/signup/")
    page.get_by_label("First name").fill("Hana")
    with page.expect_navigation():
        page.get_by_role("button", name="Create my account").click()
    focused = page.locator(":focus")
    expect(focused).to_have_class(re.compile("error-summary"))
    expect(focused).to_contain_text("There is a problem")
    expect(page.get_by_label("First name")).to_have_value("Hana")
    focused.get_by_role("link", name="Last name: This field is required.").click()
    expect(page.locator(":focus")).to_have_id("id_last_name")
