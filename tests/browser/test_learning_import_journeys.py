"""Learning brought in from another system, in a real Chromium at desktop and phone
size, with axe-core: a health visitor brings in the xAPI file her learning platform
gave her, sees what was found, confirms one course, discards one, gives the hours of
the third, and sees "Recorded" on her plan; a bad file is refused at the top with
nothing written; her training lead brings in a file for the trust's staff and sees
only the summary, with the address that is no one's listed back."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assessments.models import (
    Membership,
    Organisation,
    ProposalState,
    ProposedRecord,
    TrainingLead,
    TrainingRecord,
)
from catalogue.models import Course
from tests.browser.helpers import PASSWORD, phone_problems, sign_in
from tests.factories import TeamFactory, UserFactory, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
XAPI = Path(__file__).parent.parent / "assessments" / "xapi"
IMHOL = "https://warwick.ac.uk/fac/sci/med/research/hscience/sssh/iwellbeing/imhol/"
NES = "Infant Mental Health: Developing Positive Early Attachments"
SHOTS = Path("/tmp/shots-learning")  # noqa: S108 (for a person to look at)


def cast():
    """Alice, a health visitor on North locality of Trust A, whose lead is Tess; Bob on
    the same team. The IMHOL course has its own web address, as its platform sends."""
    Course.objects.filter(slug="warwick-imhol").update(url=IMHOL)
    trust = Organisation.named("Trust A")
    north = TeamFactory(name="North locality", organisation=trust)
    alice = UserFactory(
        username="alice",
        email="alice@example.org",
        password=PASSWORD,
        first_name="Alice",
        last_name="Hale",
        job_role="health_visitor",
    )
    bob = UserFactory(username="bob", email="bob@example.org", password=PASSWORD)
    for person in (alice, bob):
        Membership.objects.create(team=north, user=person)
    tess = with_authenticator(
        UserFactory(
            username="tess",
            email="tess@a.example",
            password=PASSWORD,
            first_name="Tess",
            last_name="Lead",
        )
    )
    TrainingLead.objects.create(organisation=trust, user=tess)
    return trust, alice, bob, tess


def looks_right(page, width, assert_accessible, name):
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert width > 375 or phone_problems(page) == [], phone_problems(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def upload(page, path: Path, name: str | None = None):
    page.get_by_label(re.compile("File of completed learning")).set_input_files(
        {"name": name or path.name, "mimeType": "application/json", "buffer": path.read_bytes()}
    )
    page.get_by_role("button", name="Bring in the file").click()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_health_visitor_brings_in_her_xapi_file_and_confirms_it_onto_her_plan(
    page, site, width, assert_accessible, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    _, alice, _, _ = cast()
    sign_in(page, site, "alice")
    page.goto(site + "/me/portfolio/")
    page.get_by_role("link", name="Bring in learning from another system").click()
    expect(
        page.get_by_role("heading", name="Bring in learning from another system")
    ).to_be_visible()
    looks_right(page, width, assert_accessible, "bring-in")

    # A broken file first: refused at the top, nothing written.
    broken = tmp_path / "broken.json"
    broken.write_text('{"statements": [{"verb": {"id": "completed"}}]}')
    upload(page, broken)
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_text("Nothing was brought in.")).to_be_visible()
    expect(page.get_by_text("broken.json, statement 1, verb").first).to_be_visible()
    looks_right(page, width, assert_accessible, "bring-in-refused")
    assert not ProposedRecord.objects.exists()

    # The file her learning platform gave her.
    upload(page, XAPI / "alice_statements.json")
    expect(
        page.get_by_text(
            "3 completions found: 2 are courses in the catalogue and 1 is other learning"
        )
    ).to_be_visible()
    proposals = page.get_by_test_id("proposal")
    expect(proposals).to_have_count(3)
    expect(page.get_by_text("Not a course in the catalogue: other learning")).to_be_visible()
    looks_right(page, width, assert_accessible, "proposals")
    assert not TrainingRecord.objects.exists()

    # Confirm the NES module, discard IMHOL, give the hours of the third.
    nes = proposals.filter(has=page.get_by_role("heading", name=NES))
    nes.get_by_role("button", name=re.compile(r"^Confirm")).click()
    expect(page.get_by_text(f"Recorded “{NES}” in your portfolio.")).to_be_visible()
    imhol = page.get_by_test_id("proposal").filter(has_text="IMHOL")
    imhol.get_by_role("button", name=re.compile(r"^Discard")).click()
    expect(page.get_by_text("Discarded “IMHOL: Infant Mental Health Online”")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Add the hours and confirm")).click()
    expect(page.get_by_label("Title")).to_have_value("Perinatal mental health: an introduction")
    looks_right(page, width, assert_accessible, "proposal-form")
    page.get_by_label("CPD hours").fill("1.5")
    page.get_by_role("button", name="Confirm and record it").click()
    expect(page.get_by_text("Recorded “Perinatal mental health: an introduction”")).to_be_visible()
    assert TrainingRecord.objects.filter(user=alice).count() == 2
    assert ProposedRecord.objects.get(title__startswith="IMHOL").state == ProposalState.DISCARDED

    # Her plan marks the NES course as recorded, with a link to the record.
    page.goto(site + "/me/plan/")
    recorded = page.get_by_test_id("recorded").first
    expect(recorded).to_contain_text("Recorded: training from this course, finished 5 March 2026")
    looks_right(page, width, assert_accessible, "plan-recorded")
    recorded.get_by_role("link").click()
    expect(page.get_by_role("heading", name=NES)).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_lead_brings_in_her_staffs_learning_and_sees_only_the_summary(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    trust, alice, bob, tess = cast()
    sign_in(page, site, "tess", authenticator=tess.totp)
    page.goto(site + f"/me/organisations/{trust.pk}/")
    page.get_by_role("link", name="Bring in staff learning").click()
    looks_right(page, width, assert_accessible, "lead-learning")
    upload(page, XAPI / "team_statements.json")
    summary = page.get_by_test_id("learning-summary")
    expect(summary).to_contain_text("3 completions found: 2 are courses in the catalogue")
    expect(summary).to_contain_text("The proposals wait on the portfolios of 2 people")
    expect(page.get_by_test_id("not-members")).to_contain_text("sam.stranger@elsewhere.example")
    looks_right(page, width, assert_accessible, "lead-learning-done")
    assert set(ProposedRecord.objects.values_list("user__username", flat=True)) == {
        "alice",
        "bob",
    }

    # Alice sees who brought it in, and confirms it.
    page.context.clear_cookies()
    sign_in(page, site, "alice")
    page.goto(site + "/me/portfolio/")
    page.get_by_role("link", name=re.compile("1 proposed record waiting")).click()
    expect(
        page.get_by_text("by Tess Lead, training lead of Trust A from team_statements.json")
    ).to_be_visible()
    page.get_by_role("button", name="Confirm all", exact=True).click()
    expect(page.get_by_text("Recorded 1 training record in your portfolio.")).to_be_visible()
    assert TrainingRecord.objects.get(user=alice).hours == 2
    assert not TrainingRecord.objects.filter(user=bob).exists()  # his waits for him
