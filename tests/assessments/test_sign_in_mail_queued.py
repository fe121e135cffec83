"""The e-mails allauth writes (confirm an address, reset a password) are sent by a
worker, not in the request; with a broker that cannot be reached they are sent from the
request, as before there was a queue, so nobody waits for a link that never comes."""

import base64
import json

import pytest
from django.urls import reverse

from imhcf.celery import app as celery_app
from tests.mail import free_port
from tests.queue.workers import broker, queued, redis_or_skip


@pytest.mark.redis
def test_a_password_reset_link_is_queued_for_a_worker(client, alice, mailoutbox):
    redis = redis_or_skip()
    with broker(celery_app):
        client.post(reverse("account_reset_password"), {"email": alice.email})
    assert mailoutbox == []  # nothing sent in the request
    assert queued(redis) == 1
    [body] = [json.loads(raw)["body"] for raw in redis.lrange("celery", 0, -1)]
    parts = json.loads(base64.b64decode(body))[0][0]  # the task's one argument
    assert parts["to"] == [alice.email] and "/accounts/password/reset/key/" in parts["body"]


def test_with_the_broker_down_the_link_is_sent_from_the_request(client, alice, mailoutbox):
    with broker(celery_app, url=f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens
        client.post(reverse("account_reset_password"), {"email": alice.email})
    [sent] = mailoutbox
    assert sent.to == [alice.email] and "/accounts/password/reset/key/" in sent.body
