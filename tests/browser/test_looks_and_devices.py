"""How pages look, in a real Chromium: the heat map shows its colours, and at phone
width (375 px) nothing scrolls sideways and the header keeps the page's margin, on the
pages people use most, with the full wording imported (the widest case)."""

import pytest
from playwright.sync_api import expect

from assessments.models import Membership, Organisation, Team, User
from tests.assessments.helpers import rate
from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import build_full_framework, with_authenticator

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
    team = Team.objects.create(name="North locality", organisation=Organisation.named("Trust A"))
    mina = User.objects.create_user("mina", password=PASSWORD, first_name="Mina")
    device = with_authenticator(mina).otp_device
    Membership.objects.create(team=team, user=mina, role=Membership.Role.MANAGER)
    # Notes of the length people write: they once pushed history tables off a phone.
    rate(
        mina,
        {
            (1, 1): ("achieved", "Ran joint visits with the family support worker for a mother."),
            (1, 3): ("working_towards", "Talked with a father about his childhood and his care."),
        },
    )
    alice = User.objects.create_user("alice", password=PASSWORD, job_role="health_visitor")
    Membership.objects.create(team=team, user=alice)
    rate(alice, {(1, 1): ("achieved", "Joint visits."), (1, 2): ("working_towards", "")})
    return team, device


def test_the_heat_map_shows_its_colours(page, site, team_with_wording, assert_accessible):
    team, device = team_with_wording
    sign_in(page, site, "mina", device=device)
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
    team, device = team_with_wording
    page.set_viewport_size({"width": 375, "height": 800})
    pages = ["/", "/framework/", "/courses/", "/courses/glasgow-imh-msc/", "/glossary/"]
    for path in pages:
        page.goto(site + path)
        assert wider_than_screen(page) == [], path
        brand = page.locator(".navbar-brand").bounding_box()
        assert brand["x"] >= 8, path  # the header keeps the page's margin
    sign_in(page, site, "mina", device=device)
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
