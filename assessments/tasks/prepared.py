"""Downloads too big to build inside a request: the whole-record ZIP and the regulator's
pack (PDF, and ZIP with its files). The person asks (portfolio/prepared.py), a worker
builds the file from the database and keeps it in private storage (the default storage:
never served by URL, only through the download view, to its owner), and the person
downloads it from the job's page for IMHCF_PREPARED_HOURS; the sweep deletes it then
(tasks/sweep.py)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import downloads
from ..accounts import export
from ..models import Job, User
from ..portfolio import packs
from .queueing import RETRIED, later

# A second ask for the same download within this time gets the job already made (a
# double click, the same button in another tab) instead of building it twice; later
# asks build it again, with whatever changed since.
FRESH = datetime.timedelta(minutes=2)


def site() -> str:
    """The address the pack's stylesheet URL starts with; WeasyPrint reads that file
    from disk (downloads.pdf_bytes), so any address of the site gives the same PDF."""
    return settings.IMHCF_SITE_URL + "/"


@dataclass(frozen=True)
class Made:
    """What one kind of download is, as its page and its file say it."""

    title: str  # the page's heading
    holds: str  # what is in it, in a sentence's words
    filename: str
    content_type: str
    offered_on: str  # the page that offers it (URL name and section), for the way back
    offered_on_label: str
    asked_at: str  # the URL name the person asks for it at (a POST)
    build: Callable[[User], bytes]


KINDS: dict[str, Made] = {
    Job.Kind.RECORD_ZIP: Made(
        title="Your whole record (ZIP)",
        holds="your ratings and every change to them, your training records, reflections "
        "and registration dates (as JSON and CSV), and every file you uploaded",
        filename="my-imhcf-record.zip",
        content_type=downloads.ZIP,
        offered_on="assessments:profile#your-data",
        offered_on_label="your profile",
        asked_at="assessments:export_zip",
        build=export.record_zip,
    ),
    Job.Kind.PACK_PDF: Made(
        title="Your portfolio pack (PDF)",
        holds="your training records and reflections for your regulator's cycle, with "
        "your progress against its requirements",
        filename="portfolio-pack.pdf",
        content_type=downloads.PDF,
        offered_on="assessments:portfolio#cycle",
        offered_on_label="your portfolio",
        asked_at="assessments:pack_pdf",
        build=lambda user: packs.pdf(packs.build(user), site()),
    ),
    Job.Kind.PACK_ZIP: Made(
        title="Your portfolio pack with every file (ZIP)",
        holds="the pack as a PDF and every file it refers to",
        filename="portfolio-pack.zip",
        content_type=downloads.ZIP,
        offered_on="assessments:portfolio#cycle",
        offered_on_label="your portfolio",
        asked_at="assessments:pack_zip",
        build=lambda user: packs.pack_zip(packs.build(user), site()),
    ),
}


def kept_for() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.IMHCF_PREPARED_HOURS)


def start(*, owner: User, kind: str) -> Job:
    """The job that prepares `kind` for `owner`: one asked for in the last FRESH that is
    still waiting or ready, else a new one, queued once this commits. The owner's row is
    locked first, so two clicks at once make one job. Three queries, four for a new one."""
    now = timezone.now()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=owner.pk).values_list("pk"))
        fresh = (
            Job.objects.filter(owner=owner, organisation=None, kind=kind)
            .filter(created_at__gte=now - FRESH)
            .filter(Q(state=Job.State.WAITING) | Q(state=Job.State.DONE, expires_at__gt=now))
            .first()
        )
        if fresh is not None:
            return fresh
        job = Job.objects.create(
            kind=kind, owner=owner, queued_at=now, filename=KINDS[kind].filename
        )
        later(prepare, job.pk)
    return job


def stored_name(job: Job) -> str:
    """Where the job's file is kept, always the same for one job: a copy of the work that
    runs again replaces what an earlier copy left, rather than adding a second file."""
    return job.file.field.generate_filename(job, f"{job.pk}-{KINDS[job.kind].filename}")


@shared_task(bind=True, follows_job=True, **RETRIED)
def prepare(self, job_id: int) -> None:
    """Build job `job_id`'s file from the database and keep it until it expires. Safe to
    run twice: a job that is no longer waiting is left alone, a file that a copy of this
    work left before it died is replaced (same name), and when two copies finish, the
    one that did not mark the job done deletes its file, unless it is the job's. Storage
    or the database failing is tried again (RETRIED); for good, the job is marked failed
    (queueing.keep_failure) and its page says so."""
    job = Job.objects.filter(pk=job_id, state=Job.State.WAITING).select_related("owner").first()
    if job is None:
        return  # done, failed for good, or deleted since it was queued
    made = KINDS[job.kind]
    body = made.build(job.owner)
    storage, name = job.file.storage, stored_name(job)
    storage.delete(name)  # left by a copy of this work that stopped before the end
    saved = storage.save(name, ContentFile(body))
    now = timezone.now()
    done = Job.objects.filter(pk=job_id, state=Job.State.WAITING).update(
        state=Job.State.DONE,
        file=saved,
        filename=made.filename,
        finished_at=now,
        expires_at=now + kept_for(),
        detail={**job.detail, "bytes": len(body)},
    )
    if not done and not Job.objects.filter(pk=job_id, file=saved).exists():
        storage.delete(saved)  # another copy finished first, or the job was deleted
