"""Big downloads prepared on the queue (issue 23): the whole-record ZIP and the portfolio
pack. The button asks (a POST), a job is made and its task builds the file into private
storage (eagerly here, once the request's transaction commits, as `make run` does); the
job's page says what is being prepared, then offers the file, to its owner only, for
IMHCF_PREPARED_HOURS; the sweep deletes it after. Files are stored on a temporary local
disk through Django's storage API, as in production without a bucket."""

import datetime
import io
import json
import os
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments.accounts import export
from assessments.models import FailedTask, Job, Registration
from assessments.portfolio import files, packs
from assessments.portfolio import services as portfolio_services
from assessments.tasks import prepared, sweep
from tests.assessments.test_portfolio import PDF, nes_record, nmc_portfolio, upload
from tests.prepared import prepared_download
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_file(alice):
    """Alice's certificate, on a training record of hers."""
    return portfolio_services.add_file(
        owner=alice, checked=files.check(upload("certificate.pdf", PDF), used=0),
        record=nes_record(alice),
    )  # fmt: skip


def ask(client, name="assessments:export_zip", *, run=True, capture=None):
    """Press the download button; with `run`, let its task run once the ask commits."""
    if not run:
        return client.post(reverse(name))
    with capture(execute=True):
        return client.post(reverse(name))


