"""A staff import's invitation e-mails, sent by workers in batches over one connection
each, while the training lead follows them on the import's sending page."""

import logging

from celery import shared_task
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..models import INVITE_DAYS, Invite, Job, Membership, Organisation, User
from .queueing import RETRIED, later, refused_for_good

log = logging.getLogger("imhcf.tasks")
BATCH = 50  # e-mails per task: a few seconds' work, far inside the task time limit


def start(
    *, invites: list[Invite], lead: User, organisation: Organisation, site: str, detail: dict
) -> Job:
    """The job that e-mails `invites` (made by a staff import, in the caller's
    transaction): each batch is queued once that transaction commits. `site` is the
    address join links start with (the lead's own, e.g. https://imhcf.example.nhs.uk).
    Two queries, then one queueing per batch."""
    job = Job.objects.create(
        kind=Job.Kind.INVITATIONS,
        owner=lead,
        organisation=organisation,
        queued_at=timezone.now(),
        detail={**detail, "site": site, "total": len(invites)},
        state=Job.State.WAITING if invites else Job.State.DONE,
        finished_at=None if invites else timezone.now(),
    )
    ids = [invite.pk for invite in invites]
    Invite.objects.filter(pk__in=ids).update(job=job)
    queue(job, ids)
    return job


def queue(job: Job, ids: list[int]) -> None:
    for start_at in range(0, len(ids), BATCH):
        later(send_batch, job.pk, ids[start_at : start_at + BATCH])


def link(site: str, invite: Invite) -> str:
    return f"{site}{reverse('join', args=[invite.token])}"


def message(invite: Invite, site: str, connection) -> EmailMessage:
    role = "one of its managers" if invite.role == Membership.Role.MANAGER else "a member"
    body = render_to_string(
        "assessments/invitation_email.txt",
        {"invite": invite, "link": link(site, invite), "role": role, "invite_days": INVITE_DAYS},
    )
    return EmailMessage(
        f"Invitation to join {invite.team.name} ({invite.team.organisation})",
        body,
        to=[invite.email],
        connection=connection,
    )


@shared_task(bind=True, follows_job=True, **RETRIED)
def send_batch(self, job_id: int, invite_ids: list[int]) -> None:
    """E-mail the invitations `invite_ids` of job `job_id` that are not sent yet. Each is
    claimed for this task before it is sent (the claim stays this task's when it is
    retried or run again after its worker died, so another copy of the work skips it)
    and marked sent as soon as the mail server takes it: a worker killed between two
    e-mails sends neither twice. An address the server refuses for good is noted and
    skipped; a server that is down raises, and the task is tried again later."""
    me = self.request.id or ""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return
    site = job.detail.get("site", "")
    waiting = list(
        Invite.objects.filter(pk__in=invite_ids, job=job, mailed_at=None, mail_problem="")
        .filter(Q(mail_claim="") | Q(mail_claim=me))
        .select_related("team__organisation")
        .order_by("pk")
    )
    if waiting:
        with get_connection(fail_silently=False) as connection:
            for invite in waiting:
                mine = Invite.objects.filter(pk=invite.pk, mailed_at=None).filter(
                    Q(mail_claim="") | Q(mail_claim=me)
                )
                if not mine.update(mail_claim=me):
                    continue  # taken by another copy of this work since
                try:
                    message(invite, site, connection).send()
                except Exception as error:
                    if not (why := refused_for_good(error)):
                        raise  # tried again later (RETRIED); the sent ones stay sent
                    Invite.objects.filter(pk=invite.pk).update(mail_problem=why)
                    continue
                Invite.objects.filter(pk=invite.pk).update(mailed_at=timezone.now())
    finish_if_done(job_id)


def finish_if_done(job_id: int) -> None:
    """Mark the job done when none of its invitations waits to be sent."""
    if not Invite.objects.filter(job_id=job_id, mailed_at=None, mail_problem="").exists():
        Job.objects.filter(pk=job_id, state=Job.State.WAITING).update(
            state=Job.State.DONE, finished_at=timezone.now()
        )
