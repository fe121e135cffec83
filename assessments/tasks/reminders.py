"""The day's reminders: the scheduler queues the day's claims (one task), and each
claimed reminder is sent by its own task."""

import datetime
import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from ..models import Registration, SentReminder
from ..portfolio import reminders
from .queueing import RETRIED, refused_for_good

log = logging.getLogger("imhcf.tasks")
REFUSED = "refused"  # a claim's task when the mail server refused it for good


@shared_task(**RETRIED)
def queue_due_reminders(today: str | None = None) -> int:
    """Claim and queue the reminders due today (or on `today`, YYYY-MM-DD). Safe to run
    twice: a claimed reminder is not queued again."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return reminders.queue_reminders(day)


@shared_task(bind=True, **RETRIED)
def send_reminder(self, claim_id: int) -> None:
    """Send one claimed reminder, once. The claim is taken for this task (its id stays
    the same when the task is retried or run again after its worker died); a copy of the
    work queued by the sweep finds it taken and leaves it. Marked sent as soon as the
    mail server takes it."""
    me = self.request.id or ""
    taken = (
        SentReminder.objects.filter(pk=claim_id, sent_at=None)
        .filter(Q(task="") | Q(task=me))
        .update(task=me)
    )
    if not taken:
        return  # sent already, or another task has it
    claim = SentReminder.objects.get(pk=claim_id)
    try:
        reminders.send_claimed(claim)
    except Registration.DoesNotExist:
        return  # they removed their registration since
    except Exception as error:
        if not (why := refused_for_good(error)):
            raise  # tried again later (RETRIED)
        log.warning("reminder not sent: %s", why, extra={"user": claim.user_id})
        SentReminder.objects.filter(pk=claim_id).update(task=REFUSED)
        return
    SentReminder.objects.filter(pk=claim_id).update(sent_at=timezone.now())
