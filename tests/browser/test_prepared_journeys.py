"""A download prepared on the queue, in a real Chromium at desktop and phone size with
axe-core: Alice asks for her whole record from her profile and gets it; a download a
worker has not reached yet shows the 'being prepared' page, which updates itself to the
download button once the worker is done; an expired one and a failed one say so and
offer to prepare it again. Screenshots go to IMHCF_SHOTS when it is set."""

import io
import os
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Job, TrainingRecord
from assessments.tasks import prepared
from tests.browser.helpers import PASSWORD, phone_problems, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name: str) -> None:
    if shots := os.environ.get("IMHCF_SHOTS"):
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def looks_right(page, width, assert_accessible) -> None:
    assert_accessible(page)
    assert phone_problems(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1280, 375])
def test_a_health_visitor_prepares_and_downloads_her_whole_record(
    page, site, width, assert_accessible
):
    page.set_viewport_size({"width": width, "height": 900})
    alice = UserFactory(
        username="alice", password=PASSWORD, first_name="Alice", job_role="health_visitor"
    )
    TrainingRecord.objects.create(
        user=alice, title="Attachment study day", finished=timezone.localdate(), hours=6
    )
    sign_in(page, site, "alice")

    # From her profile: the button asks, the page answers with the download.
    page.goto(site + "/me/profile/")
    shoot(page, f"profile-{width}")
    page.get_by_role("button", name="Download your whole record (ZIP)").click()
    expect(page.get_by_role("heading", name="Your whole record (ZIP)")).to_be_visible()
    expect(page.get_by_test_id("prepared-answer")).to_have_text("It is ready to download.")
    looks_right(page, width, assert_accessible)
    shoot(page, f"prepared-ready-{width}")
    with page.expect_download() as got:
        page.get_by_role("link", name=re.compile(r"^Download my-imhcf-record\.zip")).click()
    assert got.value.suggested_filename == "my-imhcf-record.zip"
    with open(got.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    assert "Attachment study day" in archive.read("training-records.csv").decode()

    # A pack no worker has reached yet: the page says so, and updates itself once done.
    waiting = Job.objects.create(
        kind=Job.Kind.PACK_ZIP,
        owner=alice,
        queued_at=timezone.now(),
        filename=prepared.KINDS[Job.Kind.PACK_ZIP].filename,
    )
    page.goto(site + waiting.get_absolute_url())
    expect(page.get_by_test_id("prepared-answer")).to_contain_text("It is being prepared now")
    looks_right(page, width, assert_accessible)
    shoot(page, f"prepared-waiting-{width}")
    prepared.prepare(waiting.pk)  # the worker
    download = page.get_by_role("link", name=re.compile(r"^Download portfolio-pack\.zip"))
    expect(download).to_be_visible(timeout=10_000)  # no click: the page reloaded itself
    with page.expect_download() as got:
        download.click()
    with open(got.value.path(), "rb") as handle:
        assert zipfile.ZipFile(io.BytesIO(handle.read())).namelist() == ["portfolio-pack.pdf"]

    # An hour on, the file is gone; the page offers to prepare it again.
    Job.objects.filter(pk=waiting.pk).update(expires_at=timezone.now())
    page.reload()
    expect(page.get_by_test_id("prepared-answer")).to_contain_text("has been deleted")
    looks_right(page, width, assert_accessible)
    shoot(page, f"prepared-expired-{width}")

    # One that failed for good says so in plain words, with a way to try again.
    Job.objects.filter(pk=waiting.pk).update(state=Job.State.FAILED, problem="OSError: disk")
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("It could not be prepared")
    expect(page.get_by_text("OSError")).to_have_count(0)
    looks_right(page, width, assert_accessible)
    shoot(page, f"prepared-failed-{width}")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_test_id("prepared-answer")).to_have_text("It is ready to download.")
    expect(
        page.get_by_role("heading", name="Your portfolio pack with every file (ZIP)")
    ).to_be_visible()