def stored(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "prepared"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def entries(body: bytes) -> dict[str, bytes]:
    """A ZIP's files by name; record.json without the moment it was made."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    found = {name: archive.read(name) for name in archive.namelist()}
    data = json.loads(found["record.json"])
    del data["exported_at"]
    found["record.json"] = json.dumps(data).encode()
    return found


def test_asking_for_the_whole_record_makes_one_job_lands_on_its_page_and_downloads_it(
    client, alice, alices_file, django_capture_on_commit_callbacks
):
    nmc_portfolio(alice)
    client.force_login(alice)
    asked = ask(client, capture=django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert (job.kind, job.owner, job.organisation, job.state) == (
        Job.Kind.RECORD_ZIP, alice, None, Job.State.DONE
    )  # fmt: skip
    assert asked["Location"] == f"/me/downloads/{job.pk}/"
    page = client.get(asked["Location"]).content.decode()
    assert "<h1>Your whole record (ZIP)</h1>" in page and "It is ready to download." in page
    assert f'href="/me/downloads/{job.pk}/my-imhcf-record.zip"' in page
    assert "Back to your profile" in page and "data-refresh-seconds" not in page
    got = prepared_download(client, "assessments:export_zip")  # the same job again
    assert got.job.pk == job.pk and Job.objects.count() == 1
    assert got.response["Content-Disposition"] == 'attachment; filename="my-imhcf-record.zip"'
    assert got.response["Content-Type"] == "application/zip"
    assert "no-store" in got.response["Cache-Control"]
    assert got.response["X-Content-Type-Options"] == "nosniff"
    # What the download built inside the request held, file by file.
    assert entries(got.body) == entries(export.record_zip(alice))
    assert "files/001-certificate.pdf" in entries(got.body)


def test_the_pack_comes_as_a_pdf_and_as_a_zip_with_its_files(client, alice, alices_file):
    Registration.objects.create(user=alice, regulator="hcpc")
    client.force_login(alice)
    pdf = prepared_download(client, "assessments:pack_pdf")
    assert pdf.response["Content-Type"] == "application/pdf"
    assert pdf.response["Content-Disposition"] == 'attachment; filename="portfolio-pack.pdf"'
    assert (
        "Dated list of learning activities"
        in PdfReader(io.BytesIO(pdf.body)).pages[0].extract_text()
    )
    assert "Your portfolio pack (PDF)" in pdf.page.content.decode()
    packed = prepared_download(client, "assessments:pack_zip")
    assert packed.response["Content-Disposition"] == 'attachment; filename="portfolio-pack.zip"'
    archive = zipfile.ZipFile(io.BytesIO(packed.body))
    assert sorted(archive.namelist()) == ["files/001-certificate.pdf", "portfolio-pack.pdf"]
    assert "Back to your portfolio" in packed.page.content.decode()


def test_the_pack_renders_the_same_without_a_request(alice):
    """The worker has no request: the pack's page must not need one (same HTML, so the
    same PDF as when it was built inside the request)."""
    nmc_portfolio(alice)
    built = packs.build(alice)
    request = RequestFactory().get("/")
    request.user = alice
    template = "assessments/portfolio/pack_print.html"
    assert render_to_string(template, built) == render_to_string(template, built, request=request)


def test_while_it_is_prepared_the_page_says_so_and_updates_itself(client, alice):
    client.force_login(alice)
    asked = ask(client, run=False)  # no worker has taken it yet
    job = Job.objects.get()
    page = client.get(asked["Location"]).content.decode()
    assert "It is being prepared now" in page and 'data-refresh-seconds="3"' in page
    assert "refresh-while-waiting.js" in page and "Check again" in page
    assert "my-imhcf-record.zip" not in page
    file_url = reverse("assessments:prepared_file", args=[job.pk, "my-imhcf-record.zip"])
    assert client.get(file_url)["Location"] == job.get_absolute_url()  # not ready yet
    prepared.prepare(job.pk)  # the worker
    page = client.get(asked["Location"]).content.decode()
    assert "It is ready to download." in page and "data-refresh-seconds" not in page


def test_only_its_owner_sees_the_page_and_the_file(client, alice, bob, outsider):
    job = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)
    prepared.prepare(job.pk)
    file_url = reverse("assessments:prepared_file", args=[job.pk, "my-imhcf-record.zip"])
    for other in (bob, outsider):
        client.force_login(other)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.get(file_url).status_code == 404
    client.force_login(alice)
    assert client.get(file_url).status_code == 200
    wrong_name = reverse("assessments:prepared_file", args=[job.pk, "other.zip"])
    assert client.get(wrong_name).status_code == 404


def test_a_double_click_reuses_the_job_and_a_later_ask_builds_again(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    first = ask(client, capture=django_capture_on_commit_callbacks)
    second = ask(client, capture=django_capture_on_commit_callbacks)
    assert first["Location"] == second["Location"] and Job.objects.count() == 1
    waiting = ask(client, "assessments:pack_zip", run=False)  # another kind: its own job
    assert ask(client, "assessments:pack_zip", run=False)["Location"] == waiting["Location"]
    assert Job.objects.count() == 2
    Job.objects.update(created_at=timezone.now() - prepared.FRESH)
    third = ask(client, capture=django_capture_on_commit_callbacks)
    assert third["Location"] != first["Location"] and Job.objects.count() == 3


def test_a_task_run_twice_builds_the_same_file_and_leaves_one(alice, settings):
    job = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)
    prepared.prepare(job.pk)
    job.refresh_from_db()
    assert stored(settings) == [f"{job.pk}-my-imhcf-record.zip"]
    prepared.prepare(job.pk)  # queued again after it finished: nothing to do
    assert Job.objects.get().finished_at == job.finished_at
    # A worker that saved the file and died before it marked the job done: the copy
    # queued again replaces that file rather than adding a second one.
    Job.objects.filter(pk=job.pk).update(state=Job.State.WAITING, file="")
    prepared.prepare(job.pk)
    job.refresh_from_db()
    assert stored(settings) == [f"{job.pk}-my-imhcf-record.zip"]
    assert job.state == Job.State.DONE and job.file.name == f"prepared/{job.pk}-my-imhcf-record.zip"


def test_an_expired_file_is_deleted_by_the_sweep_and_its_page_offers_to_prepare_it_again(
    client, alice, settings, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    got = prepared_download(client, "assessments:export_zip")
    job = got.job
    assert job.expires_at == job.finished_at + datetime.timedelta(hours=1)
    assert "It is kept for you until" in got.page.content.decode()
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    file_url = got.page.context["file_url"]
    assert client.get(file_url)["Location"] == job.get_absolute_url()
    assert sweep.sweep()["prepared files deleted"] == 1
    assert stored(settings) == []
    page = client.get(job.get_absolute_url()).content.decode()
    assert "This download has been deleted" in page and "kept for 1 hour after" in page
    assert f'action="{reverse("assessments:export_zip")}"' in page and "Prepare it again" in page
    assert client.get(file_url)["Location"] == job.get_absolute_url()
    again = ask(client, capture=django_capture_on_commit_callbacks)
    assert again["Location"] != job.get_absolute_url()
    assert "It is ready to download." in client.get(again["Location"]).content.decode()
    # A day on, the old job's page goes too.
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - sweep.PREPARED_PAGE_KEPT)
    sweep.sweep()
    assert client.get(job.get_absolute_url()).status_code == 404
    assert Job.objects.count() == 1


def test_a_file_that_cannot_be_stored_fails_the_job_and_its_page_says_try_again(
    client, alice, admin_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Storage that cannot be written (its folder is a file): retried, then failed for
    good, kept for admins, and said on the page in plain words."""
    (tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder" / "media"
    client.force_login(alice)
    asked = ask(client, capture=django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and "Error" in job.problem
    failure = FailedTask.objects.get()
    assert (failure.name, failure.job) == ("assessments.tasks.prepared.prepare", job)
    page = client.get(asked["Location"]).content.decode()
    assert "It could not be prepared. Please try again" in page
    assert "Try again" in page and "Error" not in page and "Traceback" not in page
    assert "data-refresh-seconds" not in page
    client.force_login(admin_user)
    listed = client.get(reverse("admin:assessments_failedtask_changelist")).content.decode()
    assert "assessments.tasks.prepared.prepare" in listed


def test_the_sweep_queues_a_stalled_job_again_and_deletes_files_no_job_names(
    alice, settings, django_capture_on_commit_callbacks
):
    job = prepared.start(owner=alice, kind=Job.Kind.RECORD_ZIP)  # its task was lost
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - sweep.STALLED)
    stray = default_storage.save("prepared/99-my-imhcf-record.zip", ContentFile(b"left"))
    old = (timezone.now() - sweep.STALLED).timestamp()
    os.utime(default_storage.path(stray), (old, old))
    just_saved = default_storage.save("prepared/98-portfolio-pack.pdf", ContentFile(b"new"))
    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep.sweep()
    assert swept["prepared downloads"] == 1 and swept["prepared files deleted"] == 1
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert stored(settings) == sorted([f"{job.pk}-my-imhcf-record.zip", just_saved[9:]])


def test_the_old_addresses_go_to_the_page_that_offers_the_download(client, alice):
    client.force_login(alice)
    assert client.get(reverse("assessments:export_zip"))["Location"] == "/me/profile/#your-data"
    assert client.get(reverse("assessments:pack_pdf"))["Location"] == "/me/portfolio/#cycle"
    assert client.get(reverse("assessments:pack_zip"))["Location"] == "/me/portfolio/#cycle"
    assert not Job.objects.exists()  # a GET changes nothing
    profile = client.get(reverse("assessments:profile")).content.decode()
    assert f'<form method="post" action="{reverse("assessments:export_zip")}">' in profile


def test_the_prepared_page_reads_three_queries_whatever_its_state(client, alice):
    client.force_login(alice)
    job = prepared.start(owner=alice, kind=Job.Kind.PACK_ZIP)
    url = job.get_absolute_url()
    client.get(url)
    waiting = count_queries(client, url)
    prepared.prepare(job.pk)
    ready = count_queries(client, url)
    Job.objects.update(expires_at=timezone.now())
    expired = count_queries(client, url)
    Job.objects.update(state=Job.State.FAILED)
    # session, the person (with her roles), the job
    assert waiting == ready == expired == count_queries(client, url) == 3
