"""A staff import's invitation e-mails, followed on the import's sending page: how far
they have got, every one not sent with its link and why, the sweep picking up work
whose task was lost, and an admin trying a failed sending again. Tasks run in-process
here (no broker): tests/queue runs them on a real worker."""

from aiosmtpd.controller import Controller
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessments.models import FailedTask, Invite, Job
from assessments.tasks import invitations, sweep
from assessments.teams.services import create_invite
from tests.factories import TeamFactory, TrainingLeadFactory, UserFactory, with_authenticator
from tests.mail import free_port

SITE = "http://testserver"


def start(team, lead, emails) -> Job:
    """A staff import's sending of invitations to `emails`, not yet run."""
    invites = [
        create_invite(team=team, manager=lead, email=e, name=e.split("@")[0]) for e in emails
    ]
    return invitations.start(
        invites=invites,
        lead=lead,
        organisation=team.organisation,
        site=SITE,
        detail={"file": "staff.csv", "teams": [], "unchanged": 0},
    )


def page(client, job) -> str:
    url = reverse("assessments:staff_import_sending", args=[job.organisation_id, job.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_says_how_far_sending_has_got_and_updates_itself(client, team, tess):
    job = start(team, tess, ["a@trust-a.example", "b@trust-a.example", "c@trust-a.example"])
    Invite.objects.filter(email="a@trust-a.example").update(mailed_at=timezone.now())
    client.force_login(tess)
    text = page(client, job)
    assert "1 of 3 invitations e-mailed so far; 2 still to send." in text
    assert "data-refresh-seconds" in text and "You can leave this page" in text
    assert "not e-mailed" not in text


class RefuseOne:
    """A mail server that refuses one address for good (550), and takes the rest."""

    def __init__(self, refused: str):
        self.refused, self.taken = refused, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.taken.extend(envelope.rcpt_tos)
        return "250 OK"


def test_an_address_the_server_refuses_is_listed_with_why_and_its_link(
    client, team, tess, settings
):
    handler, port = RefuseOne("gone@trust-a.example"), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            job = start(team, tess, ["a@trust-a.example", "gone@trust-a.example"])
    finally:
        controller.stop()
    assert handler.taken == ["a@trust-a.example"]
    job.refresh_from_db()
    assert job.state == Job.State.DONE  # nothing left to try: the refusal is for good
    assert not FailedTask.objects.exists()
    client.force_login(tess)
    text = page(client, job)
    assert "1 of 2 invitations e-mailed; 1 could not be, listed below with its link." in text
    assert (
        "gone (gone@trust-a.example), North locality: the mail server refused the address" in text
    )
    gone = Invite.objects.get(email="gone@trust-a.example")
    assert f"/join/{gone.token}/" in text


def test_the_page_reads_the_same_queries_for_three_invitations_or_three_hundred(
    client, team, tess, django_assert_num_queries
):
    small = start(team, tess, [f"s{i}@trust-a.example" for i in range(3)])
    large = start(team, tess, [f"l{i}@trust-a.example" for i in range(300)])
    Invite.objects.filter(job=large).update(mail_problem="the mail server refused the address")
    client.force_login(tess)
    page(client, small)  # the session and its checks, once
    for job in (small, large):
        with django_assert_num_queries(6):
            page(client, job)


def test_a_lead_of_another_organisation_gets_404(client, team, tess):
    job = start(team, tess, ["a@trust-a.example"])

    elsewhere = TeamFactory(name="East", organisation__name="Trust B")
    uma = with_authenticator(UserFactory(username="uma"))
    TrainingLeadFactory(organisation=elsewhere.organisation, user=uma)
    client.force_login(uma)
    url = reverse("assessments:staff_import_sending", args=[elsewhere.organisation_id, job.pk])
    assert client.get(url).status_code == 404


def test_the_sweep_queues_again_a_sending_whose_task_was_lost(team, tess, mailoutbox):
    job = start(team, tess, ["a@trust-a.example", "b@trust-a.example"])  # never queued
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep.sweep()["invitation batches"] == 0  # too soon: it may be on its way
    assert mailoutbox == []
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - sweep.STALLED * 2)
    Invite.objects.filter(job=job).update(mail_claim="a-task-that-died")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep.sweep()["invitation batches"] == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["a@trust-a.example", "b@trust-a.example"]
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    with TestCase.captureOnCommitCallbacks(execute=True):
        Job.objects.filter(pk=job.pk).update(queued_at=timezone.now() - sweep.STALLED * 2)
        assert sweep.sweep()["invitation batches"] == 0  # done: never again
    assert len(mailoutbox) == 2


def test_an_admin_tries_a_failed_sending_again_and_it_sends_what_was_not_sent(
    client, team, tess, admin_user, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        free_port(),  # nothing listens: every retry fails, then the task gives up
        False,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        job = start(team, tess, ["a@trust-a.example", "b@trust-a.example"])
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    client.force_login(tess)
    text = page(client, job)
    assert "0 of 2 invitations e-mailed; sending stopped" in text
    assert "ask your site's administrator to look at the mail server" in text
    failure = FailedTask.objects.get()
    assert failure.job_id == job.pk
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(admin_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(
            reverse("admin:assessments_failedtask_changelist"),
            {"action": "try_again", "_selected_action": [failure.pk]},
            follow=True,
        )
    assert "Queued again: 1." in done.content.decode()
    assert sorted(m.to[0] for m in mailoutbox) == ["a@trust-a.example", "b@trust-a.example"]
    job.refresh_from_db()
    assert job.state == Job.State.DONE and not FailedTask.objects.exists()
