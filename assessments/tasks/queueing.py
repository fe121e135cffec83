"""How work is queued and retried, and what is kept when a task fails for good."""

import logging
import smtplib
from typing import Any

from celery import Task
from celery.signals import task_failure
from django.conf import settings
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

log = logging.getLogger("imhcf.tasks")

# Failures that pass: the mail server or the database restarting, a dropped connection.
# A task that meets one is tried again later, waiting longer each time (about 5 s, 10 s,
# 20 s ... up to half the broker's redelivery time: 7.5 minutes by default), with jitter
# so workers do not retry in step, six times.
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,  # refused or dropped connections, time-outs (SMTPServerDisconnected is one)
    smtplib.SMTPException,
    DatabaseError,
)
RETRIED: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    # A retry waits on a worker, unacknowledged, until its time comes: the wait must stay
    # below the broker's redelivery time, or the broker hands a second copy to another.
    "retry_backoff_max": min(600, settings.TASK_REDELIVER_SECONDS // 2),
    "retry_jitter": True,
    "max_retries": 6,
}


def later(task: Task, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one), so
    a worker never looks for rows that are not there yet. A broker that cannot be reached
    is logged, never an error for the person who acted: what they saved stays saved, and
    the sweep (tasks/sweep.py) queues the work again."""

    def send() -> None:
        try:
            task.apply_async(args=args)
        except (BrokerUnreachable, OSError) as error:
            log.warning("not queued: %s%r: %s", task.name, args, error)

    transaction.on_commit(send)


def refused_for_good(error: BaseException) -> str:
    """Why the mail server refused a message for good, in words, or "" when trying again
    later may work (4xx answers, dropped connections)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            return "the mail server refused the address"
    if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500:
        return "the mail server refused the e-mail"
    return ""


@task_failure.connect
def keep_failure(sender: Task | None = None, args=None, exception=None, **kwargs) -> None:
    """A task that failed after its last retry: an admin sees it (FailedTask, in Django
    admin), and a job someone follows says it stopped."""
    from ..models import FailedTask, Job

    job_id = args[0] if args and getattr(sender, "follows_job", False) else None
    error = f"{type(exception).__name__}: {exception}"
    try:
        FailedTask.objects.create(  # never for a retry: task_failure comes after the last
            name=getattr(sender, "name", "?"),
            arguments=list(args or []),
            error=error,
            job_id=job_id
            if job_id is not None and Job.objects.filter(pk=job_id).exists()
            else None,
        )
        if job_id is not None:
            Job.objects.filter(pk=job_id, state=Job.State.WAITING).update(
                state=Job.State.FAILED, problem=error
            )
    except DatabaseError:
        log.exception("task failed for good and could not be recorded: %s", error)
    log.error("task failed for good: %s%r: %s", getattr(sender, "name", "?"), args, error)
