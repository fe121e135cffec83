"""The safety net, run by the scheduler every five minutes: work that was saved but
whose task was never queued (the broker was down when it was asked for) or was lost
(Redis restarted empty) is queued again. Only work that has made no progress for
STALLED is touched: far longer than a task may run (CELERY_TASK_TIME_LIMIT) and than
the broker waits before giving a dead worker's task to another, so a copy is never
queued beside work that is still going."""

import datetime

from celery import shared_task
from django.core.files.storage import default_storage
from django.db.models import FileField, Max, Q
from django.utils import timezone

from ..models import Invite, Job, SentReminder
from . import invitations, prepared
from . import reminders as reminder_tasks
from .queueing import later

STALLED = datetime.timedelta(minutes=30)
REMINDERS_KEPT_TRYING = datetime.timedelta(days=2)  # then the reminder is out of date
# A prepared download's job outlives its file by this much, so its page can still say
# the file has gone and offer to prepare it again; then the row goes too.
PREPARED_PAGE_KEPT = datetime.timedelta(days=1)


@shared_task
def sweep() -> dict[str, int]:
    """Queue again what has stalled; returns how many of each kind."""
    now = timezone.now()
    return {
        "invitation batches": _invitations(now),
        "reminders": _reminders(now),
        **_prepared(now),
    }


def _invitations(now: datetime.datetime) -> int:
    queued = 0
    stalled = Job.objects.filter(
        kind=Job.Kind.INVITATIONS, state=Job.State.WAITING, queued_at__lt=now - STALLED
    ).annotate(last_sent=Max("invites__mailed_at"))
    for job in stalled:
        if job.last_sent and job.last_sent > now - STALLED:
            continue  # still going
        unsent = list(
            job.invites.filter(mailed_at=None, mail_problem="").values_list("pk", flat=True)
        )
        Invite.objects.filter(pk__in=unsent).update(mail_claim="")
        Job.objects.filter(pk=job.pk).update(queued_at=now)
        if unsent:
            invitations.queue(job, unsent)
            queued += (len(unsent) + invitations.BATCH - 1) // invitations.BATCH
        else:
            invitations.finish_if_done(job.pk)
    return queued


def _reminders(now: datetime.datetime) -> int:
    stale = list(
        SentReminder.objects.filter(
            sent_at=None,
            claimed_at__lt=now - STALLED,
            claimed_at__gt=now - REMINDERS_KEPT_TRYING,
        )
        .exclude(task=reminder_tasks.REFUSED)
        .values_list("pk", flat=True)
    )
    SentReminder.objects.filter(pk__in=stale).update(task="", claimed_at=now)
    for pk in stale:
        later(reminder_tasks.send_reminder, pk)
    return len(stale)


def _prepared(now: datetime.datetime) -> dict[str, int]:
    """Prepared downloads (tasks/prepared.py): files past `expires_at` are deleted (their
    job's page then offers to prepare them again), jobs a day after that; one waiting far
    longer than it should is queued again; and a file no job names (its owner deleted
    the account, or a copy of the work stopped half-way) is deleted once it is older
    than STALLED."""
    kinds = list(prepared.KINDS)
    ours = Job.objects.filter(kind__in=kinds, organisation=None)
    deleted = 0
    for job in ours.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    ours.filter(
        Q(expires_at__lte=now - PREPARED_PAGE_KEPT)
        | Q(state=Job.State.FAILED, created_at__lte=now - PREPARED_PAGE_KEPT)
    ).delete()
    stalled = list(
        ours.filter(state=Job.State.WAITING, queued_at__lt=now - STALLED).values_list(
            "pk", flat=True
        )
    )
    Job.objects.filter(pk__in=stalled).update(queued_at=now)
    for pk in stalled:
        later(prepared.prepare, pk)
    return {
        "prepared downloads": len(stalled),
        "prepared files deleted": deleted + _stray_prepared_files(now),
    }


def _stray_prepared_files(now: datetime.datetime) -> int:
    field = Job._meta.get_field("file")
    assert isinstance(field, FileField)
    folder = str(field.upload_to).rstrip("/")
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return 0  # nothing prepared yet
    named = set(Job.objects.exclude(file="").values_list("file", flat=True))
    stray = [
        f"{folder}/{name}"
        for name in names
        if f"{folder}/{name}" not in named
        and default_storage.get_modified_time(f"{folder}/{name}") < now - STALLED
    ]
    for name in stray:
        default_storage.delete(name)
    return len(stray)
