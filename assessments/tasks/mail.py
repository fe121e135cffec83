"""Team notices: one task per person, so a mail server that is down delays one e-mail,
not the change that caused it."""

import logging

from celery import shared_task

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
