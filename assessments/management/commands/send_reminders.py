"""Queue the day's reminders (the scheduler does this at 07:00: docs/deploy.md; this
command is for catching up by hand). Safe to run twice, or twice at once: each reminder
is claimed before it is queued, and sent once."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.portfolio.reminders import queue_reminders


class Command(BaseCommand):
    help = "Queue the renewal, application-window and appraisal reminders due today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if it were this day (YYYY-MM-DD), e.g. to catch up after downtime.",
        )

    def handle(self, *args, today=None, **options):
        queued = queue_reminders(today or timezone.localdate())
        self.stdout.write(f"Reminders queued: {queued}")
