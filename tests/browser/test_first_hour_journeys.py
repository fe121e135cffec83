"""A newcomer's first hour in a real Chromium, with axe-core at desktop and phone size:
an invitee without an account goes from the link to the team; after the wording is
imported, a practitioner confirms her earlier answer and her manager is told."""

import pytest
from playwright.sync_api import expect

from assessments.models import Membership, Organisation, User
from assessments.teams.services import create_invite
from tests.assessments.helpers import rate
from tests.browser.helpers import PASSWORD, sign_in, sign_up
from tests.factories import TeamFactory, UserFactory, build_full_framework, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_an_invitee_without_an_account_reaches_the_team(
    page, site, settings, width, assert_accessible
):
    settings.IMHCF_SIGNUP_OPEN = True
    page.set_viewport_size({"width": width, "height": 900})
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    mina = UserFactory(username="mina", password=PASSWORD)
    Membership.objects.create(team=team, user=mina, role=Membership.Role.MANAGER)
    invite = create_invite(team=team, manager=mina)
    page.goto(site + f"/join/{invite.token}/")
    expect(page.get_by_role("heading", name="Join North locality")).to_be_visible()
    expect(page.get_by_text("North locality, Trust A")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").click()
    sign_up(page, "Nia", "Evans", "nia")
    # Back on the invitation, now able to join.
    page.get_by_role("button", name="Join North locality as Nia Evans").click()
    expect(page.get_by_text("You joined North locality.")).to_be_visible()
    assert_accessible(page)
    assert Membership.objects.filter(team=team, user__username="nia").exists()


@pytest.mark.parametrize("width", [1280, 375])
def test_after_the_wording_import_the_old_answer_is_confirmed_and_the_manager_told(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    team = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    mina = UserFactory(username="mina", password=PASSWORD)
    app = with_authenticator(mina).totp
    Membership.objects.create(team=team, user=mina, role=Membership.Role.MANAGER)
    hana = UserFactory(username="hana", password=PASSWORD, job_role="health_visitor")
    Membership.objects.create(team=team, user=hana)
    rate(hana, {(1, 1): ("achieved", "Joint visits every week.")})
    build_full_framework()  # the official wording arrives

    sign_in(page, site, "hana")
    awaiting = page.get_by_test_id("awaiting")
    expect(awaiting).to_contain_text("Level 1, Domain 1: Relationship-based practice")
    assert_accessible(page)
    awaiting.get_by_role("link", name="Level 1, Domain 1: Relationship-based practice").click()
    expect(page.get_by_test_id("starting-point")).to_contain_text("achieved")
    assert_accessible(page)
    page.get_by_role("button", name="Save Domain 1").first.click()  # the top one
    expect(page.get_by_text("Saved 10 items in Domain 1 at Level 1.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, site, "mina", authenticator=app)
    # A manager lands on her team; the report says what the import changed.
    expect(page.get_by_role("heading", level=1)).to_contain_text("North locality")
    expect(page.get_by_test_id("achieved-as-whole")).to_contain_text(
        "1 member had achieved it as a whole"
    )
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_new_health_visitor_goes_from_the_home_page_to_a_saved_first_domain(
    page, site, settings, width, assert_accessible
):
    settings.IMHCF_SIGNUP_OPEN = True
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Start your self-assessment").click()
    sign_up(page, "Hana", "Ahmed", "hana")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Level 1 · Domain 1")
    assert_accessible(page)
    page.get_by_label("Achieved").check()
    page.get_by_label("Evidence from your practice").fill("Joint visits with the family nurse.")
    page.get_by_role("button", name="Save and go to Domain 2").click()
    expect(page.get_by_text("Saved 1 item in Domain 1 at Level 1.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Level 1 · Domain 2")
    assert User.objects.get(username="hana").ratings.get().status == "achieved"
