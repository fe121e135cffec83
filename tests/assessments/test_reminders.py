"""Reminders before renewal, application-window and appraisal dates, and notices to the
other side of a team: sent on the right days for each regulator's rule, never twice,
honouring unsubscribe, and delivered through a real SMTP server on loopback."""

import datetime
import email
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessments.models import FailedTask, Membership, Registration, SentReminder, User
from assessments.portfolio import reminders
from assessments.tasks import sweep
from tests.factories import UserFactory
from tests.mail import free_port, loopback_smtp

D = datetime.date


def registration(user, **fields) -> Registration:
    return Registration.objects.create(user=user, **fields)


def run(day: datetime.date) -> list:
    """Run the command for `day`; the e-mails its tasks sent (in-process here: no broker
    is configured, so each runs once the claims commit)."""
    before = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_reminders", "--today", day.isoformat())
    return mail.outbox[before:]


def test_an_nmc_registrant_hears_at_90_30_and_7_days_and_when_the_window_opens(alice):
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    subjects = {}
    day = D(2026, 12, 1)
    while day <= D(2027, 4, 2):
        for sent in run(day):
            subjects[day] = sent.subject
        day += datetime.timedelta(days=1)
    assert subjects == {
        D(2026, 12, 31): "Your revalidation application date is in 90 days",
        D(2027, 1, 30): "Your revalidation application opens today",
        D(2027, 3, 1): "Your revalidation application date is in 30 days",
        D(2027, 3, 24): "Your revalidation application date is in 7 days",
    }


@pytest.mark.parametrize(
    ("regulator", "label"),
    [
        ("hcpc", "registration renewal date"),
        ("swe", "registration renewal deadline (30 november)"),
        ("sssc", "annual declaration date"),
        ("ukcp", "end of your five-year cpd period"),
    ],
)
def test_other_regulators_have_no_window_reminder_and_name_their_own_date(alice, regulator, label):
    registration(alice, regulator=regulator, renewal_date=D(2027, 11, 30))
    sent = [m for day in (D(2027, 9, 1), D(2027, 10, 31), D(2027, 11, 23)) for m in run(day)]
    assert [m.subject for m in sent] == [
        f"Your {label} is in 90 days",
        f"Your {label} is in 30 days",
        f"Your {label} is in 7 days",
    ]
    assert run(D(2027, 10, 1)) == []  # the NMC's window day means nothing here


def test_appraisal_reminders_need_no_regulator(alice):
    registration(alice, appraisal_date=D(2027, 1, 15))
    assert [m.subject for m in run(D(2026, 12, 18))] == ["Your appraisal is in 28 days"]
    assert [m.subject for m in run(D(2027, 1, 8))] == ["Your appraisal is in 7 days"]
    assert run(D(2027, 1, 16)) == []  # after the date: nothing


def test_a_date_entered_late_gets_one_reminder_not_every_missed_one(alice):
    registration(alice, regulator="hcpc", renewal_date=D(2027, 1, 20))
    assert [m.subject for m in run(D(2027, 1, 1))] == [
        "Your registration renewal date is in 30 days"
    ]
    assert run(D(2027, 1, 2)) == []


def test_running_twice_sends_nothing_twice(alice):
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    assert len(run(D(2027, 3, 1))) == 1
    assert run(D(2027, 3, 1)) == []
    assert SentReminder.objects.count() == 1


