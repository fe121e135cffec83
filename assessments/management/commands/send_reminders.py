"""Send the day's reminders; run daily (docs/deploy.md: cron or a systemd timer). Safe to
run twice, or twice at once: each reminder is claimed before it is sent."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from assessments.portfolio.reminders import send_reminders


class Command(BaseCommand):
    help = "E-mail the renewal, application-window and appraisal reminders due today."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Act as if it were this day (YYYY-MM-DD), e.g. to catch up after downtime.",
        )

    def handle(self, *args, today=None, **options):
        sent, failed = send_reminders(today or timezone.localdate())
        self.stdout.write(f"Reminders sent: {sent}; not sent (will be tried again): {failed}")
        if failed:
            raise SystemExit(1)
