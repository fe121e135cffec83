"""Team notices, one task per person, and the sign-in e-mails allauth writes: a mail
server that is down delays an e-mail, never the page or the change that caused it."""

import logging
from typing import Any

from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives
from kombu.exceptions import OperationalError as BrokerUnreachable

from ..models import User
from .queueing import RETRIED, refused_for_good

log = logging.getLogger("imhcf.tasks")


@shared_task(**RETRIED)
def send_notice(user_id: int, choice: str, subject: str, body: str) -> None:
    """E-mail `user_id` a notice of kind `choice` (portfolio/reminders.message adds the
    unsubscribe link). Nothing for someone who has since gone or has no address."""
    from ..portfolio.reminders import message

    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return
    try:
        message(user, choice, subject, body).send()
    except Exception as error:
        if not (why := refused_for_good(error)):
            raise  # tried again later (RETRIED)
        log.warning("notice not sent: %s", why, extra={"user": user_id})


def send_now(message: EmailMessage) -> None:
    """Queue a message written in a request (allauth's), at once rather than after the
    transaction: what it says (a link with a key) stands whether or not the request's
    writes commit, as when allauth sent it itself. A broker that cannot be reached: sent
    from here, as before there was a queue."""
    parts: dict[str, Any] = {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }
    try:
        send_message.apply_async(args=[parts])
    except (BrokerUnreachable, OSError) as error:
        log.warning("not queued, sent from the request: %s", error)
        message.send()


@shared_task(**RETRIED)
def send_message(parts: dict[str, Any]) -> None:
    """Send one written e-mail. An address refused for good is logged, not retried."""
    message = EmailMultiAlternatives(
        parts["subject"],
        parts["body"],
        parts["from_email"],
        parts["to"],
        headers=parts["headers"],
        alternatives=[tuple(alternative) for alternative in parts["alternatives"]],
    )
    try:
        message.send()
    except Exception as error:
        if not (why := refused_for_good(error)):
            raise  # tried again later (RETRIED)
        log.warning("e-mail not sent: %s", why)
