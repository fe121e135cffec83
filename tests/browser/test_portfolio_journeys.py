"""A midwife's portfolio in a real Chromium, at desktop and phone size, with axe-core:
she records the NES module from her plan with its certificate, looks again at the
ratings it proposes, writes an NMC reflective account on it, sees her NMC progress and
downloads the pack; her manager sees the record and, as she shares her evidence, the
certificate; someone outside her team gets 404 on the file's address."""

import io
import re
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.models import EvidenceFile, Membership, Organisation, Rating
from tests.browser.helpers import PASSWORD, sign_in
from tests.factories import TeamFactory, UserFactory, with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CERTIFICATE = b"%PDF-1.4\n% NES certificate of completion\n%%EOF\n"


def cast():
    """Maya, a midwife on North locality (managed by Mina); Omar manages another team."""
    north = TeamFactory(name="North locality", organisation=Organisation.named("Trust A"))
    maya = UserFactory(
        username="maya",
        email="maya@example.org",
        password=PASSWORD,
        first_name="Maya",
        last_name="Reid",
        job_role="midwife",
    )
    Membership.objects.create(team=north, user=maya)
    mina = with_authenticator(
        UserFactory(username="mina", email="mina@example.org", password=PASSWORD)
    )
    Membership.objects.create(team=north, user=mina, role=Membership.Role.MANAGER)
    south = TeamFactory(name="South locality", organisation=Organisation.named("Trust A"))
    omar = with_authenticator(
        UserFactory(username="omar", email="omar@example.org", password=PASSWORD)
    )
    Membership.objects.create(team=south, user=omar, role=Membership.Role.MANAGER)
    return north, maya, mina, omar


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_a_midwife_records_training_reflects_and_downloads_her_nmc_pack(
    page, site, width, assert_accessible, tmp_path
):
    page.set_viewport_size({"width": width, "height": 900})
    north, maya, mina, omar = cast()
    sign_in(page, site, "maya")

    # Her regulator and date first, so the portfolio counts against the NMC's rules.
    page.goto(site + "/me/portfolio/")
    expect(page.get_by_text("Tell us who you are registered with")).to_be_visible()
    page.get_by_role("link", name="Registration, dates and e-mails").click()
    assert_accessible(page)
    page.get_by_label("Who you are registered with").select_option("nmc")
    page.get_by_label("Your next revalidation application or renewal date").fill("2027-03-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved your registration dates")).to_be_visible()

    # From her plan: the NES module, recorded with its certificate.
    page.goto(site + "/me/plan/")
    page.get_by_role(
        "link", name=re.compile(r"Record it when done\W+Infant Mental Health: Developing")
    ).first.click()
    expect(page.get_by_label("Title")).to_have_value(
        "Infant Mental Health: Developing Positive Early Attachments"
    )
    assert_accessible(page)
    fits(page, width)
    page.get_by_label("Finished").fill("2026-10-01")
    page.get_by_label("CPD hours").fill("3")
    page.get_by_label("Certificate or other evidence (optional)").set_input_files(
        {"name": "NES certificate.pdf", "mimeType": "application/pdf", "buffer": CERTIFICATE}
    )
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("Recorded “Infant Mental Health")).to_be_visible()
    expect(page.get_by_role("link", name="NES certificate.pdf")).to_be_visible()
    assert_accessible(page)
    fits(page, width)

    # The ratings it proposes: the grid offers the record as evidence; she saves.
    proposals = page.get_by_test_id("proposals")
    expect(proposals).to_contain_text("Level 1, Domain 4: Assessment of caregiving")
    proposals.get_by_role("link", name="Level 1, Domain 4: Assessment of caregiving").click()
    expect(page.get_by_text("Linked to your training").first).to_be_visible()
    evidence = page.locator("textarea").first
    expect(evidence).to_have_value(
        "Training: Infant Mental Health: Developing Positive Early Attachments, finished "
        "1 October 2026 (training record)."
    )
    page.get_by_text("Working towards").first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Save Domain 4").first.click()
    expect(page.get_by_text("Saved 1 item")).to_be_visible()
    assert Rating.objects.get(user=maya, level_id=1).evidence.startswith("Training: Infant")

    # A reflective account on it, on the NMC form.
    page.goto(site + maya.training_records.get().get_absolute_url())
    page.get_by_role("link", name="Write a reflection about this training").click()
    expect(page.get_by_label("What was the activity, feedback or event?")).to_be_visible()
    expect(page.get_by_text("could identify them").first).to_be_visible()
    assert_accessible(page)
    fits(page, width)
    page.get_by_label("Title").fill("What the module changed")
    page.locator("#id_happened_on").fill("2026-10-02")
    page.get_by_label("What was the activity, feedback or event?").fill("The NES module")
    page.get_by_label("What did you learn from it?").fill("Cues and attunement")
    page.get_by_label("How did you change or improve your practice as a result?").fill(
        "I name the baby's cues to parents"
    )
    page.get_by_label("Prioritise people").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved your reflective account")).to_be_visible()

    # Her NMC progress, and the pack.
    page.get_by_role("link", name="My portfolio").click()
    progress = page.get_by_test_id("cycle-progress")
    expect(progress.get_by_role("row", name="CPD hours")).to_contain_text("3.0")
    expect(progress.get_by_role("row", name="Written reflective accounts")).to_contain_text("1")
    assert_accessible(page)
    fits(page, width)
    # Each is prepared on the queue (here at once, in-process), then downloaded.
    page.get_by_role("button", name="Download the pack (PDF)").click()
    expect(page.get_by_role("heading", name="Your portfolio pack (PDF)")).to_be_visible()
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name=re.compile(r"^Download portfolio-pack\.pdf")).click()
    text = " ".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    assert "CPD log" in text and "What the module changed" in text
    page.get_by_role("link", name="Back to your portfolio").click()
    page.get_by_role("button", name="Pack with every file (ZIP)").click()
    with page.expect_download() as zip_download:
        page.get_by_role("link", name=re.compile(r"^Download portfolio-pack\.zip")).click()
    archive = zipfile.ZipFile(io.BytesIO(open(zip_download.value.path(), "rb").read()))
    assert "files/001-NES certificate.pdf" in archive.namelist()

    # She shares her evidence with North's managers.
    page.goto(site + "/me/profile/")
    page.get_by_role("button", name="Share my evidence").click()
    file_url = EvidenceFile.objects.get().get_absolute_url()

    # Mina, her manager, sees the record and the certificate.
    page.context.clear_cookies()
    sign_in(page, site, "mina", authenticator=mina.totp)
    page.goto(site + f"/me/teams/{north.pk}/training/")
    expect(page.get_by_role("row", name="Maya Reid")).to_contain_text("Infant Mental Health")
    expect(page.get_by_role("link", name="NES certificate.pdf")).to_be_visible()
    assert_accessible(page)
    fits(page, width)

    # Omar, who manages another team, is told the file does not exist.
    page.context.clear_cookies()
    sign_in(page, site, "omar", authenticator=omar.totp)
    response = page.goto(site + file_url)
    assert response.status == 404
