from django.core.management.base import BaseCommand, CommandError

from assessments.tasks import tallies as tally_tasks
from assessments.teams import tallies


class Command(BaseCommand):
    help = (
        "Rebuild the team tallies from memberships and ratings on a worker (--now: here, "
        "and wait); with --check, only report tallies that differ from a full count "
        "(exit status 1 if any do)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="report drift, change nothing")
        parser.add_argument("--now", action="store_true", help="rebuild here rather than queue")

    def handle(self, *args, check=False, now=False, **options):
        if check:
            lines = tallies.drift()
            for line in lines:
                self.stdout.write(line)
            if lines:
                raise CommandError(f"{len(lines)} team tallies differ from a full count.")
            self.stdout.write("Every team tally matches a full count.")
            return
        if now:
            written = tallies.recount()
            self.stdout.write(f"Recounted: {written} team tallies written.")
            return
        tally_tasks.recount.delay()
        self.stdout.write("Recount queued: a worker rebuilds the team tallies.")
