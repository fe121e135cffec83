"""The safety net, run by the scheduler every five minutes: work that was saved but
whose task was never queued (the broker was down when it was asked for) or was lost
(Redis restarted empty) is queued again. Only work that has made no progress for
STALLED is touched: far longer than a task may run (CELERY_TASK_TIME_LIMIT) and than
the broker waits before giving a dead worker's task to another, so a copy is never
queued beside work that is still going."""

import datetime

from celery import shared_task
from django.db.models import Max
from django.utils import timezone

from ..models import Invite, Job, SentReminder
from . import invitations
from . import reminders as reminder_tasks
from .queueing import later

STALLED = datetime.timedelta(minutes=30)
REMINDERS_KEPT_TRYING = datetime.timedelta(days=2)  # then the reminder is out of date


@shared_task
def sweep() -> dict[str, int]:
    """Queue again what has stalled; returns how many of each kind."""
    now = timezone.now()
    return {
        "invitation batches": _invitations(now),
        "reminders": _reminders(now),
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
