"""A staff import's invitations on a real queue: Redis on loopback, a Celery worker in
its own process, a real SMTP server on loopback. Confirming sends nothing in the
request; the worker sends every invitation once; a worker killed mid-batch loses none
and sends none twice. On PostgreSQL (the worker is another process, and must read the
test database) with Redis; skipped elsewhere, saying why."""

import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from assessments.models import Invite, Job
from imhcf.celery import app as celery_app
from tests.assessments.test_staff_import import staff_csv, upload
from tests.mail import free_port
from tests.queue.workers import (
    broker,
    kill,
    queued,
    redis_or_skip,
    start_worker,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class Recipients:
    """An SMTP server's handler that counts each recipient it took a message for; with
    `on_rcpt`, calls it (once) at the RCPT of the message numbered `at` (from 1)."""

    def __init__(self, on_rcpt=None, at: int = 0):
        self.taken: Counter[str] = Counter()
        self.rcpts = 0
        self.on_rcpt, self.at = on_rcpt, at
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpts += 1
            hook = self.on_rcpt if self.rcpts == self.at else None
        if hook is not None:
            hook()  # the sender dies here: this message's DATA never comes
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.taken.update(envelope.rcpt_tos)
        return "250 OK"


def smtp_server(handler) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port


def confirm_on_the_queue(client, organisation, rows: int):
    """Upload and confirm `rows` staff; the sending page's address."""
    preview = upload(client, organisation, staff_csv(rows))
    assert preview.status_code == 200
    done = client.post(
        f"/me/organisations/{organisation.pk}/import/confirm/",
        {"digest": preview.context["digest"]},
    )
    assert done.status_code == 302
    return done["Location"]


def all_sent():
    return not Invite.objects.filter(mailed_at=None).exists()


def test_two_thousand_invitations_are_queued_not_sent_and_the_worker_sends_each_once(
    client, team, tess
):
    redis = redis_or_skip()
    handler = Recipients()
    controller, port = smtp_server(handler)
    client.force_login(tess)
    worker = None
    try:
        with broker(celery_app):
            sending = confirm_on_the_queue(client, team.organisation, 2000)
            # Nothing was sent inside the request: the 40 batches wait on the queue.
            assert handler.rcpts == 0 and sum(handler.taken.values()) == 0
            assert queued(redis) == 40
            assert Invite.objects.count() == 2000
            assert not Invite.objects.exclude(mailed_at=None).exists()
            page = client.get(sending).content.decode()
            assert "0 of 2000 invitations e-mailed so far; 2000 still to send." in page

            worker = start_worker(port)
            wait_for(all_sent, seconds=300)
            assert queued(redis) == 0
    finally:
        if worker is not None:
            stop(worker)
        controller.stop()
    assert len(handler.taken) == 2000  # every address
    assert set(handler.taken.values()) == {1}  # once each
    assert Job.objects.get().state == Job.State.DONE
    assert "All 2000 invitations e-mailed." in client.get(sending).content.decode()


def test_a_worker_killed_mid_batch_loses_no_invitation_and_sends_none_twice(client, team, tess):
    redis_or_skip()
    workers = []
    killed = threading.Event()

    def kill_the_worker():
        kill(workers[0])
        killed.set()

    # The 30th e-mail of the first batch of 50: the worker dies between RCPT and DATA,
    # after 29 were taken by the server and marked sent.
    handler = Recipients(on_rcpt=kill_the_worker, at=30)
    controller, port = smtp_server(handler)
    client.force_login(tess)
    try:
        with broker(celery_app):
            confirm_on_the_queue(client, team.organisation, 120)  # 3 batches
            # The broker gives a dead worker's unfinished task to another after 6 s.
            workers.append(start_worker(port, redeliver_seconds=6))
            assert killed.wait(120), "the worker was never killed"
            assert sum(handler.taken.values()) == 29
            assert Invite.objects.exclude(mailed_at=None).count() == 29
            workers.append(start_worker(port, redeliver_seconds=6))
            wait_for(all_sent, seconds=180)
    finally:
        for worker in workers:
            stop(worker)
        controller.stop()
    assert len(handler.taken) == 120  # none lost
    assert set(handler.taken.values()) == {1}  # none twice
    assert Job.objects.get().state == Job.State.DONE
