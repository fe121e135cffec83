"""A training lead in a real Chromium, at desktop and phone size with axe-core: she
imports 40 staff into two teams of her trust, sees what will happen, sends the
invitations, and sees only her trust; another trust's lead gets 404 on every page of it."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Invite, Job, Membership, Organisation, TrainingLead
from tests.assessments.helpers import rate
from tests.browser.helpers import PASSWORD, phone_problems, sign_in
from tests.factories import TeamFactory, UserFactory, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots-sending")  # noqa: S108 (for a person to look at)


def trusts():
    """Trust A: North locality, three members who achieved Domain 1; Tess leads it.
    Trust B: West locality; Uma leads it."""
    trust_a, trust_b = Organisation.named("Trust A"), Organisation.named("Trust B")
    north = TeamFactory(name="North locality", organisation=trust_a)
    for i in range(3):
        member = UserFactory(username=f"n{i}", first_name="North", last_name=f"Member {i}")
        Membership.objects.create(team=north, user=member)
        rate(member, {(1, 1): ("achieved", "")})
    TeamFactory(name="West locality", organisation=trust_b)
    tess = with_authenticator(
        UserFactory(username="tess", email="tess@a.example", password=PASSWORD)
    )
    TrainingLead.objects.create(organisation=trust_a, user=tess)
    uma = with_authenticator(UserFactory(username="uma", email="uma@b.example", password=PASSWORD))
    TrainingLead.objects.create(organisation=trust_b, user=uma)
    return trust_a, north, tess, uma


def staff_list() -> bytes:
    rows = ["name,email,job role,team,manager"] + [
        f"Person {i},person{i}@trust-a.example,"
        f"{'Health visitor' if i % 2 else 'Early years practitioner'},"
        f"{'North locality' if i < 20 else 'Baby room'},{'yes' if i == 20 else 'no'}"
        for i in range(40)
    ]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_training_lead_imports_forty_staff_into_two_teams_and_sees_only_her_trust(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    trust_a, north, tess, _ = trusts()
    sign_in(page, site, "tess", authenticator=tess.totp)
    expect(page.get_by_role("heading", name="Trust A", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="North locality")).to_be_visible()
    expect(page.get_by_text("West locality")).to_have_count(0)
    expect(page.get_by_text("Trust B")).to_have_count(0)
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name="Import staff from a spreadsheet").click()
    page.get_by_label("Staff list (.csv or .xlsx)").set_input_files(
        {"name": "trust-a-staff.csv", "mimeType": "text/csv", "buffer": staff_list()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_test_id("import-plan")).to_contain_text(
        "40 rows: 40 invitations to e-mail, 1 new team to make"
    )
    assert Invite.objects.count() == 0  # nothing written before she confirms
    assert_accessible(page)
    page.get_by_role("button", name="Make 1 new team and send 40 invitations").click()
    # No broker here: the e-mails were sent in-process once the import committed.
    expect(page.get_by_test_id("sending-answer")).to_have_text("All 40 invitations e-mailed.")
    expect(page.get_by_test_id("import-summary")).to_contain_text("1 new team (Baby room).")
    assert_accessible(page)
    assert len(mail.outbox) == 40
    assert Invite.objects.filter(team=north).count() == 20

    page.get_by_role("link", name="Back to Trust A").click()
    page.get_by_role("link", name="Baby room").click()
    # A lead's view of a team belongs to the organisation, not to her own assessment.
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Organisation")).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="My assessment")).not_to_have_attribute(
        "aria-current", "page"
    )
    page.get_by_role("link", name="People and invitations").click()
    expect(page.get_by_role("heading", name="People on Baby room")).to_be_visible()
    expect(page.get_by_text("Person 20 (person20@trust-a.example), as manager")).to_be_visible()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The same file again sends nothing.
    page.goto(site + reverse("assessments:staff_import", args=[trust_a.pk]))
    page.get_by_label("Staff list (.csv or .xlsx)").set_input_files(
        {"name": "trust-a-staff.csv", "mimeType": "text/csv", "buffer": staff_list()}
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("there is nothing to do")).to_be_visible()


def test_another_trusts_lead_gets_404_on_every_page_of_this_one(page, site):
    trust_a, north, _, uma = trusts()
    sign_in(page, site, "uma", authenticator=uma.totp)
    expect(page.get_by_role("heading", name="Trust B", exact=True)).to_be_visible()
    member = Membership.objects.filter(team=north).first()
    for url in [
        reverse("assessments:organisation", args=[trust_a.pk]),
        reverse("assessments:staff_import", args=[trust_a.pk]),
        reverse("assessments:team_report", args=[north.pk]),
        reverse("assessments:team_plan", args=[north.pk]),
        reverse("assessments:people", args=[north.pk]),
        reverse("assessments:member_assessment", args=[north.pk, member.user_id]),
    ]:
        assert page.goto(site + url).status == 404, url


@pytest.mark.parametrize("width", [1280, 375])
def test_a_lead_follows_her_invitations_being_sent_and_the_page_updates_itself(
    page, site, width, assert_accessible
):
    """On a real queue a worker sends them; here the test plays the worker's part."""
    page.set_viewport_size({"width": width, "height": 900})
    trust_a, north, tess, _ = trusts()
    job = Job.objects.create(
        kind=Job.Kind.INVITATIONS,
        owner=tess,
        organisation=trust_a,
        queued_at=timezone.now(),
        detail={"file": "trust-a-staff.csv", "teams": ["Baby room"], "unchanged": 2},
    )
    for i in range(3):
        Invite.objects.create(
            team=north,
            created_by=tess,
            expires_at=timezone.now() + timezone.timedelta(days=14),
            email=f"person{i}@trust-a.example",
            name=f"Person {i}",
            job=job,
            mailed_at=timezone.now() if i == 0 else None,
        )
    sign_in(page, site, "tess", authenticator=tess.totp)
    page.goto(site + job.get_absolute_url())
    answer = page.get_by_test_id("sending-answer")
    expect(answer).to_have_text("1 of 3 invitations e-mailed so far; 2 still to send.")
    expect(page.get_by_test_id("import-summary")).to_contain_text(
        "1 new team (Baby room). 2 rows needed nothing."
    )
    assert_accessible(page)
    assert width > 375 or phone_problems(page) == []
    if width > 375:  # on a phone the menu is folded away
        menu = page.get_by_role("navigation", name="Main")
        expect(menu.get_by_role("link", name="Organisation")).to_have_attribute(
            "aria-current", "page"
        )
    page.screenshot(path=SHOTS / f"waiting-{width}.png", full_page=True)

    Invite.objects.filter(email="person1@trust-a.example").update(mailed_at=timezone.now())
    Invite.objects.filter(email="person2@trust-a.example").update(
        mail_problem="the mail server refused the address"
    )
    Job.objects.filter(pk=job.pk).update(state=Job.State.DONE, finished_at=timezone.now())
    # No click: the page loads itself again while sending is under way.
    expect(answer).to_have_text(
        "2 of 3 invitations e-mailed; 1 could not be, listed below with its link.",
        timeout=10_000,
    )
    expect(page.get_by_role("alert")).to_contain_text(
        "Person 2 (person2@trust-a.example), North locality: the mail server refused the address"
    )
    assert_accessible(page)
    assert width > 375 or phone_problems(page) == []
    page.screenshot(path=SHOTS / f"done-{width}.png", full_page=True)