def test_a_reminder_another_run_has_claimed_is_not_sent(alice):
    """Two overlapping runs: the first has written its claim and is still sending."""
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    SentReminder.objects.create(user=alice, kind="renewal", due=D(2027, 3, 31), days_before=30)
    assert run(D(2027, 3, 1)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_on_postgresql_send_each_reminder_once(catalogue):
    """Four runs at once, each on its own connection, over 40 people due the same day."""
    for i in range(40):
        person = UserFactory(username=f"p{i}", email=f"p{i}@example.org")
        registration(person, regulator="nmc", renewal_date=D(2027, 3, 31))
    results, start = [], threading.Barrier(4)

    def one_run():
        start.wait()
        try:
            results.append(reminders.queue_reminders(D(2027, 3, 1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=one_run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 40  # each claimed and queued by one run only
    assert len(mail.outbox) == 40
    assert len({m.to[0] for m in mail.outbox}) == 40


def test_reminders_go_through_a_real_smtp_server_with_one_click_unsubscribe(alice, settings):
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    with loopback_smtp(settings) as (received, _):
        run(D(2027, 3, 1))
    [envelope] = received
    assert envelope.rcpt_tos == ["alice@example.org"]
    message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "Your revalidation application date is in 30 days"
    unsubscribe = " ".join(message["List-Unsubscribe"].split())
    assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop them with one click" in message.get_payload()


def test_a_mail_server_that_cannot_be_reached_leaves_the_reminder_for_the_sweep(alice, settings):
    """Its task tries again, waiting longer each time; when it gives up, an admin sees
    it and the claim stays unsent, so the sweep queues it again later: sent once."""
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        free_port(),
        False,
    )
    assert run(D(2027, 3, 1)) == []
    claim = SentReminder.objects.get()
    assert claim.sent_at is None
    assert FailedTask.objects.get().name == "assessments.tasks.reminders.send_reminder"
    assert run(D(2027, 3, 1)) == []  # the day's run again: claimed already, not queued
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep.sweep()["reminders"] == 0  # too soon: it may still be under way
    SentReminder.objects.update(claimed_at=timezone.now() - sweep.STALLED * 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert sweep.sweep()["reminders"] == 1
    [sent] = mail.outbox
    assert sent.subject == "Your revalidation application date is in 30 days"
    assert SentReminder.objects.get().sent_at is not None
    with TestCase.captureOnCommitCallbacks(execute=True):
        SentReminder.objects.update(claimed_at=timezone.now() - sweep.STALLED * 2)
        assert sweep.sweep()["reminders"] == 0  # sent: never again
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_stops_reminders_without_signing_in(client, alice):
    registration(alice, regulator="nmc", renewal_date=D(2027, 3, 31))
    [sent] = run(D(2026, 12, 31))
    link = sent.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})  # as a mail client
    assert "you will no longer receive reminders" in response.content.decode()
    assert not Registration.objects.get(user=alice).notify_dates
    assert run(D(2027, 3, 1)) == []


def test_an_unsubscribe_link_opened_in_a_browser_asks_first(client, alice):
    registration(alice, appraisal_date=D(2027, 1, 15))
    token = reminders.unsubscribe_token(alice.pk, reminders.DATES)
    text = client.get(reverse("unsubscribe", args=[token])).content.decode()
    assert "Stop receiving reminders" in text
    assert Registration.objects.get(user=alice).notify_dates  # a link scanner changes nothing


def test_a_forged_unsubscribe_token_is_404(client, alice):
    token = reminders.unsubscribe_token(alice.pk, reminders.DATES)
    assert client.post(reverse("unsubscribe", args=[token[:-2] + "xx"])).status_code == 404


def test_people_choose_what_they_receive(client, alice):
    client.force_login(alice)
    client.post(
        reverse("assessments:registration"),
        {
            "regulator": "nmc",
            "renewal_date": "2027-03-31",
            "appraisal_date": "",
            "notify_team": "on",
        },
    )
    saved = Registration.objects.get(user=alice)
    assert saved.regulator == "nmc" and not saved.notify_dates and saved.notify_team
    assert run(D(2027, 3, 1)) == []


def test_sharing_tells_the_managers_and_a_sign_off_tells_the_member(
    client, alice, manager, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(user=alice)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:share", args=[membership.pk]), {"share": "1"})
    [notice] = mail.outbox
    assert notice.to == ["mina@example.org"] and "shared their assessment" in notice.subject
    assert "List-Unsubscribe" in notice.extra_headers
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:review", args=[membership.team_id, alice.pk]),
            {"comment": "Well evidenced", "sign_off": "on"},
        )
    assert mail.outbox[-1].to == ["alice@example.org"]
    assert "signed off your assessment" in mail.outbox[-1].subject


def test_a_member_who_turned_team_notices_off_gets_none(
    client, alice, manager, django_capture_on_commit_callbacks
):
    registration(alice, notify_team=False)
    Membership.objects.filter(user=alice).update(shares_evidence=True)
    client.force_login(manager)
    team_id = Membership.objects.get(user=alice).team_id
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:review", args=[team_id, alice.pk]), {"comment": "Good"})
    assert mail.outbox == []
    assert User.objects.get(pk=alice.pk)  # and the review itself was saved


def test_the_registration_page_lists_the_reminders_to_come(client, alice):
    from django.utils import timezone

    date = timezone.localdate() + datetime.timedelta(days=200)
    registration(alice, regulator="nmc", renewal_date=date)
    client.force_login(alice)
    text = client.get(reverse("assessments:registration")).content.decode()

    def day(days_before):
        return f"{date - datetime.timedelta(days=days_before):%-d %B %Y}"

    for line in (
        f"{day(90)}: 90 days before your revalidation application date",
        f"{day(60)}: the day your revalidation application opens",
        f"{day(30)}: 30 days before your revalidation application date",
        f"{day(7)}: 7 days before your revalidation application date",
    ):
        assert line in text
    assert "They go to alice@example.org" in text
